/**
 * Live captions through the whole path: a Node participant speaks flite sentences as Opus
 * through the SFU; the server decodes, recognises (PocketSphinx) and sends partial and final
 * captions to the room, attributed to the speaker; opted-out and muted speakers are not captioned;
 * the host downloads the transcript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { PocketSphinxEngine } from '../../packages/server/src/captions/pocketsphinx.ts';
import { Bot, createUser, eventually } from '../support/bots.ts';
import { testServer } from '../support/server.ts';
import { hasFlite, recall, speak48k } from '../support/speech.ts';

type Caption = { participantId: string; kind: 'partial' | 'final'; text: string; at: number };
const SENTENCE = 'please call me back when you are free tomorrow';

describe.runIf(new PocketSphinxEngine().available() && hasFlite)('live captions', () => {
  let server: RunningServer;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await testServer({ SFU_WORKERS: '1' });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await server?.close();
  });

  it('captions a speaker (partials, then a final attributed to them), skips opted-out and muted speakers, and serves the transcript', async () => {
    const hostUser = await createUser(server.url, 'caphost');
    const meeting = await hostUser.api.createMeeting({ title: 'Captioned' });
    const host = await Bot.join(server.url, hostUser, meeting.id, { video: false, audio: false });
    const speaker = await Bot.join(server.url, await createUser(server.url, 'capspk'), meeting.id, { video: false, audio: false });
    const listenerUser = await createUser(server.url, 'caplis');
    const listener = await Bot.join(server.url, listenerUser, meeting.id, { video: false, audio: false });
    bots.push(host, speaker, listener);
    const voice = await speaker.publishVoice();
    const speakerId = speaker.session.self!.id;
    const got: Caption[] = [];
    listener.session.on('caption', (c) => got.push(c));

    await expect(listener.session.setCaptions(true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await host.session.setCaptions(true, 'en-US');
    await eventually(() => listener.session.room?.captions?.language === 'en-US', 5_000, 'captions on for everyone');

    const audio = speak48k(SENTENCE);
    await voice.say(audio);
    const ended = Date.now();
    await eventually(() => got.some((c) => c.kind === 'final'), 10_000, 'a final caption');
    const final = got.find((c) => c.kind === 'final')!;
    const r = recall(SENTENCE, final.text);
    console.log(`caption through the SFU: "${final.text}" recall ${r.toFixed(2)}, end of speech → final ${final.at - ended} ms, ${got.filter((c) => c.kind === 'partial').length} partials`);
    expect(final.participantId).toBe(speakerId);
    expect(got.filter((c) => c.kind === 'partial' && c.at < final.at).length).toBeGreaterThan(0);
    expect(r).toBeGreaterThanOrEqual(0.6);
    expect(final.at - ended).toBeLessThan(3000);

    // Someone who joins now gets the line said before they came, attributed, for their transcript.
    const late = await Bot.join(server.url, await createUser(server.url, 'caplate'), meeting.id, { video: false, audio: false });
    bots.push(late);
    const history = await late.session.captionHistory();
    expect(history.map((l) => [l.participantId, l.text])).toContainEqual([speakerId, final.text]);
    expect(history.find((l) => l.text === final.text)?.name).toBe(speaker.session.self!.displayName);

    // Opted out: nothing for this speaker, and everyone can show "captions off for this speaker".
    await speaker.session.setCaptionsOptOut(true);
    await eventually(() => listener.session.participants.get(speakerId)?.captionsOff === true, 5_000, 'opt-out visible');
    const n1 = got.length;
    await voice.say(audio);
    await new Promise((res) => setTimeout(res, 2000));
    expect(got.length).toBe(n1);

    // Back in, but muted: still nothing.
    await speaker.session.setCaptionsOptOut(false);
    await speaker.session.setMuted('microphone', true);
    const n2 = got.length;
    await voice.say(audio);
    await new Promise((res) => setTimeout(res, 2000));
    expect(got.length).toBe(n2);

    // The host downloads the transcript; other participants may not.
    const get = (token: string, format: string) => fetch(`${server.url}/api/meetings/${meeting.id}/transcript?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
    const txt = await get(hostUser.token, 'txt');
    expect(txt.status).toBe(200);
    expect(await txt.text()).toContain(final.text);
    const vtt = await (await get(hostUser.token, 'vtt')).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt).toMatch(/\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/convene_caption_rooms 1/);

    await host.session.setCaptions(false);
    await eventually(() => listener.session.room?.captions === null, 5_000, 'captions off');
    expect(await late.session.captionHistory()).toEqual([]); // off: nothing to catch up on
    expect((await get(listenerUser.token, 'txt')).status).toBe(404);

    // The transcript outlives the room: after the meeting ends the host still downloads it.
    await host.session.endForAll();
    await eventually(() => listener.session.state === 'ended', 10_000, 'meeting ended');
    const after = await get(hostUser.token, 'txt');
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(final.text);
    expect((await (await get(hostUser.token, 'vtt')).text()).startsWith('WEBVTT')).toBe(true);
    expect((await get(listenerUser.token, 'txt')).status).toBe(404);
  }, 60_000);

  it('overload: six speakers at once — media to a listener never stalls, and captions keep coming (later, not never)', async () => {
    const hostUser = await createUser(server.url, 'ovh');
    const meeting = await hostUser.api.createMeeting({ title: 'Overload' });
    const host = await Bot.join(server.url, hostUser, meeting.id, { video: false, audio: false });
    const listener = await Bot.join(server.url, await createUser(server.url, 'ovl'), meeting.id, { video: false, audio: false });
    bots.push(host, listener);
    const speakers: { bot: Bot; say: (pcm: Int16Array) => Promise<void> }[] = [];
    for (let i = 0; i < 6; i++) {
      const bot = await Bot.join(server.url, await createUser(server.url, 'ovs'), meeting.id, { video: false, audio: false });
      bots.push(bot);
      speakers.push({ bot, say: (await bot.publishVoice()).say });
    }
    const finals = new Set<string>();
    listener.session.on('caption', (c) => {
      if (c.kind === 'final') finals.add(c.participantId);
    });
    await host.session.setCaptions(true);
    const audio = speak48k(SENTENCE);
    const ids = speakers.map((s) => s.bot.session.self!.id);
    const energy = () => ids.map((id) => listener.audioEnergyFrom.get(id) ?? 0);
    const samples: number[][] = [];
    const sampler = setInterval(() => samples.push(energy()), 500);
    await Promise.all(speakers.map(async (s) => {
      await s.say(audio);
      await s.say(audio);
    }));
    await eventually(() => finals.size >= 4, 20_000, 'captions for most speakers despite the load');
    clearInterval(sampler);
    // Every speaker's audio kept reaching the listener: energy rose over every second of talk.
    const talking = samples.slice(2, -2);
    for (let k = 2; k < talking.length; k++) {
      for (let i = 0; i < ids.length; i++) expect(talking[k]![i]!, `speaker ${i} at sample ${k}`).toBeGreaterThan(talking[k - 2]![i]!);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/convene_caption_audio_dropped_seconds \d/);
  }, 90_000);
});
