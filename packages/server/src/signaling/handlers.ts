import { ConveneError, MAX_CALL_PARTICIPANTS } from '@convene/protocol';
import { can, canSelfUnmute } from '../rooms/permissions.ts';
import { MAX_COHOSTS } from '../rooms/Stage.ts';
import { joined, ok, target, type Handlers } from './handler-support.ts';
import { questionHandlers } from './question-handlers.ts';

export const handlers: Handlers = {
  async join(s, d, ctx) {
    if (s.member && (d.resumeToken !== s.member.resumeToken || d.meetingId !== s.room?.id)) {
      throw new ConveneError('ALREADY_JOINED', 'this connection is already in a meeting');
    }
    const meeting = await ctx.services.meetings.authorizeJoin({ meetingId: d.meetingId, user: s.user, code: d.code, clientKey: s.clientKey });
    const room = await ctx.rooms.getOrCreate(meeting);
    if (meeting.kind === 'call' && !d.resumeToken && room.joined().length >= MAX_CALL_PARTICIPANTS) {
      throw new ConveneError('FORBIDDEN', `a call has at most ${MAX_CALL_PARTICIPANTS} participants`);
    }
    const t0 = performance.now();
    const out = await room.join(s.user, s.link, d.resumeToken);
    s.room = room;
    s.member = out.member;
    if (out.status === 'lobby') return { status: 'lobby', resumeToken: out.member.resumeToken };
    if (out.status === 'queued') return { status: 'queued', resumeToken: out.member.resumeToken, position: out.position, reason: out.reason };
    ctx.metrics.joinSeconds.observe((performance.now() - t0) / 1000);
    const me = out.member;
    return {
      status: 'joined',
      self: me.view(),
      participants: room.joined().filter((m) => m !== me && room.stage.visibleTo(me, m)).map((m) => m.view()),
      room: room.state(),
      resumeToken: me.resumeToken,
      resumed: out.resumed,
    };
  },
  async publish(s, d, ctx) {
    const { room, me } = joined(s);
    // Off stage, a client may still renegotiate down to nothing (after being moved off).
    if (!me.onStage && d.tracks.length > 0) throw new ConveneError('FORBIDDEN', 'only people on stage may publish; ask to speak first');
    const answer = await ctx.pool.call('publish', { routerId: me.routerId, peerId: me.id, sdp: d.sdp, tracks: d.tracks });
    // The client's view of what is muted wins over a pause left from an earlier producer.
    await room.syncPaused(me, d.tracks);
    return answer;
  },
  async subscribe(s, d, ctx) {
    const { room, me } = joined(s);
    return ctx.pool.call('subscribe', { routerId: me.routerId, peerId: me.id, iceRestart: d.iceRestart ?? false });
  },
  async subscribeAnswer(s, d, ctx) {
    const { room, me } = joined(s);
    await ctx.pool.call('subscribeAnswer', { routerId: me.routerId, peerId: me.id, sdp: d.sdp });
    return ok;
  },
  async resetMedia(s, _d, ctx) {
    const { room, me } = joined(s);
    await ctx.pool.call('resetTransports', { routerId: me.routerId, peerId: me.id });
    return ok;
  },
  async setSourcePaused(s, d) {
    const { room, me } = joined(s);
    if (!d.paused && !canSelfUnmute(me.role, room.allowSelfUnmute, me.mutedByHost.has(d.source))) {
      throw new ConveneError('FORBIDDEN', 'the host has disabled unmuting');
    }
    await room.setSourcePaused(me, d.source, d.paused);
    return ok;
  },
  async setViewport(s, d, ctx) {
    const { room, me } = joined(s);
    await ctx.pool.call('setViewport', { routerId: me.routerId, peerId: me.id, tiles: d.tiles });
    return ok;
  },
  async chatSend(s, d, ctx) {
    const { room } = joined(s);
    const { message, created } = await ctx.services.chat.send(room.id, s.user, d.clientMsgId, d.text);
    // A retry of a stored message is answered, not broadcast again.
    if (created) room.broadcast({ method: 'chatMessage', data: { message } });
    return { message };
  },
  async chatHistory(s, d, ctx) {
    const { room } = joined(s);
    return { messages: await ctx.services.chat.history(room.id, d.beforeSeq, d.limit) };
  },
  async raiseHand(s, d) {
    const { room, me } = joined(s);
    let who = me;
    if (d.participantId && d.participantId !== me.id) {
      if (d.raised) throw new ConveneError('FORBIDDEN', 'you can only raise your own hand');
      who = target(room, me, d.participantId, 'lowerHand');
    }
    room.setHand(who, d.raised);
    return ok;
  },
  async admit(s, d) {
    const { room, me } = joined(s);
    await room.admit(target(room, me, d.participantId, 'admit'));
    return ok;
  },
  async deny(s, d) {
    const { room, me } = joined(s);
    room.deny(target(room, me, d.participantId, 'deny'));
    return ok;
  },
  async lock(s, d) {
    const { room, me } = joined(s);
    if (!can(me.role, 'lock')) throw new ConveneError('FORBIDDEN', 'only hosts may lock');
    room.locked = d.locked;
    room.broadcastRoom();
    return ok;
  },
  async muteParticipant(s, d) {
    const { room, me } = joined(s);
    const t = target(room, me, d.participantId, 'mute');
    await room.setSourcePaused(t, d.source, true);
    t.mutedByHost.add(d.source);
    t.notify({ method: 'mutedByHost', data: { source: d.source } });
    return ok;
  },
  async setAllowSelfUnmute(s, d) {
    const { room, me } = joined(s);
    if (!can(me.role, 'setAllowSelfUnmute')) throw new ConveneError('FORBIDDEN', 'only hosts may change this');
    room.allowSelfUnmute = d.allow;
    room.broadcastRoom();
    return ok;
  },
  async removeParticipant(s, d) {
    const { room, me } = joined(s);
    await room.remove(target(room, me, d.participantId, 'remove'));
    return ok;
  },
  async setRole(s, d) {
    const { room, me } = joined(s);
    const t = target(room, me, d.participantId, 'setRole');
    if (d.role === 'cohost' && t.role !== 'cohost' && room.meeting.kind === 'space' && room.joined().filter((x) => x.role === 'cohost').length >= MAX_COHOSTS) {
      throw new ConveneError('FORBIDDEN', `a Space has at most ${MAX_COHOSTS} co-hosts`);
    }
    t.role = d.role;
    // Co-hosts are on stage.
    if (t.role === 'cohost' && !t.onStage) await room.stage.setOnStage(t, true);
    room.broadcastParticipant(t);
    if (t.role !== 'participant') room.broadcastLobby();
    return ok;
  },
  async spotlight(s, d) {
    const { room, me } = joined(s);
    if (d.participantId !== null) target(room, me, d.participantId, 'spotlight');
    else if (!can(me.role, 'spotlight')) throw new ConveneError('FORBIDDEN', 'only hosts may spotlight');
    room.spotlightId = d.participantId;
    room.broadcastRoom();
    return ok;
  },
  async endMeeting(s) {
    const { room, me } = joined(s);
    if (!can(me.role, 'endMeeting')) throw new ConveneError('FORBIDDEN', 'only the host may end the meeting');
    // Answer first, then end (ending closes every socket, the caller's included).
    setImmediate(() => void room.end());
    return ok;
  },
  async requestToSpeak(s, d) {
    const { room, me } = joined(s);
    room.stage.requestToSpeak(me, d.requested);
    return ok;
  },
  async setOnStage(s, d) {
    const { room, me } = joined(s);
    // Anyone may step off the stage themselves (e.g. on hearing the Space is recorded).
    const who = d.participantId === me.id && !d.onStage ? me : target(room, me, d.participantId, 'stage');
    await room.stage.setOnStage(who, d.onStage);
    return ok;
  },
  async declineToSpeak(s, d) {
    const { room, me } = joined(s);
    room.stage.decline(target(room, me, d.participantId, 'stage'));
    return ok;
  },
  async setSeminar(s, d) {
    const { room, me } = joined(s);
    if (!can(me.role, 'seminar')) throw new ConveneError('FORBIDDEN', 'only hosts may switch to seminar mode');
    await room.stage.setSeminar(d.seminar, d.panelists);
    return ok;
  },
  async blockFromRoom(s, d) {
    const { room, me } = joined(s);
    await room.block(target(room, me, d.participantId, 'block'), me);
    return ok;
  },
  async react(s, d) {
    const { room, me } = joined(s);
    room.stage.react(me, d.emoji);
    return ok;
  },
  async setCaptions(s, d) {
    const { room, me } = joined(s);
    // In a call either side may turn captions on; in meetings and Spaces, hosts and co-hosts.
    if (room.meeting.kind !== 'call' && !can(me.role, 'captions')) throw new ConveneError('FORBIDDEN', 'only hosts may turn captions on or off');
    await room.setCaptions(d.enabled, d.language);
    return ok;
  },
  ...questionHandlers,
  async setRecording(s, d) {
    const { room, me } = joined(s);
    if (!can(me.role, 'record')) throw new ConveneError('FORBIDDEN', 'only hosts may record');
    await room.setRecording(me, d.recording);
    return ok;
  },
  async setCaptionsOptOut(s, d) {
    const { room, me } = joined(s);
    room.setCaptionsOptOut(me, d.optOut);
    return ok;
  },
  async captionHistory(s) {
    return { lines: [...joined(s).room.captionHistory()] };
  },
  async inboxAttach(s, _d, ctx) {
    s.deviceId ??= ctx.hub.attach(s.user.id, s.link);
    return { deviceId: s.deviceId };
  },
  async callStart(s, d, ctx) {
    return { call: await ctx.calls.start(s.user, d.conversationId, d.media) };
  },
  async callAccept(s, d, ctx) {
    return { call: await ctx.calls.accept(s.user, s.deviceId, d.callId) };
  },
  async callDecline(s, d, ctx) {
    await ctx.calls.decline(s.user, d.callId);
    return ok;
  },
  async callCancel(s, d, ctx) {
    await ctx.calls.cancel(s.user, d.callId);
    return ok;
  },
  async callInvite(s, d, ctx) {
    await ctx.calls.invite(s.user, d.callId, d.handle);
    return ok;
  },
  async callToMeeting(s, d, ctx) {
    return { link: await ctx.calls.toMeeting(s.user, d.callId) };
  },
  async leave(s) {
    if (s.room && s.member) await s.room.leave(s.member);
    s.member = null;
    s.room = null;
    return ok;
  },
};
