import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@convene/sdk';
import { Bot, createUser } from '../support/bots.ts';
import { ServerProcess } from '../support/serverProcess.ts';

describe('durability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an acknowledged account, meeting and chat message survive a SIGKILL of the server', async () => {
    const env = { DATA_DIR: dir, SFU_WORKERS: '1', RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47199' };
    server = await ServerProcess.start(env);
    const port = Number(new URL(server.url).port);
    const user = await createUser(server.url, 'durable');
    const meeting = await user.api.createMeeting({ title: 'Survives', code: 'keep-it' });
    const bot = await Bot.join(server.url, user, meeting.id, { video: false, audio: false });
    const sent = await bot.session.sendChat('written before the crash'); // resolves after commit
    await server.kill(); // no graceful shutdown, no flush hooks
    server = await ServerProcess.start(env, port);

    const api = new ApiClient(server.url);
    await api.signIn({ handle: user.handle, password: 'correct horse battery' });
    const again = await api.getMeeting(meeting.id);
    expect(again.title).toBe('Survives');
    const back = await Bot.join(server.url, { token: api.token!, handle: user.handle }, meeting.id, { video: false, audio: false });
    const history = await back.session.chatHistory();
    expect(history.map((m) => m.id)).toContain(sent.id);
    await back.close();
    await bot.close();
  });
});
