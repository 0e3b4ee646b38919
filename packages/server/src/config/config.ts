import { z } from 'zod';
import os from 'node:os';
import path from 'node:path';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Every key, its default and meaning is listed in /config.example.env. */
export const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public base URL used in meeting links and .ics invites. Defaults to http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** PostgreSQL connection string. Empty = embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().optional(),
  /** Where embedded data lives. `memory://` keeps it in memory (tests). */
  DATA_DIR: z.string().default('./data'),
  /** Trust X-Forwarded-* from a reverse proxy in front of the server. */
  TRUST_PROXY: bool.default(false),
  /** Seconds a dropped client keeps its seat to resume. */
  RESUME_GRACE_SECONDS: z.coerce.number().min(1).default(30),
  /** Listeners one Space serves over WebRTC on this node; later joiners wait in line. */
  SPACE_WEBRTC_LISTENERS: z.coerce.number().int().min(1).default(500),
  /** Listener admissions per second per Space: a join storm is let in at this pace, in order. */
  SPACE_JOINS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Spaces' broadcast tier: the speakers' mixed audio as HLS at /hls/:spaceId/index.m3u8 (needs ffmpeg). */
  SPACE_HLS: z.enum(['on', 'off']).default('on'),
  /** ffmpeg executable for the HLS egress (Debian's `ffmpeg`; scripts/ffmpeg.sh installs it). */
  SPACE_HLS_FFMPEG: z.string().min(1).default('ffmpeg'),
  /** Speakers mixed at once (the most recently active ones); each is one RTP stream into ffmpeg. */
  SPACE_HLS_SLOTS: z.coerce.number().int().min(1).max(8).default(4),
  /** The main video (active speaker / screen share, H.264 480×270) in the broadcast too. */
  SPACE_HLS_VIDEO: z.enum(['on', 'off']).default('on'),
  /** AAC bitrate of the broadcast, kbit/s. */
  SPACE_HLS_BITRATE_KBPS: z.coerce.number().int().min(32).max(320).default(96),
  /** WHEP playback of Spaces at /whep/:spaceId (mixed audio + main video; needs ffmpeg for the mix). */
  SPACE_WHEP: z.enum(['on', 'off']).default('on'),
  /** Hosts may record meetings and Spaces (docs/recording.md; needs ffmpeg, SPACE_HLS_FFMPEG). */
  RECORDING: z.enum(['on', 'off']).default('on'),
  /** Where recordings are stored. Default: DATA_DIR/recordings (a temporary directory with memory://). */
  RECORDINGS_DIR: z.string().optional(),
  /** How long a callee's devices ring before the call counts as missed. */
  CALL_RING_SECONDS: z.coerce.number().min(1).max(300).default(45),
  /** Set the Secure flag on cookies (enable behind HTTPS). */
  COOKIE_SECURE: bool.default(false),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(24 * 30),
  /** Members per media router before a room spreads onto another worker (0 = never). */
  SFU_ROOM_SPREAD_AT: z.coerce.number().int().min(0).default(16),
  /** Media worker threads; 0 = one per CPU core. */
  SFU_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  /** V8 young generation of each media worker, MB; 0 = V8's default (see SfuPool). */
  SFU_YOUNG_GENERATION_MB: z.coerce.number().int().min(0).max(1024).default(12),
  /** Addresses the SFU gathers ICE candidates on, besides the machine's interfaces. */
  RTC_ADDITIONAL_HOSTS: csv.default(['127.0.0.1']),
  RTC_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  RTC_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  /** Wrong meeting codes allowed per minute, counted per meeting and, separately, per client. */
  CODE_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins / taken-handle sign-ups allowed per client IP per minute. */
  AUTH_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** TURN relay URLs offered to clients (docs/turn.md); empty = no TURN. */
  TURN_URLS: csv.default([]),
  /** coturn's static-auth-secret; required with TURN_URLS. Never logged. */
  TURN_SECRET: z.string().min(16).optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Web Push (VAPID, RFC 8292) for rings while no tab is open; `npm run admin -- vapid` makes keys. */
  VAPID_PUBLIC_KEY: z.string().min(40).max(200).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).max(200).optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/).optional(),
  /** Directory with the built web app; empty disables static serving. */
  WEB_DIST: z.string().optional(),
});

export type Config = Readonly<z.output<typeof configSchema> & { sfuWorkers: number; publicUrl: string; recordingsDir: string }>;

/** Parse once, freeze, fail fast with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.RTC_MIN_PORT >= c.RTC_MAX_PORT) throw new Error('invalid configuration: RTC_MIN_PORT must be < RTC_MAX_PORT');
  if (!!c.VAPID_PUBLIC_KEY !== !!c.VAPID_PRIVATE_KEY) throw new Error('invalid configuration: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither');
  if (c.TURN_URLS.length > 0 && !c.TURN_SECRET) throw new Error('invalid configuration: TURN_SECRET is required with TURN_URLS');
  return Object.freeze({
    ...c,
    sfuWorkers: c.SFU_WORKERS === 0 ? Math.max(1, os.availableParallelism()) : c.SFU_WORKERS,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    recordingsDir:
      c.RECORDINGS_DIR ?? (c.DATA_DIR.startsWith('memory://') ? path.join(os.tmpdir(), `convene-recordings-${process.pid}`) : path.join(c.DATA_DIR, 'recordings')),
  });
}
