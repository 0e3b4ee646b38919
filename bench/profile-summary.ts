/** Summarise V8 .cpuprofile files: top functions by self time. Usage: node --import tsx bench/profile-summary.ts DIR */
import fs from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const dir = process.argv[2] ?? '/tmp/prof';
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { nodes: Node[] };
  const total = p.nodes.reduce((a, n) => a + n.hitCount, 0);
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + n.hitCount);
  }
  const idle = byFn.get('(idle) :-1') ?? 0;
  console.log(`\n${f}: ${total} samples, ${(100 - (idle / total) * 100).toFixed(1)}% busy`);
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
