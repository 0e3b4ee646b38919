import { startServer, type RunningServer } from '@convene/server';

let portBase = 42000 + (process.pid % 50) * 100;

/** A real server on an ephemeral HTTP port with in-memory data and its own UDP port range. */
export async function testServer(extra: Record<string, string> = {}): Promise<RunningServer> {
  const lo = portBase;
  portBase += 100;
  return startServer({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SFU_WORKERS: '2',
    RTC_MIN_PORT: String(lo),
    RTC_MAX_PORT: String(lo + 99),
    WEB_DIST: '',
    ...extra,
  });
}
