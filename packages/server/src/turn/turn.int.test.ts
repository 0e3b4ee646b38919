/**
 * A real coturn relay (scripts/coturn.sh, Debian's coturn) accepting the short-lived credentials
 * that turnCredentials() issues, and relaying a data channel between two libwebrtc peers.
 *
 * The relay listens on 127.0.0.1 with the production deny list; TURN_ALLOWED_PEER_IPS=127.0.0.1
 * (tests only) lets it relay to loopback, where the peers' relayed addresses live.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredentials, type TurnSettings } from './credentials.ts';

const { RTCPeerConnection: PeerConnection } = wrtc as unknown as { RTCPeerConnection: typeof RTCPeerConnection };

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts/coturn.sh');
const SECRET = randomBytes(24).toString('base64url');
// Like the PostgreSQL contract tests: installing Debian packages needs root; otherwise coturn
// must already be installed, or these tests are skipped.
const AVAILABLE = process.getuid?.() === 0 || spawnSync('sh', ['-c', 'command -v turnserver']).status === 0;
const MIN_PORT = 51000;
const MAX_PORT = 51999;

let relay: ChildProcess | undefined;
let relayExited: Promise<void> = Promise.resolve();
let relayOutput = '';
let dir = '';
let port = 0;
let settings: TurnSettings;
const peers: RTCPeerConnection[] = [];

/** The relay's log, for failure messages (it never contains the secret). */
function relayLog(): string {
  try {
    return readFileSync(join(dir, 'turnserver.log'), 'utf8').split('\n').filter((l) => !l.includes('Black listing')).slice(-15).join('\n');
  } catch {
    return '(no relay log)';
  }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; coturn log:\n${relayLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((res, rej) => {
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => res());
  });
  const p = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return p;
}

