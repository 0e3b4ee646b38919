import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';

/** CPU µs per packet of bench/referenceWorkload.mjs: user, kernel and both. */
export interface Reference {
  us: number;
  user: number;
  kernel: number;
}

const WORKLOAD = fileURLToPath(new URL('./referenceWorkload.mjs', import.meta.url));
const REFERENCE_MS = Number(process.env.BENCH_REFERENCE_MS ?? 1500);

/**
 * Runs the fixed reference workload (bench/referenceWorkload.mjs) for BENCH_REFERENCE_MS on the
 * server's cores (BENCH_SERVER_CPUS, as the server is pinned), its datagrams received here like
 * the clients' media. Its µs per packet say how fast the machine is running at the time, so a
 * run's CPU per forwarded packet can be read against it (`server µs / reference µs`). It runs
 * while the scenario is running (the server forwarding beside it on its core), the same way
 * before and after every window: a comparison between runs, not the idle machine's speed.
 * BENCH_REFERENCE_MS=0 skips it (null).
 */
export async function machineReference(): Promise<Reference | null> {
  if (REFERENCE_MS <= 0) return null;
  const sinks = await Promise.all(
    Array.from({ length: 8 }, () => new Promise<dgram.Socket>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.on('message', () => undefined);
      s.bind(0, '127.0.0.1', () => resolve(s));
    })),
  );
  try {
    const ports = sinks.map((s) => s.address().port).join(',');
    const pin = process.env.BENCH_SERVER_CPUS;
    const args = [WORKLOAD, String(REFERENCE_MS), ports];
    const child = pin ? spawn('taskset', ['-c', pin, process.execPath, ...args]) : spawn(process.execPath, args);
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    const code = await Promise.race([new Promise<number | null>((resolve) => child.once('exit', resolve)), failed]);
    if (code !== 0) throw new Error(`reference workload exited with ${code}`);
    const r = JSON.parse(out) as Reference;
    return { us: r.us, user: r.user, kernel: r.kernel };
  } finally {
    for (const s of sinks) s.close();
  }
}
