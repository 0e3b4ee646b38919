import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';

describe('Spaces: speakers, listeners, requests to speak', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  const join = async (u: Awaited<ReturnType<typeof createUser>>, id: string, opts: Parameters<typeof Bot.join>[3] = {}) => {
    const b = await Bot.join(server.url, u, id, opts);
    bots.push(b);
    return b;
  };
  const tracksFrom = (b: Bot, pid: string, kind: 'audio' | 'video') => [...b.session.remoteTracks.values()].filter((t) => t.participantId === pid && t.kind === kind).length;

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('listener → request → approve → speaks (others hear) → video on and off → back to listener; decline; block; reactions', async () => {
    const hostUser = await createUser(server.url, 'host');
    const space = await hostUser.api.createSpace({ title: 'Friday AMA', topic: 'Ask us anything' });
    expect(space.link).toContain(`/s/${space.id}`);
    const host = await join(hostUser, space.id, { video: false, audio: { frequency: 440 } });
    expect(host.session.onStage).toBe(true);
    const [u1, u2, u3] = [await createUser(server.url, 'l1'), await createUser(server.url, 'l2'), await createUser(server.url, 'l3')];
    const [l1, l2, l3] = [await join(u1, space.id, { video: false, audio: false }), await join(u2, space.id, { video: false, audio: false }), await join(u3, space.id, { video: false, audio: false })];
    const hostId = host.session.self!.id;
    const [l1Id, l2Id, l3Id] = [l1, l2, l3].map((b) => b.session.self!.id) as [string, string, string];

    // Listeners are receive-only, hear the host, see the stage and a count, not each other.
    for (const l of [l1, l2, l3]) {
      expect(l.session.onStage).toBe(false);
      await eventually(() => (l.audioEnergyFrom.get(hostId) ?? 0) > 0, 15_000, 'a listener hears the host');
    }
    await eventually(() => l3.session.room?.audienceCount === 3, 5_000, 'listener count reaches everyone');
    expect([...l3.session.participants.keys()]).toEqual([hostId]);
    await eventually(() => host.session.participants.size === 3, 5_000, 'the host sees every listener');
    const live = await u1.api.spaces();
    expect(live.live.find((s) => s.id === space.id)).toMatchObject({ live: true, speakerCount: 1, listenerCount: 3 });
    await expect(l1.publishAudio({ frequency: 660 })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // Requests to speak queue in order for the host.
    await l2.session.requestToSpeak(true);
    await l1.session.requestToSpeak(true);
    await eventually(() => host.session.speakRequests.map((p) => p.id).join() === [l2Id, l1Id].join(), 5_000, 'ordered queue');
    await host.session.declineToSpeak(l2Id);
    await eventually(() => host.session.speakRequests.length === 1 && l2.session.self?.speakRequestedAt === null, 5_000, 'declined');

    // Approve: l1 becomes a speaker without reconnecting and everyone hears them.
    let l1Stage: boolean | null = null;
    l1.session.on('stage', (on) => (l1Stage = on));
    await host.session.setOnStage(l1Id, true);
    await eventually(() => l1Stage === true && l1.session.onStage, 5_000, 'l1 told it is on stage');
    expect(l1.session.state).toBe('joined');
    await l1.publishAudio({ frequency: 660 });
    for (const b of [host, l2, l3]) await eventually(() => (b.audioEnergyFrom.get(l1Id) ?? 0) > 0, 15_000, 'everyone hears the new speaker');
    const seen = l3.session.participants.get(l1Id);
    expect(seen?.onStage).toBe(true);
    expect(seen?.stagePosition).not.toBeNull();
    expect(host.session.participants.get(hostId)?.stagePosition ?? host.session.self?.stagePosition).not.toEqual(seen?.stagePosition);

    // Video on and off at will.
    await l1.publishVideo({ width: 320, height: 180, fps: 15 });
    await eventually(() => l2.frames(l1Id) > 5, 15_000, 'l2 decodes l1’s video');
    await l1.session.unpublish('camera');
    await eventually(() => tracksFrom(l2, l1Id, 'video') === 0, 10_000, 'video gone for l2');

    // Back to listener: the SFU stops l1’s media and l1 may not publish again.
    await host.session.setOnStage(l1Id, false);
    await eventually(() => l1Stage === false && tracksFrom(l2, l1Id, 'audio') === 0 && tracksFrom(host, l1Id, 'audio') === 0, 10_000, 'l1’s audio withdrawn');
    await expect(l1.publishAudio({ frequency: 660 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(l1.session.state).toBe('joined');
    expect((l1.audioEnergyFrom.get(hostId) ?? 0) > 0).toBe(true);

    // Reactions: counted per burst, 5 a second per person at most.
    const got: Record<string, number>[] = [];
    l3.session.on('reactions', (c) => got.push(c));
    for (let i = 0; i < 5; i++) await l2.session.react('👏');
    await expect(l2.session.react('👏')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await l1.session.react('🔥');
    await eventually(() => got.reduce((a, c) => a + (c['👏'] ?? 0), 0) === 5 && got.some((c) => c['🔥'] === 1), 5_000, 'aggregated reactions');
    expect(got.length).toBeLessThanOrEqual(2);

    // Remove and block: l3 is out and cannot come back.
    await host.session.blockFromRoom(l3Id);
    await eventually(() => l3.session.state === 'removed', 5_000, 'l3 removed');
    await expect(Bot.join(server.url, u3, space.id, { video: false, audio: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // The block is stored: everyone leaves (the room closes), the host reopens it, l3 is still out.
    await Promise.all([host, l1, l2].map((b) => b.close()));
    let open = true;
    const end = Date.now() + 5_000;
    while (open && Date.now() < end) {
      open = ((await (await fetch(`${server.url}/api/spaces/${space.id}`, { headers: { authorization: `Bearer ${hostUser.token}` } })).json()) as { live: boolean }).live;
      if (open) await new Promise((r) => setTimeout(r, 100));
    }
    expect(open).toBe(false);
    await join(hostUser, space.id, { video: false, audio: false });
    await expect(Bot.join(server.url, u3, space.id, { video: false, audio: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a listener can never see other listeners, even as the audience changes', async () => {
    const hostUser = await createUser(server.url, 'host2');
    const space = await hostUser.api.createSpace({ title: 'Quiet' });
    await join(hostUser, space.id, { video: false, audio: false });
    const a = await join(await createUser(server.url, 'la'), space.id, { video: false, audio: false });
    const b = await join(await createUser(server.url, 'lb'), space.id, { video: false, audio: false });
    await eventually(() => a.session.room?.audienceCount === 2, 5_000, 'count');
    await b.session.leave();
    await eventually(() => a.session.room?.audienceCount === 1, 5_000, 'count after leave');
    expect(a.session.participants.size).toBe(1); // the host only
  });
  it('a speaker steps off the stage on their own; nobody else moves anyone without host rights; hosts stay on stage', async () => {
    const hostUser = await createUser(server.url, 'shost');
    const space = await hostUser.api.createSpace({ title: 'Step back' });
    const host = await join(hostUser, space.id, { video: false, audio: { frequency: 440 } });
    const [u1, u2] = [await createUser(server.url, 's1'), await createUser(server.url, 's2')];
    const s1 = await join(u1, space.id, { video: false, audio: false });
    const s2 = await join(u2, space.id, { video: false, audio: false });
    const s1Id = s1.session.self!.id;
    await host.session.setOnStage(s1Id, true);
    await eventually(() => s1.session.onStage, 5_000, 's1 on stage');
    await s1.publishAudio({ frequency: 660 });
    await eventually(() => tracksFrom(s2, s1Id, 'audio') === 1, 10_000, 's2 receives s1');
    await expect(s2.session.setOnStage(s1Id, false)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s2.session.setOnStage(s2.session.self!.id, true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(host.session.setOnStage(host.session.self!.id, false)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await s1.session.setOnStage(s1Id, false);
    await eventually(() => !s1.session.onStage && tracksFrom(s2, s1Id, 'audio') === 0, 10_000, 's1 back in the audience, audio withdrawn');
    expect(s1.session.state).toBe('joined');
    await eventually(() => (s1.audioEnergyFrom.get(host.session.self!.id) ?? 0) > 0, 10_000, 's1 still hears the host');
  });
});

describe('meeting ↔ seminar', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('panelists keep publishing, the rest watch, the host brings one back, and switching back restores the meeting — nobody rejoins, chat survives', async () => {
    const hostUser = await createUser(server.url, 'sh');
    const meeting = await hostUser.api.createMeeting({ title: 'All hands' });
    const video = { width: 320, height: 180, fps: 15 };
    const host = await Bot.join(server.url, hostUser, meeting.id, { video, audio: { frequency: 300 } });
    const panel = await Bot.join(server.url, await createUser(server.url, 'sp'), meeting.id, { video, audio: { frequency: 500 } });
    const guest = await Bot.join(server.url, await createUser(server.url, 'sg'), meeting.id, { video, audio: { frequency: 700 } });
    bots.push(host, panel, guest);
    const [hostId, panelId, guestId] = [host, panel, guest].map((b) => b.session.self!.id) as [string, string, string];
    const ids = [hostId, panelId, guestId];
    await eventually(() => [host, panel, guest].every((b, i) => ids.every((id, j) => i === j || b.frames(id) > 5)), 20_000, 'everyone sees everyone');
    const before = await guest.session.sendChat('before the switch');

    await host.session.setSeminar(true, [panelId]);
    await eventually(() => guest.session.room?.mode === 'seminar' && guest.session.onStage === false, 5_000, 'guest becomes an attendee');
    await eventually(() => [...host.session.remoteTracks.values()].every((t) => t.participantId !== guestId), 10_000, 'the guest’s media is gone for the host');
    expect(panel.session.onStage).toBe(true);
    const hostFrames = guest.frames(hostId);
    await eventually(() => guest.frames(hostId) > hostFrames + 5 && guest.frames(panelId) > 5, 10_000, 'the attendee still watches');
    await expect(guest.publishAudio({ frequency: 700 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const during = await guest.session.sendChat('asking a question');
    await guest.session.requestToSpeak(true);
    await eventually(() => host.session.speakRequests.some((p) => p.id === guestId), 5_000, 'the host sees the question');

    // The host brings the guest back on stage; the guest publishes again, still the same session.
    await host.session.setOnStage(guestId, true);
    await eventually(() => guest.session.onStage, 5_000, 'guest back on stage');
    await guest.publishVideo(video);
    await eventually(() => host.frames(guestId) > 5, 15_000, 'host sees the guest again');

    await host.session.setSeminar(false);
    await eventually(() => guest.session.room?.mode === 'meeting', 5_000, 'back to a meeting');
    expect([host, panel, guest].every((b) => b.session.state === 'joined' && b.session.onStage)).toBe(true);
    expect([host, panel, guest].map((b) => b.session.self!.id)).toEqual(ids); // nobody rejoined
    const history = await host.session.chatHistory();
    expect(history.map((m) => m.id)).toEqual(expect.arrayContaining([before.id, during.id]));
  });
});

/** Resolves with the time the listener starts hearing `id` (its received audio energy rises). */
async function heardFrom(listener: Bot, id: string): Promise<number> {
  const before = listener.audioEnergyFrom.get(id) ?? 0;
  await eventually(() => (listener.audioEnergyFrom.get(id) ?? 0) - before > 2000, 8_000, 'the listener hears the talker');
  return Date.now();
}

describe('Space stage follows the speaker', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('the active speaker follows who talks within ~1 s, and a short noise does not steal it', async () => {
    const hostUser = await createUser(server.url, 'ash');
    const space = await hostUser.api.createSpace({ title: 'Panel' });
    const host = await Bot.join(server.url, hostUser, space.id, { video: false, audio: { frequency: 300 } });
    bots.push(host);
    host.speaking = false;
    const speakers: Bot[] = [];
    for (const f of [500, 700]) {
      const u = await createUser(server.url, 'asp');
      const b = await Bot.join(server.url, u, space.id, { video: false, audio: false });
      bots.push(b);
      await host.session.setOnStage(b.session.self!.id, true);
      await eventually(() => b.session.onStage, 5_000, 'on stage');
      b.speaking = false;
      await b.publishAudio({ frequency: f });
      speakers.push(b);
    }
    const listener = await Bot.join(server.url, await createUser(server.url, 'alis'), space.id, { video: false, audio: false });
    bots.push(listener);
    const [a, b] = speakers as [Bot, Bot];
    const [aId, bId, hostId] = [a.session.self!.id, b.session.self!.id, host.session.self!.id];
    // Media flowing from both speakers first (publishing can take a while on a loaded machine),
    // then silence long enough for every score to decay.
    a.speaking = true;
    b.speaking = true;
    await eventually(() => (listener.audioEnergyFrom.get(a.session.self!.id) ?? 0) > 0 && (listener.audioEnergyFrom.get(b.session.self!.id) ?? 0) > 0, 20_000, 'both speakers audible');
    // B holds the floor, then goes quiet (a speaker who pauses keeps it until someone else talks).
    a.speaking = false;
    await eventually(() => listener.session.room?.activeSpeakerId === b.session.self!.id, 10_000, 'B holds the floor');
    b.speaking = false;
    await new Promise((r) => setTimeout(r, 2500));
    const changes: { id: string | null; at: number }[] = [];
    listener.session.on('activeSpeaker', (id) => changes.push({ id, at: Date.now() }));
    const speaker = () => listener.session.room?.activeSpeakerId ?? null;

    // A talks: the stage follows A.
    let t = Date.now();
    let heard = heardFrom(listener, aId);
    a.speaking = true;
    await eventually(() => speaker() === aId, 8_000, 'A becomes the active speaker');
    const toA = Date.now() - t;
    const detectA = Date.now() - (await heard);
    await new Promise((r) => setTimeout(r, 1500));

    // A stops, B talks: the stage follows B within about a second.
    a.speaking = false;
    t = Date.now();
    heard = heardFrom(listener, bId);
    b.speaking = true;
    await eventually(() => speaker() === bId, 8_000, 'B becomes the active speaker');
    const toB = Date.now() - t;
    const detectB = Date.now() - (await heard);
    await new Promise((r) => setTimeout(r, 1500));

    // B keeps talking; the host coughs (250 ms): no change at all.
    const mark = changes.length;
    host.speaking = true;
    await new Promise((r) => setTimeout(r, 250));
    host.speaking = false;
    await new Promise((r) => setTimeout(r, 2000));
    expect(changes.slice(mark).map((c) => c.id)).toEqual([]);
    expect(speaker()).toBe(bId);
    expect(changes.map((c) => c.id)).not.toContain(hostId);
    console.log(`active speaker followed the talker in ${toA} ms (A) and ${toB} ms (B); ${detectA} / ${detectB} ms after the listener first heard them`);
    // 0.6–0.9 s from the talker's first sample when this file runs alone (docs/spaces.md), 0.5–0.8 s
    // after the listener first hears the talker. In the full suite other projects load the 2 cores
    // (2.6 s and 4.0 s seen from the first sample; once 4.4 s from first heard, while Chromium
    // tests ran beside it), so the detector gets 5 s from the moment the listener hears the talker
    // (a detector that does not switch, or waits for a whole window of silence, still fails), and
    // the whole path is bounded only against a stall.
    expect(detectA).toBeLessThan(5000);
    expect(detectB).toBeLessThan(5000);
    expect(toA).toBeLessThan(8000);
    expect(toB).toBeLessThan(8000);
  });
});
