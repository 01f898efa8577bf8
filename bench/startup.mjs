// bench/startup: `sandcheck scan` of one small manifest vs `node -e ''`, alternating, in the same run.
// Target: ratio <= 1.5 (dockerode and the Kubernetes client must not load on this path).
import { join } from 'node:path';
import { BIN, ROOT, median, timed } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 30);
const file = join(ROOT, 'fixtures', 'rules', 'container-privileged', 'fail-k8s.yaml');
const base = [];
const scan = [];
timed(['-e', '']);
timed([BIN, 'scan', file]);
for (let i = 0; i < runs; i++) {
  base.push(timed(['-e', '']).ms);
  const r = timed([BIN, 'scan', file, '--format', 'json']);
  if (r.status !== 1) throw new Error(`unexpected exit ${r.status}: ${r.stderr}`);
  scan.push(r.ms);
}
const b = median(base);
const s = median(scan);
console.log(`startup: node -e '' median ${b.toFixed(1)} ms; sandcheck scan (1 small manifest) median ${s.toFixed(1)} ms; ratio ${(s / b).toFixed(2)}x (target <= 1.5x), ${runs} runs each`);
