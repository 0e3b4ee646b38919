/**
 * Web Push for rings when no device is online: a local HTTP server plays the browser's push
 * service; the test holds the subscription's private key and decrypts what arrives (RFC 8291).
 */
import { createECDH, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@convene/server';
import { pushPayloadSchema, type PushPayload } from '@convene/protocol';
import { createUser, eventually } from '../support/bots.ts';
import { Device } from '../support/inbox.ts';
import { testServer } from '../support/server.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

describe('Web Push rings', () => {
  let server: RunningServer;
  let pushService: http.Server;
  let pushUrl = '';
  const received: Received[] = [];
  const goneEndpoints = new Set<string>();
  const vapid = webpush.generateVAPIDKeys();
  const devices: Device[] = [];

  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-push-'));
  const rejectBefore = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

  beforeAll(async () => {
    // Push services are HTTPS (web-push only speaks HTTPS): a self-signed one on loopback, and
    // this test process (only) accepts its certificate.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', path.join(tlsDir, 'key.pem'), '-out', path.join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const tls = { key: fs.readFileSync(path.join(tlsDir, 'key.pem')), cert: fs.readFileSync(path.join(tlsDir, 'cert.pem')) };
    pushService = https.createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(goneEndpoints.has(req.url ?? '') ? 410 : 201).end();
      });
    });
    await new Promise<void>((r) => pushService.listen(0, '127.0.0.1', r));
    pushUrl = `https://127.0.0.1:${(pushService.address() as AddressInfo).port}`;
    server = await testServer({ SFU_WORKERS: '1', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@convene.test', CALL_RING_SECONDS: '30' });
  });
  afterAll(async () => {
    for (const d of devices) d.close();
    await server?.close();
    await new Promise((r) => pushService?.close(r));
    if (rejectBefore === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectBefore;
    fs.rmSync(tlsDir, { recursive: true, force: true });
  });

  /** A browser subscription whose private key we keep. */
  function subscription(path: string) {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    return { ecdh, auth, body: { endpoint: `${pushUrl}${path}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } } };
  }
  const read = (r: Received, sub: ReturnType<typeof subscription>): PushPayload =>
    pushPayloadSchema.parse(JSON.parse(decrypt(r.body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth }).toString('utf8')));

  it('rings an offline callee through the push service (encrypted, VAPID-signed) and withdraws it when the call is cancelled', async () => {
    const [alice, bob] = [await createUser(server.url, 'alice'), await createUser(server.url, 'bob')];
    await bob.api.follow(alice.handle);
    const cfg = (await (await fetch(`${server.url}/api/push/config`, { headers: { authorization: `Bearer ${bob.token}` } })).json()) as { publicKey: string };
    expect(cfg.publicKey).toBe(vapid.publicKey);
    const sub = subscription('/push/bob-1');
    const res = await fetch(`${server.url}/api/push/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(sub.body),
    });
    expect(res.status).toBe(204);

    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    const aliceDev = await Device.connect(server.url, alice);
    devices.push(aliceDev);
    const call = await aliceDev.inbox.startCall(dm.id, 'video');
    await eventually(() => received.some((r) => r.path === '/push/bob-1'), 5_000, 'a push for bob');
    const push = received.find((r) => r.path === '/push/bob-1')!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.headers.urgency).toBe('high');
    expect(Number(push.headers.ttl)).toBe(30);
    expect(push.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    expect(push.body.toString('latin1')).not.toContain(alice.handle); // encrypted on the wire
    expect(read(push, sub)).toEqual({ type: 'call', callId: call.id, conversationId: dm.id, media: 'video', caller: { id: expect.any(String), handle: alice.handle, displayName: expect.any(String) } });

    await aliceDev.inbox.cancelCall(call.id);
    await eventually(() => received.filter((r) => r.path === '/push/bob-1').length === 2, 5_000, 'withdrawal push');
    expect(read(received.filter((r) => r.path === '/push/bob-1')[1]!, sub)).toEqual({ type: 'callEnded', callId: call.id });
  });

  it('no push while a device is online; a subscription the push service reports gone is deleted', async () => {
    const [alice, bob] = [await createUser(server.url, 'alice'), await createUser(server.url, 'bob')];
    await bob.api.follow(alice.handle);
    const sub = subscription('/push/bob-2');
    await fetch(`${server.url}/api/push/subscriptions`, { method: 'POST', headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' }, body: JSON.stringify(sub.body) });
    const dm = await alice.api.createConversation({ kind: 'dm', handle: bob.handle });
    const [aliceDev, bobDev] = [await Device.connect(server.url, alice), await Device.connect(server.url, bob)];
    devices.push(aliceDev, bobDev);
    const first = await aliceDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => bobDev.ringsFor(first.id).length === 1, 5_000, 'bob’s device rings');
    await aliceDev.inbox.cancelCall(first.id);
    expect(received.filter((r) => r.path === '/push/bob-2')).toHaveLength(0);

    bobDev.close();
    const bobId = (await bob.api.me()).user.id;
    await eventually(() => server.inbox.hub.deviceCount(bobId) === 0, 5_000, 'the server sees bob’s device go');
    goneEndpoints.add('/push/bob-2');
    const second = await aliceDev.inbox.startCall(dm.id, 'audio');
    await eventually(() => received.filter((r) => r.path === '/push/bob-2').length === 1, 5_000, 'push attempted');
    await aliceDev.inbox.cancelCall(second.id);
    const third = await aliceDev.inbox.startCall(dm.id, 'audio');
    await aliceDev.inbox.cancelCall(third.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.filter((r) => r.path === '/push/bob-2')).toHaveLength(1); // deleted after the 410
  });

  it('refuses malformed subscriptions', async () => {
    const u = await createUser(server.url, 'eve');
    for (const body of [{}, { endpoint: 'not a url', keys: { p256dh: 'x'.repeat(20), auth: 'y'.repeat(10) } }, { endpoint: 'ftp://x.test/a', keys: { p256dh: 'x'.repeat(20), auth: 'y'.repeat(10) } }]) {
      const res = await fetch(`${server.url}/api/push/subscriptions`, { method: 'POST', headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
  });
});
