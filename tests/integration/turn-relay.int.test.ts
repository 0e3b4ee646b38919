/**
 * Clients behind a UDP-blocking network: with iceTransportPolicy 'relay', all media goes
 * client → coturn (Debian's, started by scripts/coturn.sh) → our SFU, using the short-lived
 * credentials the server hands out at GET /api/turn. Media still only ever reaches the SFU.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/coturn.sh');
const SECRET = randomBytes(24).toString('base64url');

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  const p = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return p;
}

describe.runIf(process.getuid?.() === 0)('media through a TURN relay', () => {
  let server: RunningServer;
  let port = 0;
  const bots: Bot[] = [];
  const env = () => ({ ...process.env, TURN_SECRET: SECRET, TURN_ALLOWED_PEER_IPS: '127.0.0.1', TURN_MIN_PORT: '52000', TURN_MAX_PORT: '52499' });

  beforeAll(async () => {
    port = await freeUdpPort();
    execFileSync('bash', [SCRIPT, 'start', String(port)], { env: env(), stdio: ['ignore', 'pipe', 'inherit'], timeout: 170_000 });
    server = await testServer({ TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`, TURN_SECRET: SECRET, TURN_TTL_SECONDS: '600' });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
    if (port) execFileSync('bash', [SCRIPT, 'stop', String(port)], { env: env(), stdio: 'ignore' });
  });

  it('hands out credentials, and two relay-only participants see and hear each other', async () => {
    const host = await createUser(server.url, 'turnhost');
    const guest = await createUser(server.url, 'turnguest');
    const creds = await host.api.turn();
    expect(creds.iceServers[0]?.urls).toEqual([`turn:127.0.0.1:${port}?transport=udp`]);
    expect(creds.iceServers[0]?.username).toMatch(/^\d+:/);
    expect(JSON.stringify(creds)).not.toContain(SECRET);

    const meeting = await host.api.createMeeting({ title: 'Behind a firewall' });
    const a = await Bot.join(server.url, host, meeting.id, { iceTransportPolicy: 'relay', video: { width: 320, height: 180, fps: 15 } });
    bots.push(a);
    const b = await Bot.join(server.url, guest, meeting.id, { iceTransportPolicy: 'relay', video: { width: 320, height: 180, fps: 15 } });
    bots.push(b);
    const [aId, bId] = [a.session.self!.id, b.session.self!.id];
    await eventually(() => a.frames(bId) > 10 && b.frames(aId) > 10 && (a.audioEnergyFrom.get(bId) ?? 0) > 0, 30_000, 'media both ways through the relay');

    // Every connection's selected pair uses a relay candidate on the client side.
    for (const bot of [a, b]) {
      for (const pc of [bot.session.peerConnections.send, bot.session.peerConnections.recv]) {
        const stats = await pc!.getStats();
        const byId = new Map<string, { type: string; candidateType?: string; state?: string; nominated?: boolean; localCandidateId?: string }>();
        stats.forEach((s: { id: string; type: string }) => byId.set(s.id, s as never));
        const pair = [...byId.values()].find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
        expect(pair, 'a nominated candidate pair').toBeDefined();
        expect(byId.get(pair!.localCandidateId!)?.candidateType).toBe('relay');
      }
    }
  });
});
