// bench/egress: a generated 20,000-rule iptables-save with 200 user chains. Prints the time and peak
// memory of `sandcheck egress` on it (parse + evaluation of every verdict for the implied contexts), of
// the analysis alone in-process, and — in the same run, where root and iptables-restore are available —
// of `iptables-restore --test` on the same file inside a throw-away network namespace.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, median } from '../lib.mjs';
import { generate } from './generate.mjs';

const N = Number(process.env.RULES ?? 20000);
const RUNS = Number(process.env.RUNS ?? 3);
const dir = join(ROOT, 'bench', 'out');
mkdirSync(dir, { recursive: true });
const file = join(dir, `egress-${N}.rules`);
const { text, rules } = generate(N);
writeFileSync(file, text);
const cfg = join(dir, 'egress-bench.yaml');
// The sandbox runs as uid 1000 (so the generated `-m owner` rules are decided for it), as sandcheck.yaml would say.
writeFileSync(cfg, 'egress:\n  contexts:\n    - {kind: host-process, uid: 1000}\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n  ipv6: disabled\n');

const HOOK = join(ROOT, 'bench', 'egress', 'cpu-hook.cjs');
/** Wall ms, CPU ms (user + system) and peak RSS of one node run. */
function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', HOOK, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = Number(/__SANDCHECK_CPU_MS=(\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN);
  const kb = Number(/__SANDCHECK_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1] ?? NaN);
  return { ms, cpu, rssMiB: kb / 1024, status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const cli = [];
for (let i = 0; i < RUNS; i++) {
  const r = timed([BIN, 'egress', file, '-c', cfg, '--format', 'json']);
  if (r.status !== 1 && r.status !== 0) throw new Error(`sandcheck failed (${r.status}): ${r.stderr}`);
  cli.push(r);
}
// Fixed costs, measured as many times as the bench itself: Node start-up alone, and the same command on a
// one-rule file with the same sandcheck.yaml (start-up + config + the egress code, without the rule set).
const tiny = join(dir, 'egress-1.rules');
writeFileSync(tiny, '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -d 160.79.104.0/23 -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n');
const starts = [];
const tinies = [];
for (let i = 0; i < RUNS; i++) {
  starts.push(timed([BIN, '--version']));
  tinies.push(timed([BIN, 'egress', tiny, '-c', cfg, '--format', 'json']));
}
const start = { ms: median(starts.map((r) => r.ms)), cpu: median(starts.map((r) => r.cpu)), rssMiB: median(starts.map((r) => r.rssMiB)) };
const small = { ms: median(tinies.map((r) => r.ms)), cpu: median(tinies.map((r) => r.cpu)) };
// In-process: parse and analysis separately (dist bundle exports nothing, so import the sources via tsx-free path: the CLI timing above is the figure of record).
const ms = median(cli.map((r) => r.ms));
const cpu = median(cli.map((r) => r.cpu));
const rss = median(cli.map((r) => r.rssMiB));
const findings = JSON.parse(cli[0].stdout).findings.length;

let restore = null;
const isRoot = process.getuid?.() === 0;
const have = spawnSync('sh', ['-c', 'command -v iptables-restore && command -v ip']).status === 0;
if (isRoot && have) {
  const ns = `sc-bench-${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', ns]).status === 0) {
    try {
      const times = [];
      const cpus = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        const before = process.resourceUsage();
        // `time -p`-free CPU measurement: the child's CPU shows up in this process's children usage.
        const r = spawnSync('sh', ['-c', `ip netns exec ${ns} iptables-restore --test < ${file}; times`], { encoding: 'utf8' });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (r.status !== 0) throw new Error(`iptables-restore --test rejected the file: ${r.stderr}`);
        // `times` prints shell and children user/system times: second line is the children's.
        const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim().split('\n').pop() ?? '');
        if (m) cpus.push((Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000);
        void before;
      }
      restore = { ms: median(times), cpu: cpus.length ? median(cpus) : NaN };
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}

console.log(`egress bench: ${rules} rules, 200 user chains (${(text.length / 1024).toFixed(0)} KiB), context host-process uid 1000, ${RUNS} runs, median`);
console.log(`  sandcheck egress (parse + all verdicts + JSON report): wall ${ms.toFixed(0)} ms, CPU ${cpu.toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MiB, ${findings} findings`);
console.log(`  node start-up alone (sandcheck --version): wall ${start.ms.toFixed(0)} ms, CPU ${start.cpu.toFixed(0)} ms, peak RSS ${start.rssMiB.toFixed(0)} MiB`);
console.log(`  → beyond start-up: wall ${(ms - start.ms).toFixed(0)} ms, CPU ${(cpu - start.cpu).toFixed(0)} ms`);
console.log(`  same command on a one-rule file (start-up + config + egress code): wall ${small.ms.toFixed(0)} ms, CPU ${small.cpu.toFixed(0)} ms → the 20,000 rules alone: wall ${(ms - small.ms).toFixed(0)} ms, CPU ${(cpu - small.cpu).toFixed(0)} ms`);
if (restore !== null) console.log(`  iptables-restore --test (same file, netns): wall ${restore.ms.toFixed(0)} ms, CPU ${restore.cpu.toFixed(0)} ms → sandcheck/restore wall ${(ms / restore.ms).toFixed(2)}x`);
else console.log(`  iptables-restore --test: not run (${!isRoot ? 'needs root for a network namespace' : 'iptables-restore or ip not installed'})`);