/** Sends a STUN Binding request (RFC 8489) and resolves true on a Binding success response. */
async function stunBinding(p: number, timeoutMs: number): Promise<boolean> {
  const s = createSocket('udp4');
  const txId = randomBytes(12);
  const req = Buffer.alloc(20);
  req.writeUInt16BE(0x0001, 0);
  req.writeUInt16BE(0, 2);
  req.writeUInt32BE(0x2112a442, 4);
  txId.copy(req, 8);
  try {
    return await new Promise<boolean>((res) => {
      const timer = setTimeout(() => res(false), timeoutMs);
      s.on('error', () => { clearTimeout(timer); res(false); });
      s.on('message', (m) => {
        if (m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(txId)) {
          clearTimeout(timer);
          res(true);
        }
      });
      s.send(req, p, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

function newPeer(config: RTCConfiguration): RTCPeerConnection {
  const pc = new PeerConnection(config);
  peers.push(pc);
  return pc;
}

/** Starts gathering on a fresh relay-only peer; returns the candidate lines seen so far. */
async function gather(iceServers: RTCIceServer[]): Promise<{ pc: RTCPeerConnection; candidates: string[] }> {
  const pc = newPeer({ iceServers, iceTransportPolicy: 'relay' });
  const candidates: string[] = [];
  pc.onicecandidate = (e) => {
    if (e.candidate) candidates.push(e.candidate.candidate);
  };
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, candidates };
}

// --- A minimal TURN client (RFC 8656 Allocate + CreatePermission over UDP), enough to ask the
// relay whether it would relay to a given peer address without needing a peer there.
const MAGIC = 0x2112a442;
const attr = (type: number, value: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
};
interface StunReply { type: number; attrs: Map<number, Buffer> }

class TurnProbe {
  private readonly sock: Socket = createSocket('udp4');
  private realm: Buffer = Buffer.alloc(0);
  private nonce: Buffer = Buffer.alloc(0);
  private key: Buffer = Buffer.alloc(0);
  constructor(private readonly port: number, private readonly username: string, private readonly password: string) {}

  /** Allocates a relayed address; returns the final response's class/method type (0x0103 = success). */
  async allocate(): Promise<number> {
    const transport = attr(0x0019, Buffer.from([17, 0, 0, 0])); // REQUESTED-TRANSPORT: UDP
    const first = await this.request(0x0003, [transport], false);
    if (first.type !== 0x0113) return first.type;
    this.realm = first.attrs.get(0x0014) ?? Buffer.alloc(0);
    this.nonce = first.attrs.get(0x0015) ?? Buffer.alloc(0);
    this.key = createHash('md5').update(`${this.username}:${this.realm.toString()}:${this.password}`).digest();
    return (await this.request(0x0003, [transport], true)).type;
  }

  /** CreatePermission for an IPv4 peer; resolves 0 on success, else the STUN error code (403 = forbidden). */
  async permit(ipv4: string): Promise<number> {
    const value = Buffer.alloc(8);
    value.writeUInt8(0x01, 1);
    value.writeUInt16BE(0, 2); // port is ignored for permissions
    const ip = ipv4.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    value.writeUInt32BE((ip ^ MAGIC) >>> 0, 4);
    const r = await this.request(0x0008, [attr(0x0012, value)], true);
    if (r.type === 0x0108) return 0;
    const err = r.attrs.get(0x0009);
    return err ? (err[2]! & 0x7) * 100 + err[3]! : -1;
  }

  close(): void {
    this.sock.close();
  }

  private async request(method: number, attrs: Buffer[], auth: boolean): Promise<StunReply> {
    const tx = randomBytes(12);
    const header = (bodyLength: number): Buffer => {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(method, 0);
      h.writeUInt16BE(bodyLength, 2);
      h.writeUInt32BE(MAGIC, 4);
      tx.copy(h, 8);
      return h;
    };
    let body = Buffer.concat([
      ...attrs,
      ...(auth ? [attr(0x0006, Buffer.from(this.username)), attr(0x0014, this.realm), attr(0x0015, this.nonce)] : []),
    ]);
    if (auth) {
      // MESSAGE-INTEGRITY: HMAC-SHA1 over the message with the length already counting itself.
      const mac = createHmac('sha1', this.key).update(Buffer.concat([header(body.length + 24), body])).digest();
      body = Buffer.concat([body, attr(0x0008, mac)]);
    }
    const msg = Buffer.concat([header(body.length), body]);
    return await new Promise<StunReply>((res, rej) => {
      const timer = setTimeout(() => { this.sock.off('message', onMessage); rej(new Error('TURN request timed out')); }, 3_000);
      const onMessage = (m: Buffer): void => {
        if (m.length < 20 || !m.subarray(8, 20).equals(tx)) return;
        clearTimeout(timer);
        this.sock.off('message', onMessage);
        const out = new Map<number, Buffer>();
        for (let o = 20; o + 4 <= m.length; ) {
          const t = m.readUInt16BE(o);
          const len = m.readUInt16BE(o + 2);
          out.set(t, m.subarray(o + 4, o + 4 + len));
          o += 4 + len + ((4 - (len % 4)) % 4);
        }
        res({ type: m.readUInt16BE(0), attrs: out });
      };
      this.sock.on('message', onMessage);
      this.sock.send(msg, this.port, '127.0.0.1');
    });
  }
}

const isRelay = (c: string): boolean => / typ relay( |$)/.test(c);

beforeAll(async () => {
  if (!AVAILABLE) return;
  dir = mkdtempSync(join(tmpdir(), 'convene-turn-'));
  port = await freeUdpPort();
  settings = { urls: [`turn:127.0.0.1:${port}?transport=udp`], secret: SECRET, ttlSeconds: 600 };
  // detached: turnserver gets its own process group, which afterAll kills as a whole.
  const child = spawn('bash', [SCRIPT, 'run', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TURN_SECRET: SECRET,
      TURN_ALLOWED_PEER_IPS: '127.0.0.1',
      TURN_MIN_PORT: String(MIN_PORT),
      TURN_MAX_PORT: String(MAX_PORT),
      TURN_DIR: dir,
    },
  });
  relay = child;
  let exited = false;
  relayExited = new Promise((res) => child.once('exit', () => { exited = true; res(); }));
  child.stdout?.on('data', (d: Buffer) => { relayOutput += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { relayOutput += d.toString(); });
  // The first run may install coturn with apt-get.
  const deadline = Date.now() + 170_000;
  while (!(await stunBinding(port, 500))) {
    if (exited) throw new Error(`coturn.sh exited before the relay was ready:\n${relayOutput}`);
    if (Date.now() > deadline) throw new Error(`coturn not answering STUN on 127.0.0.1:${port}:\n${relayOutput}`);
  }
}, 180_000);

afterAll(async () => {
  // Close WebRTC peers before the process exits: libwebrtc can crash on exit with live peers.
  for (const pc of peers) pc.close();
  if (relay?.pid !== undefined && relay.exitCode === null && relay.signalCode === null) {
    const group = -relay.pid;
    try { process.kill(group, 'SIGTERM'); } catch { /* already gone */ }
    const stopped = await Promise.race([relayExited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
    if (!stopped) {
      try { process.kill(group, 'SIGKILL'); } catch { /* already gone */ }
      await relayExited;
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!AVAILABLE)('TURN relay with short-lived credentials (coturn use-auth-secret)', () => {
  it('generates a config with the deny list, the test-only loopback exception and the secret off the command line', () => {
    const conf = readFileSync(join(dir, 'turnserver.conf'), 'utf8');
    for (const line of [
      'use-auth-secret', 'realm=convene', 'no-tls', 'no-dtls', 'no-cli', 'fingerprint', 'no-multicast-peers',
      'denied-peer-ip=10.0.0.0-10.255.255.255', 'denied-peer-ip=127.0.0.0-127.255.255.255',
      'denied-peer-ip=169.254.0.0-169.254.255.255', 'denied-peer-ip=172.16.0.0-172.31.255.255',
      'denied-peer-ip=192.168.0.0-192.168.255.255', 'denied-peer-ip=::1',
      'denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'allowed-peer-ip=127.0.0.1', `listening-port=${port}`, 'listening-ip=127.0.0.1',
    ]) {
      expect(conf.split('\n')).toContain(line);
    }
    expect(relayOutput).not.toContain(SECRET);
  });

  it('gathers a relay candidate with credentials from turnCredentials()', async () => {
    const { candidates } = await gather(turnCredentials(settings, 'user_ok', Date.now()).iceServers);
    await waitFor('a relay candidate', () => candidates.some(isRelay), 15_000);
    const relayed = candidates.filter(isRelay);
    // candidate:<foundation> <component> <proto> <priority> <address> <port> typ relay ...
    const [, , , , address, portText] = relayed[0]!.split(' ');
    expect(address).toBe('127.0.0.1');
    expect(Number(portText)).toBeGreaterThanOrEqual(MIN_PORT);
    expect(Number(portText)).toBeLessThanOrEqual(MAX_PORT);
  });

  it('gathers no relay candidate with a wrong credential or an expired one', async () => {
    const good = turnCredentials(settings, 'user_bad', Date.now()).iceServers[0]!;
    const wrong = await gather([{ ...good, credential: turnCredentials({ ...settings, secret: 'not-the-secret' }, 'user_bad', Date.now()).iceServers[0]!.credential }]);
    // Validly signed, but its expiry timestamp is an hour in the past.
    const expired = await gather(turnCredentials(settings, 'user_old', Date.now() - 2 * 3600_000).iceServers);
    const done = (pc: RTCPeerConnection): boolean => pc.iceGatheringState === 'complete';
    // Gathering ends once the relay has refused (401); allow a few seconds either way.
    await waitFor('gathering to finish', () => done(wrong.pc) && done(expired.pc), 5_000).catch(() => undefined);
    expect(wrong.candidates.filter(isRelay)).toEqual([]);
    expect(expired.candidates.filter(isRelay)).toEqual([]);
  });

  it('refuses to relay to private, loopback, link-local and special-purpose IPv4 peers', async () => {
    const { username, credential } = turnCredentials(settings, 'prober', Date.now()).iceServers[0]!;
    const probe = new TurnProbe(port, username, credential);
    try {
      expect(await probe.allocate()).toBe(0x0103);
      const denied = ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '127.0.0.2', '0.0.0.1', '192.0.2.2', '224.0.0.251', '255.255.255.255'];
      const results = Object.fromEntries(await Promise.all(denied.map(async (ip) => [ip, await probe.permit(ip)] as const)));
      expect(results).toEqual(Object.fromEntries(denied.map((ip) => [ip, 403])));
      // Public addresses are fine (guards against a deny list that matches everything), and the
      // test-only allowed-peer-ip=127.0.0.1 punches through the loopback range.
      expect(await probe.permit('8.8.8.8')).toBe(0);
      expect(await probe.permit('127.0.0.1')).toBe(0);
    } finally {
      probe.close();
    }
  });

  it('relays a data channel between two peers end to end', async () => {
    // a may only use the relay; b has its host candidates too, but those are on private or
    // documentation addresses that the deny list refuses, so the only working path is relayed.
    const a = newPeer({ iceServers: turnCredentials(settings, 'alice', Date.now()).iceServers, iceTransportPolicy: 'relay' });
    const b = newPeer({ iceServers: turnCredentials(settings, 'bob', Date.now()).iceServers });
    a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate).catch(() => undefined); };
    b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate).catch(() => undefined); };

    const received: string[] = [];
    b.ondatachannel = (e) => {
      const ch = e.channel;
      ch.onmessage = (m: MessageEvent) => {
        received.push(String(m.data));
        ch.send(`pong:${String(m.data)}`);
      };
    };
    const ch = a.createDataChannel('chat');
    const replies: string[] = [];
    ch.onmessage = (m: MessageEvent) => replies.push(String(m.data));

    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);

    await waitFor('the data channel to open', () => ch.readyState === 'open', 20_000);
    ch.send('hello via coturn');
    await waitFor('the reply', () => replies.length > 0, 10_000);
    expect(received).toEqual(['hello via coturn']);
    expect(replies).toEqual(['pong:hello via coturn']);

    // The selected pair's local side on a is a relayed candidate.
    const stats = await a.getStats();
    const all = [...(stats as unknown as Map<string, Record<string, unknown>>).values()];
    const transport = all.find((s) => s.type === 'transport');
    const pair =
      all.find((s) => s.type === 'candidate-pair' && s.id === transport?.selectedCandidatePairId) ??
      all.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated === true);
    expect(pair, 'a selected candidate pair').toBeDefined();
    const local = all.find((s) => s.id === pair!.localCandidateId);
    expect(local?.candidateType).toBe('relay');
  });
});
