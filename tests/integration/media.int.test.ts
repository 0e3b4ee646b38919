import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

describe('three participants through the SFU', () => {
  let server: RunningServer;
  const bots: Bot[] = [];

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('each receives the others’ decoded video frames and audible audio', async () => {
    const host = await createUser(server.url, 'host');
    const meeting = await host.api.createMeeting({ title: 'Standup', code: 'open-sesame' });
    const guests = [await createUser(server.url, 'g1'), await createUser(server.url, 'g2')];
    bots.push(await Bot.join(server.url, host, meeting.id, { recordFrames: true }));
    for (const g of guests) bots.push(await Bot.join(server.url, g, meeting.id, { code: 'open-sesame', recordFrames: true }));
    const ids = bots.map((b) => b.session.self!.id);
    await eventually(
      () => bots.every((b, i) => ids.every((id, j) => i === j || (b.frames(id) > 10 && (b.audioEnergyFrom.get(id) ?? 0) > 0))),
      25_000,
      'every participant decodes video and hears audio from every other',
    );
    for (const [i, b] of bots.entries()) {
      expect(b.session.participants.size).toBe(2);
      for (const [j, id] of ids.entries()) if (i !== j) expect(b.frames(id)).toBeGreaterThan(10);
    }

    // Privacy: no signalling frame a participant receives carries another participant's
    // ICE candidates (address:port) — only the server's.
    const candidatesOf = async (b: Bot) => {
      const out: string[] = [];
      for (const pc of [b.session.peerConnections.send, b.session.peerConnections.recv]) {
        const stats = await pc!.getStats();
        stats.forEach((s: { type: string; address?: string; ip?: string; port?: number }) => {
          if (s.type === 'local-candidate') out.push(`${s.address ?? s.ip} ${s.port}`);
        });
      }
      return out;
    };
    for (const [i, b] of bots.entries()) {
      const all = b.received.join('\n');
      expect(all).toContain('a=candidate'); // the server's own candidates do arrive
      for (const [j, other] of bots.entries()) {
        if (i === j) continue;
        for (const cand of await candidatesOf(other)) expect(all).not.toContain(cand);
      }
      expect(all).not.toMatch(/typ (srflx|relay|prflx)/);
    }

    // Screen share: a second video track from one participant reaches the others as 'screen';
    // stopping it removes the track for them.
    const [a, b, c] = bots as [Bot, Bot, Bot];
    await b.publishScreen({ width: 640, height: 360, fps: 10 });
    await eventually(() => (a.screenFramesFrom.get(ids[1]!) ?? 0) > 5 && (c.screenFramesFrom.get(ids[1]!) ?? 0) > 5, 20_000, 'screen share decoded by the others');
    expect(a.session.participants.get(ids[1]!)?.sources).toContain('screen');
    await b.session.unpublish('screen');
    await eventually(() => ![...a.session.remoteTracks.values()].some((t) => t.source === 'screen'), 10_000, 'screen track removed');
    expect(a.frames(ids[1]!)).toBeGreaterThan(10); // the camera is unaffected
  });
});
