/**
 * Inclusive (self + callees) time per function in V8 .cpuprofile files, to see which entry points
 * (UDP receive, RTCP handling, timers…) the media worker's time goes to.
 * Usage: node --import tsx bench/profile-inclusive.ts DIR [minBusyPercent] [filter]
 */
import fs from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
const dir = process.argv[2] ?? '/tmp/prof';
const minBusy = Number(process.argv[3] ?? 20);
const filter = process.argv[4];
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { nodes: Node[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const total = p.nodes.reduce((a, n) => a + n.hitCount, 0);
  const idle = p.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((a, n) => a + n.hitCount, 0);
  if (((total - idle) / total) * 100 < minBusy) continue;
  const key = (n: Node): string => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  const incl = new Map<string, number>();
  const walk = (id: number, stack: Set<string>): number => {
    const n = byId.get(id)!;
    let sum = n.hitCount;
    const k = key(n);
    const fresh = !stack.has(k);
    if (fresh) stack.add(k);
    for (const c of n.children ?? []) sum += walk(c, stack);
    if (fresh) {
      stack.delete(k);
      incl.set(k, (incl.get(k) ?? 0) + sum);
    }
    return sum;
  };
  walk(p.nodes[0]!.id, new Set());
  const busy = total - idle;
  console.log(`\n${f}: ${total} samples, ${((busy / total) * 100).toFixed(1)}% busy; inclusive share of busy time:`);
  const rows = [...incl].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40));
  for (const [k, v] of rows) console.log(`${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
