import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';
import { whipPublish, type WhipPublisher } from '../support/whip.ts';

describe('WHIP ingest (RFC 9725)', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  const pubs: WhipPublisher[] = [];

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    for (const p of pubs) p.vanish();
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('a host publishes into a Space with a stream key; listeners hear and see it; DELETE, revoked keys, bad requests', async () => {
    const hostUser = await createUser(server.url, 'whost');
    const space = await hostUser.api.createSpace({ title: 'Streamed from OBS' });
    const auth = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
    const listenerUser = await createUser(server.url, 'wlisten');

    // Only the host gets a stream key.
    expect((await fetch(`${server.url}/api/meetings/${space.id}/stream-key`, { method: 'POST', headers: auth(listenerUser) })).status).toBe(404);
    const issued = (await (await fetch(`${server.url}/api/meetings/${space.id}/stream-key`, { method: 'POST', headers: auth(hostUser) })).json()) as { whipUrl: string; streamKey: string };
    expect(issued.whipUrl).toBe(`${server.url}/whip/${space.id}`); // the origin the host used (no PUBLIC_URL)
    const whipUrl = `${server.url}/whip/${space.id}`;

    // Refusals: wrong key, wrong content type, not an offer.
    expect((await whipPublish(whipUrl, 'not-the-key')).status).toBe(401);
    expect((await fetch(whipUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${issued.streamKey}` }, body: '{}' })).status).toBe(415);
    expect((await fetch(whipUrl, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${issued.streamKey}` }, body: 'hello' })).status).toBe(400);
    const pre = await fetch(whipUrl, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('accept-post')).toBe('application/sdp');

    // The stream becomes a speaker everyone hears and sees.
    const listener = await Bot.join(server.url, listenerUser, space.id, { video: false, audio: false });
    bots.push(listener);
    const pub = await whipPublish(whipUrl, issued.streamKey, { frequency: 550 });
    pubs.push(pub);
    expect(pub.status).toBe(201);
    expect(pub.location).toMatch(new RegExp(`^/whip/${space.id}/[A-Za-z0-9_-]{20,}$`));
    const streamer = () => [...listener.session.participants.values()].find((p) => p.displayName.endsWith('(stream)'));
    await eventually(() => streamer() !== undefined, 10_000, 'the stream joins the stage');
    const sid = streamer()!.id;
    expect(streamer()).toMatchObject({ onStage: true, handle: hostUser.handle });
    await eventually(() => (listener.audioEnergyFrom.get(sid) ?? 0) > 0 && listener.frames(sid) > 10, 20_000, 'the listener hears and sees the stream');
    // The answer names only the server's candidates (no other participant's address).
    expect(pub.pc.remoteDescription?.sdp).toMatch(/a=candidate:/);

    // No trickle ICE: PATCH is 405; unknown resources 404.
    expect((await fetch(new URL(pub.location!, server.url), { method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: 'a=end-of-candidates' })).status).toBe(405);
    expect((await fetch(`${server.url}/whip/${space.id}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, { method: 'DELETE' })).status).toBe(404);

    // DELETE ends the session: the stream leaves the stage.
    expect(await pub.stop()).toBe(200);
    await eventually(() => streamer() === undefined, 10_000, 'the stream left');
    expect(await pub.stop()).toBe(404);

    // A new key revokes the old one.
    const again = (await (await fetch(`${server.url}/api/meetings/${space.id}/stream-key`, { method: 'POST', headers: auth(hostUser) })).json()) as { streamKey: string };
    expect((await whipPublish(whipUrl, issued.streamKey, { video: false })).status).toBe(401);

    // A client that vanishes without DELETE is dropped when its transport closes.
    const gone = await whipPublish(whipUrl, again.streamKey, { video: false });
    pubs.push(gone);
    expect(gone.status).toBe(201);
    await eventually(() => streamer() !== undefined && (listener.audioEnergyFrom.get(streamer()!.id) ?? 0) > 0, 15_000, 'second stream heard');
    gone.vanish();
    await eventually(() => streamer() === undefined, 45_000, 'a vanished stream is dropped');
  }, 120_000);
});
