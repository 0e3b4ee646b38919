/**
 * Simulated HLS listeners, run in their own process (so the server, the WebRTC bots and this
 * load generator each get measured apart): `node --import tsx tests/support/hlsListeners.ts
 * <playlistUrl> <listeners> <pollMs> <durationMs>` prints one JSON line of results.
 * Each listener behaves like a live player: polls the playlist, starts at the live edge
 * (init + last 2 segments), then fetches every new segment once; keep-alive connections are
 * shared the way a CDN edge would share them.
 */
import http from 'node:http';

const [url = '', nArg = '2000', pollArg = '2000', durArg = '10000'] = process.argv.slice(2);
const N = Number(nArg);
const POLL_MS = Number(pollArg);
const DURATION_MS = Number(durArg);
const base = url.slice(0, url.lastIndexOf('/'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

function get(u: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(u, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let requests = 0;
let playlists = 0;
let segments = 0;
let bytes = 0;
const errors: Record<string, number> = {};
const latencies: number[] = [];
let stop = false;
const fail = (k: string) => (errors[k] = (errors[k] ?? 0) + 1);

async function listener(i: number): Promise<void> {
  const have = new Set<string>();
  await sleep((i / N) * POLL_MS);
  while (!stop) {
    const started = Date.now();
    try {
      const r = await get(url);
      requests++;
      playlists++;
      latencies.push(Date.now() - started);
      if (r.status !== 200) fail(`playlist ${r.status}`);
      else {
        const text = r.body.toString('utf8');
        const names = text.split('\n').filter((l) => l && !l.startsWith('#'));
        const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
        const wanted = have.size === 0 ? [...(init ? [init] : []), ...names.slice(-2)] : names.filter((n) => !have.has(n));
        for (const n of wanted) {
          have.add(n);
          const s = await get(`${base}/${n}`);
          requests++;
          if (s.status !== 200) fail(`segment ${s.status}`);
          else {
            segments++;
            bytes += s.body.length;
          }
        }
      }
    } catch (err) {
      fail(String((err as Error).message));
    }
    await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
  }
}

const t0 = Date.now();
const loops = Array.from({ length: N }, (_, i) => listener(i));
await sleep(DURATION_MS);
const secs = (Date.now() - t0) / 1000;
const counted = { requests, playlists, segments, bytes };
stop = true;
await Promise.all(loops);
agent.destroy();
latencies.sort((a, b) => a - b);
const cpu = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    listeners: N,
    seconds: secs,
    ...counted,
    errors,
    playlistP50Ms: latencies[Math.floor(latencies.length / 2)] ?? -1,
    playlistP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? -1,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  }) + '\n',
);
