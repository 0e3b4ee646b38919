import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../telemetry/logger.ts';
import { SfuPool } from './SfuPool.ts';
import { WorkerHost } from './worker/WorkerHost.ts';

const net = { additionalHosts: ['127.0.0.1'], portRange: [47000, 47999] as [number, number] };
let pool: SfuPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('SfuPool media workers', () => {
  it('run with the young generation they were given (SFU_YOUNG_GENERATION_MB)', async () => {
    pool = new SfuPool(1, net, createLogger('silent'), 12);
    const [s] = await pool.stats();
    expect(s!.youngGenerationMb).toBe(12);
    await pool.close();
    // 0 leaves V8's default, which is larger.
    pool = new SfuPool(1, net, createLogger('silent'), 0);
    const [d] = await pool.stats();
    expect(d!.youngGenerationMb).toBeGreaterThan(12);
  });

  it('counts full collections (what convene_media_major_gc_total reports)', async () => {
    const host = new WorkerHost(net, () => undefined);
    const before = host.stats().majorGcs;
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    // GC entries reach observers asynchronously.
    const end = Date.now() + 5000;
    while (host.stats().majorGcs === before && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(host.stats().majorGcs).toBeGreaterThan(before);
    host.close();
  });
});
