import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

describe('a room spread over two media workers', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer({ SFU_WORKERS: '2', SFU_ROOM_SPREAD_AT: '2' });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('members on different workers see and hear each other through the pipe; the speaker is detected across it', async () => {
    const host = await createUser(server.url, 'h');
    const meeting = await host.api.createMeeting({ title: 'Big room' });
    bots.push(await Bot.join(server.url, host, meeting.id, { video: { width: 320, height: 180, fps: 15 }, audio: false }));
    for (let i = 0; i < 3; i++) {
      const u = await createUser(server.url, `g${i}`);
      // Only the last one speaks (a loud tone); the others send silence-level audio.
      bots.push(await Bot.join(server.url, u, meeting.id, { video: { width: 320, height: 180, fps: 15 }, audio: i === 2 ? { frequency: 440 } : false }));
    }
    // Two routers for this room, on two different workers.
    expect(server.pool.workerOf(meeting.id)).toBeGreaterThanOrEqual(0);
    expect(server.pool.workerOf(`${meeting.id}~1`)).toBeGreaterThanOrEqual(0);
    expect(server.pool.workerOf(`${meeting.id}~1`)).not.toBe(server.pool.workerOf(meeting.id));

    const ids = bots.map((b) => b.session.self!.id);
    await eventually(() => bots.every((b, i) => ids.every((id, j) => i === j || b.frames(id) > 10)), 30_000, 'everyone decodes everyone, across workers');
    const speaker = ids[3]!;
    await eventually(() => bots.every((b, i) => i === 3 || (b.audioEnergyFrom.get(speaker) ?? 0) > 0), 10_000, 'the speaker is heard on both workers');
    await eventually(() => bots[0]!.session.room?.activeSpeakerId === speaker || bots[1]!.session.room?.activeSpeakerId === speaker, 10_000, 'active speaker found across the pipe');

    // A member on the second worker leaves: the others drop its tracks.
    const leaver = bots.pop()!;
    await leaver.close();
    await eventually(() => bots.every((b) => ![...b.session.remoteTracks.values()].some((t) => t.participantId === speaker)), 10_000, 'tracks of the leaver removed everywhere');
  });
});
