import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { ConveneError, type Message } from '@convene/protocol';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { Device } from '../support/inbox.ts';
import { testServer } from '../support/server.ts';

type User = Awaited<ReturnType<typeof createUser>>;

describe('calls from conversations', () => {
  let server: RunningServer;
  const devices: Device[] = [];
  const bots: Bot[] = [];
  const device = async (u: User) => {
    const d = await Device.connect(server.url, u);
    devices.push(d);
    return d;
  };
  const bot = async (u: User, meetingId: string, opts: Parameters<typeof Bot.join>[3] = {}) => {
    const b = await Bot.join(server.url, u, meetingId, { recordFrames: true, ...opts });
    bots.push(b);
    return b;
  };
  /** A DM between a caller and a callee who follows the caller (the default setting lets them ring). */
  const pair = async () => {
    const alice = await createUser(server.url, 'alice');
    const bob = await createUser(server.url, 'bob');
    await bob.api.follow(alice.handle);
    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    return { alice, bob, dm };
  };

  beforeAll(async () => {
    // Ring for 3 s instead of 45 so timeouts are testable.
    server = await testServer({ CALL_RING_SECONDS: '3', RESUME_GRACE_SECONDS: '2' });
  });
  afterAll(async () => {
    for (const d of devices) d.close();
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('rings every device of the callee; answering on one stops the other; media flows; audio → video; hang-up leaves a record', async () => {
    const { alice, bob, dm } = await pair();
    const aliceDev = await device(alice);
    const [bob1, bob2] = [await device(bob), await device(bob)];

    const call = await aliceDev.inbox.startCall(dm.id, 'audio');
    expect(call.state).toBe('ringing');
    await eventually(() => bob1.ringsFor(call.id).length === 1 && bob2.ringsFor(call.id).length === 1, 5_000, 'both of bob’s devices ring');
    const ring = bob1.ringsFor(call.id)[0]!;
    expect(ring.caller.handle).toBe(alice.handle);
    expect(ring.call.media).toBe('audio');
    expect(ring.waiting).toBe(false);
    expect(aliceDev.ringsFor(call.id)).toHaveLength(0); // the caller's devices never ring

    const a = await bot(alice, call.meetingId, { video: false });
    const accepted = await bob1.inbox.acceptCall(call.id);
    expect(accepted.state).toBe('active');
    await eventually(() => bob2.stops.some((s) => s.callId === call.id && s.reason === 'answered'), 5_000, 'bob’s other device stops ringing');
    expect(bob1.stops.filter((s) => s.callId === call.id)).toHaveLength(0);

    const b = await bot(bob, call.meetingId, { video: false });
    const [aId, bId] = [a.session.self!.id, b.session.self!.id];
    await eventually(() => (a.audioEnergyFrom.get(bId) ?? 0) > 0 && (b.audioEnergyFrom.get(aId) ?? 0) > 0, 20_000, 'each hears the other');
    expect(b.frames(aId)).toBe(0);

    // Audio → video: alice turns her camera on, bob decodes it, in the same call.
    await a.publishVideo({ width: 320, height: 180, fps: 15 });
    await eventually(() => b.frames(aId) > 10, 20_000, 'bob decodes alice’s video after the upgrade');

    // Bob hangs up: a 1:1 call ends for both, and leaves a record with a duration.
    await b.session.leave();
    await eventually(() => a.session.state === 'ended', 10_000, 'alice’s side ends');
    await eventually(() => aliceDev.messages.some((m) => m.kind === 'call' && m.call?.callId === call.id), 10_000, 'call record delivered');
    const record = aliceDev.messages.find((m) => m.call?.callId === call.id)!;
    expect(record.call).toMatchObject({ outcome: 'completed', media: 'audio' });
    expect(record.call!.participants.map((p) => p.handle).sort()).toEqual([alice.handle, bob.handle].sort());
    expect(record.call!.durationSeconds).toBeGreaterThanOrEqual(1);
    const history = await bob.api.messages(dm.id);
    expect(history.filter((m) => m.call?.callId === call.id)).toHaveLength(1);
    expect((await bob.api.conversation(dm.id)).activeCall).toBeNull();

    // Privacy: nothing either side received carries the other's ICE candidates, any
    // server-reflexive/relay address, an email address or a phone number.
    const candidatesOf = async (x: Bot) => {
      const out: string[] = [];
      for (const pc of [x.session.peerConnections.send, x.session.peerConnections.recv]) {
        if (!pc) continue;
        (await pc.getStats()).forEach((s: { type: string; address?: string; ip?: string; port?: number }) => {
          if (s.type === 'local-candidate') out.push(`${s.address ?? s.ip} ${s.port}`);
        });
      }
      return out;
    };
    const everything = (d: Device[], x: Bot) => [...d.flatMap((dd) => dd.frames), ...x.received].join('\n');
    for (const [mine, me, other] of [
      [[aliceDev], a, b],
      [[bob1, bob2], b, a],
    ] as const) {
      const all = everything([...mine], me);
      for (const cand of await candidatesOf(other)) expect(all).not.toContain(cand);
      expect(all).not.toMatch(/typ (srflx|relay|prflx)/);
      expect(all).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
      // No phone number: no such field anywhere, and no E.164-looking number.
      expect(all).not.toMatch(/"(email|phone|phoneNumber|tel|msisdn)"/i);
      expect(all).not.toMatch(/\+\d{7,15}\b/);
    }
  });

  it('after a call ends, nobody stays busy: the next call rings in full', async () => {
    const { alice, bob, dm } = await pair();
    await alice.api.follow(bob.handle);
    const [aliceDev, bobDev] = [await device(alice), await device(bob)];
    const call = await aliceDev.inbox.startCall(dm.id, 'audio');
    const a = await bot(alice, call.meetingId, { video: false, audio: false });
    await bobDev.inbox.acceptCall(call.id);
    const b = await bot(bob, call.meetingId, { video: false, audio: false });
    await b.session.leave(); // bob hangs up; alice is still in the room when it ends
    await eventually(() => a.session.state === 'ended', 10_000, 'the call ends for alice');
    const aliceId = (await alice.api.me()).user.id;
    await eventually(() => aliceDev.lastCall(call.id)?.state === 'ended', 5_000, 'call over');
    expect(server.inbox.calls.isBusy(aliceId)).toBe(false);
    const next = await bobDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => aliceDev.ringsFor(next.id).length === 1, 5_000, 'alice rings');
    expect(aliceDev.ringsFor(next.id)[0]!.waiting).toBe(false);
    await bobDev.inbox.cancelCall(next.id);
  });

  it('decline ends a 1:1 call: the caller is told and a record is written', async () => {
    const { alice, bob, dm } = await pair();
    const [aliceDev, bobDev] = [await device(alice), await device(bob)];
    const call = await aliceDev.inbox.startCall(dm.id, 'video');
    await eventually(() => bobDev.ringsFor(call.id).length === 1, 5_000, 'bob rings');
    await bobDev.inbox.declineCall(call.id);
    await eventually(() => aliceDev.lastCall(call.id)?.state === 'ended', 5_000, 'alice sees the call end');
    expect(aliceDev.lastCall(call.id)?.outcome).toBe('declined');
    await eventually(() => bobDev.messages.some((m) => m.call?.callId === call.id && m.call.outcome === 'declined'), 5_000, 'declined record');
  });

  it('the caller can cancel: every callee device stops ringing', async () => {
    const { alice, bob, dm } = await pair();
    const aliceDev = await device(alice);
    const [bob1, bob2] = [await device(bob), await device(bob)];
    const call = await aliceDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => bob1.ringsFor(call.id).length === 1 && bob2.ringsFor(call.id).length === 1, 5_000, 'both ring');
    await aliceDev.inbox.cancelCall(call.id);
    await eventually(() => [bob1, bob2].every((d) => d.stops.some((s) => s.callId === call.id && s.reason === 'cancelled')), 5_000, 'rings stop');
    await expect(bob1.inbox.acceptCall(call.id)).rejects.toMatchObject({ code: 'CALL_UNAVAILABLE' });
  });

  it('no answer: the ring times out into a missed-call entry for both sides', async () => {
    const { alice, bob, dm } = await pair();
    const [aliceDev, bobDev] = [await device(alice), await device(bob)];
    const call = await aliceDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => bobDev.stops.some((s) => s.callId === call.id && s.reason === 'timeout'), 8_000, 'ring times out');
    const missed = (m: Message) => m.call?.callId === call.id && m.call.outcome === 'missed';
    await eventually(() => bobDev.messages.some(missed) && aliceDev.messages.some(missed), 5_000, 'missed-call entry delivered');
    expect(bobDev.messages.find(missed)!.text).toMatch(/missed audio call/i);
    expect((await bob.api.conversation(dm.id)).unread).toBeGreaterThanOrEqual(1);
  });

  it('a callee already in a call gets call-waiting instead of a full ring', async () => {
    const { alice, bob, dm } = await pair();
    const carol = await createUser(server.url, 'carol');
    await bob.api.follow(carol.handle);
    const dm2 = await carol.api.createConversation({ kind: 'dm', handle: bob.handle });
    const [aliceDev, bobDev, carolDev] = [await device(alice), await device(bob), await device(carol)];
    const first = await carolDev.inbox.startCall(dm2.id, 'audio');
    await bot(carol, first.meetingId, { video: false });
    await bobDev.inbox.acceptCall(first.id);
    await bot(bob, first.meetingId, { video: false });
    const second = await aliceDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => bobDev.ringsFor(second.id).length === 1, 5_000, 'second call reaches bob');
    expect(bobDev.ringsFor(second.id)[0]!.waiting).toBe(true);
    expect(bobDev.ringsFor(first.id)[0]!.waiting).toBe(false);
  });

  it('group call: every member rings, a member who missed it joins late from the banner, the call ends with the last person', async () => {
    const [alice, bob, carol] = [await createUser(server.url, 'ga'), await createUser(server.url, 'gb'), await createUser(server.url, 'gc')];
    for (const u of [bob, carol]) await u.api.setCallSettings({ whoCanCall: 'everyone', onlyMessagedBefore: false });
    const group = await alice.api.createConversation({ kind: 'group', title: 'Trio', handles: [bob.handle, carol.handle] });
    const [aDev, bDev, cDev] = [await device(alice), await device(bob), await device(carol)];
    const call = await aDev.inbox.startCall(group.id, 'audio');
    await eventually(() => bDev.ringsFor(call.id).length === 1 && cDev.ringsFor(call.id).length === 1, 5_000, 'both members ring');
    const a = await bot(alice, call.meetingId, { video: false });
    await bDev.inbox.acceptCall(call.id);
    const b = await bot(bob, call.meetingId, { video: false });
    // Carol lets it ring out, but the call goes on: her chat shows it as joinable.
    await eventually(() => cDev.stops.some((s) => s.callId === call.id && s.reason === 'timeout'), 8_000, 'carol’s ring times out');
    const banner = (await carol.api.conversation(group.id)).activeCall;
    expect(banner?.id).toBe(call.id);
    expect(banner?.state).toBe('active');
    const c = await bot(carol, banner!.meetingId, { video: false });
    const ids = [a, b, c].map((x) => x.session.self!.id);
    await eventually(() => [a, b, c].every((x, i) => ids.every((id, j) => i === j || (x.audioEnergyFrom.get(id) ?? 0) > 0)), 20_000, 'all three hear each other');

    // Leaving one by one: the call survives until the last person leaves.
    await a.session.leave();
    await b.session.leave();
    expect((await carol.api.conversation(group.id)).activeCall?.id).toBe(call.id);
    await c.session.leave();
    await eventually(() => cDev.messages.some((m) => m.call?.callId === call.id), 10_000, 'record after the last one leaves');
    const rec = cDev.messages.find((m) => m.call?.callId === call.id)!.call!;
    expect(rec.outcome).toBe('completed');
    expect(rec.participants).toHaveLength(3);
  });

  it('a 1:1 call becomes a group call by adding a person, then a meeting with a link, without anyone rejoining', async () => {
    const { alice, bob, dm } = await pair();
    const carol = await createUser(server.url, 'carol');
    const dave = await createUser(server.url, 'dave');
    await carol.api.follow(alice.handle);
    const [aDev, bDev, cDev] = [await device(alice), await device(bob), await device(carol)];
    const call = await aDev.inbox.startCall(dm.id, 'audio');
    const a = await bot(alice, call.meetingId, { video: false });
    await bDev.inbox.acceptCall(call.id);
    const b = await bot(bob, call.meetingId, { video: false });

    // Add carol: she rings (she follows alice) and joins the same room.
    await aDev.inbox.inviteToCall(call.id, carol.handle);
    await eventually(() => cDev.ringsFor(call.id).length === 1, 5_000, 'carol rings');
    await cDev.inbox.acceptCall(call.id);
    const c = await bot(carol, call.meetingId, { video: false });
    const [aId, cId] = [a.session.self!.id, c.session.self!.id];
    await eventually(() => (c.audioEnergyFrom.get(aId) ?? 0) > 0 && (a.audioEnergyFrom.get(cId) ?? 0) > 0, 20_000, 'carol and alice hear each other');
    // Adding someone who doesn't take alice's calls: the same neutral error, no ring.
    await expect(aDev.inbox.inviteToCall(call.id, dave.handle)).rejects.toMatchObject({ code: 'CALL_UNAVAILABLE' });

    // Now a group call: bob hanging up no longer ends it.
    await b.session.leave();
    await new Promise((r) => setTimeout(r, 300));
    expect(a.session.state).toBe('joined');

    // Into a meeting: the link admits someone who was never invited, into the same room.
    const link = await aDev.inbox.callToMeeting(call.id);
    expect(link).toContain(call.meetingId);
    const d = await bot(dave, call.meetingId, { video: false });
    await eventually(() => (d.audioEnergyFrom.get(aId) ?? 0) > 0, 20_000, 'dave hears alice');
    expect(a.session.participants.size).toBe(2); // carol and dave; nobody rejoined
    expect(a.session.state).toBe('joined');
  });

  it('a non-member cannot join a call’s room even with its id', async () => {
    const { alice, dm } = await pair();
    const mallory = await createUser(server.url, 'mallory');
    const aliceDev = await device(alice);
    const call = await aliceDev.inbox.startCall(dm.id, 'audio');
    await expect(Bot.join(server.url, mallory, call.meetingId, { video: false, audio: false })).rejects.toMatchObject({ code: 'MEETING_UNAVAILABLE' });
    await aliceDev.inbox.cancelCall(call.id);
  });

  it('who can call me: every setting × relation; a disallowed caller gets one neutral error and causes zero rings', async () => {
    const verifiedCaller = await createUser(server.url, 'vcall');
    await server.services.social.setVerified(verifiedCaller.handle, true);
    const relations = ['stranger', 'followed', 'verified', 'messaged', 'followedAndMessaged', 'blocked', 'blockedByCaller'] as const;
    type Relation = (typeof relations)[number];
    const settings = ['nobody', 'following', 'verified', 'everyone'] as const;
    const expected = (who: (typeof settings)[number], onlyMessaged: boolean, rel: Relation): boolean => {
      if (rel === 'blocked' || rel === 'blockedByCaller') return false;
      const followed = rel === 'followed' || rel === 'followedAndMessaged';
      const base = who === 'everyone' || (who === 'following' && followed) || (who === 'verified' && rel === 'verified');
      return base && (!onlyMessaged || rel === 'messaged' || rel === 'followedAndMessaged');
    };
    const rows: string[] = [];
    for (const onlyMessaged of [false, true]) {
      for (const who of settings) {
        const callee = await createUser(server.url, 'callee');
        await callee.api.setCallSettings({ whoCanCall: who, onlyMessagedBefore: onlyMessaged });
        const calleeDev = await device(callee);
        let allowedHere = 0;
        for (const rel of relations) {
          const caller = rel === 'verified' ? verifiedCaller : await createUser(server.url, 'caller');
          const dm = await caller.api.createConversation({ kind: 'dm', handle: callee.handle });
          if (rel === 'followed' || rel === 'followedAndMessaged') await callee.api.follow(caller.handle);
          if (rel === 'messaged' || rel === 'followedAndMessaged') await callee.api.sendMessage(dm.id, `hello-${rel}-${Date.now()}`, 'hi');
          if (rel === 'blocked') {
            await callee.api.setCallSettings({ whoCanCall: who, onlyMessagedBefore: onlyMessaged });
            await callee.api.block(caller.handle);
          }
          if (rel === 'blockedByCaller') await caller.api.block(callee.handle);
          const callerDev = await device(caller);
          let started: string | null = null;
          try {
            started = (await callerDev.inbox.startCall(dm.id, 'audio')).id;
          } catch (err) {
            // One neutral error whatever the reason.
            expect(err).toBeInstanceOf(ConveneError);
            expect((err as ConveneError).code).toBe('CALL_UNAVAILABLE');
            expect((err as ConveneError).message).toBe('this call cannot be placed');
          }
          rows.push(`${who}${onlyMessaged ? '+onlyMessaged' : ''} × ${rel}: ${started ? 'rings' : 'refused'}`);
          expect(started !== null, rows.at(-1)).toBe(expected(who, onlyMessaged, rel));
          if (started) {
            allowedHere++;
            await eventually(() => calleeDev.ringsFor(started).length === 1, 5_000, 'allowed call rings');
            await callerDev.inbox.cancelCall(started);
          }
        }
        // Disallowed callers caused no ring event at all: the only rings are the allowed calls.
        expect(calleeDev.rings.length, `${who}${onlyMessaged ? '+onlyMessaged' : ''}`).toBe(allowedHere);
        expect(calleeDev.frames.filter((f) => f.includes('"callRing"')).length).toBe(allowedHere);
      }
    }
    expect(rows.filter((r) => r.endsWith('rings')).length).toBe(11);
  });
});
