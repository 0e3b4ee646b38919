import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

const CLK_TCK = 100; // Linux USER_HZ

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The server in its own process so its CPU and memory are measured apart from the bots. */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string> = {}, fixedPort?: number): Promise<ServerProcess> {
    const port = fixedPort ?? (await freePort());
    // BENCH_PROF=dir writes V8 CPU profiles of the server (main thread and media workers) there.
    const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
    // BENCH_SERVER_CPUS=0 pins the server to core 0 (taskset) so clients cannot steal its core.
    const pin = process.env.BENCH_SERVER_CPUS;
    const cmd = pin ? 'taskset' : process.execPath;
    // BENCH_NODE_FLAGS: extra node/V8 flags for the server, e.g. --perf-basic-prof for BENCH_PERF.
    const extra = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const args = [...prof, ...extra, '--import', 'tsx', 'packages/server/src/main.ts'];
    const child = spawn(cmd, pin ? ['-c', pin, process.execPath, ...args] : args, {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: 'memory://', LOG_LEVEL: 'warn', WEB_DIST: '', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    const end = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > end) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    return new ServerProcess(child, url);
  }

  /** CPU seconds (user + system, all threads) used so far. */
  cpuSeconds(): number {
    const { user, kernel } = this.cpuSplit();
    return user + kernel;
  }

  /** CPU seconds in user space (our code, V8, OpenSSL) and in the kernel (syscalls, loopback delivery). */
  cpuSplit(): { user: number; kernel: number } {
    const stat = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLK_TCK, kernel: Number(fields[12]) / CLK_TCK };
  }

  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  }

  /** Per-thread CPU seconds, to show that media work is spread across workers. */
  threadCpu(): { name: string; seconds: number }[] {
    const dir = `/proc/${this.child.pid}/task`;
    return fs.readdirSync(dir).sort().map((tid) => {
      const stat = fs.readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { name, seconds: (Number(f[11]) + Number(f[12])) / CLK_TCK };
    });
  }

  /**
   * Nanoseconds on a CPU so far, summed over the live threads (scheduler's run time: exact, where
   * /proc/<pid>/stat counts 10 ms ticks). For short sub-windows; a thread that exited is missing.
   */
  runNs(): number {
    const dir = `/proc/${this.child.pid}/task`;
    let ns = 0;
    for (const tid of fs.readdirSync(dir)) {
      try {
        ns += Number(fs.readFileSync(`${dir}/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread exited meanwhile
      }
    }
    return ns;
  }

  async forwarded(): Promise<number> {
    return (await this.counters()).forwarded;
  }

  /** Forwarded packets and NACK retransmissions so far (from /metrics). */
  async counters(): Promise<{ forwarded: number; retransmitted: number }> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return {
      forwarded: Number(/^convene_rtp_forwarded_total (\d+)/m.exec(text)?.[1] ?? 0),
      retransmitted: Number(/^convene_nack_total (\d+)/m.exec(text)?.[1] ?? 0),
    };
  }

  /** Simulate a crash: SIGKILL, no shutdown hooks. */
  async kill(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export const cores = os.availableParallelism();
