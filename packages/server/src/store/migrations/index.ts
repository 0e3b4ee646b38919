import type { Migration } from 'kysely';
import * as m0001 from './0001_init.ts';
import * as m0002 from './0002_social.ts';
import * as m0003 from './0003_push.ts';
import * as m0004 from './0004_spaces.ts';
import * as m0005 from './0005_questions_recordings.ts';
import * as m0006 from './0006_stream_keys.ts';
import * as m0007 from './0007_transcripts.ts';
import * as m0008 from './0008_room_blocks.ts';

/** Every migration in order. Names sort lexically; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_social': m0002,
  '0003_push': m0003,
  '0004_spaces': m0004,
  '0005_questions_recordings': m0005,
  '0006_stream_keys': m0006,
  '0007_transcripts': m0007,
  '0008_room_blocks': m0008,
};
