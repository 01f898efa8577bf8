#!/usr/bin/env node
// Secret-detection benchmark: generates (once) a reproducible corpus with planted secrets and
// decoys, then in one run measures, each in its own process, Node merely reading the files,
// sandcheck's detector through the env-file and text-file handlers (bench/secrets/measure.ts), and
// secretlint 12 with its recommended preset. Prints recall, precision, throughput and peak memory for
// each, and the ratios the issue sets as targets. Memory is also measured on a corpus a tenth the size
// (same generator), for the detector and for the whole CLI (`sandcheck scan … --format json`, from dist/).
//
//   node bench/secrets/run.mjs [--size-mb 50] [--small-mb 5] [--seed 1] [--runs 3] [--secretlint-runs 1] [--no-secretlint]
//                              [--reuse-secretlint] [--no-cli] [--regenerate] [--generate-only] [--show-misses]
// secretlint 12's always-on profiler makes it quadratic in the number of files (secretlint#1633):
// expect many minutes on 50 MB; --reuse-secretlint re-scores the last secretlint run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'bench/out');
const opts = parseArgs(process.argv.slice(2));
const corpusOf = (sizeMb) => join(outDir, `secrets-corpus-${sizeMb}mb-s${opts.seed}`);
const corpus = corpusOf(opts.sizeMb);
const small = corpusOf(opts.smallMb);
const manifestPath = `${corpus}.manifest.json`;
mkdirSync(outDir, { recursive: true });

const bundle = join(outDir, 'secrets-bench.mjs');
await build({ entryPoints: [join(root, 'bench/secrets/main.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });

for (const [dir, sizeMb] of [[corpus, opts.sizeMb], [small, opts.smallMb]]) {
  if (opts.regenerate || !existsSync(`${dir}.manifest.json`)) {
    process.stderr.write(`generating ${sizeMb} MB corpus (seed ${opts.seed}) in ${relative(root, dir)} …\n`);
    await run(process.execPath, [bundle, 'generate', dir, String(sizeMb), String(opts.seed)]);
  }
}
if (opts.generateOnly) process.exit(0);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const mb = manifest.bytes / 1024 / 1024;
console.log(`corpus: ${manifest.files} files, ${mb.toFixed(1)} MB, ${manifest.planted.length} planted secrets, ${manifest.decoys} decoys (seed ${manifest.seed})`);

const results = {};
results.read = await repeat(opts.runs, () => run(process.execPath, [bundle, 'read', corpus]).then(parseJsonLine));
results.sandcheck = await repeat(opts.runs, () => run(process.execPath, [bundle, 'sandcheck', corpus]).then(parseJsonLine));
if (opts.secretlint) results.secretlint = await repeat(opts.secretlintRuns, () => secretlintOnce());
// Steady state: three passes in one process each; the last pass runs compiled code.
const steady = {
  read: await repeat(opts.runs, () => run(process.execPath, [bundle, 'read', corpus, '3']).then(parseJsonLine).then((r) => ({ ...r, seconds: r.passes.at(-1) }))),
  sandcheck: await repeat(opts.runs, () => run(process.execPath, [bundle, 'sandcheck', corpus, '3']).then(parseJsonLine).then((r) => ({ ...r, seconds: r.passes.at(-1) }))),
};
// Memory against corpus size: the same measurements on the small corpus.
const smallRead = await repeat(opts.runs, () => run(process.execPath, [bundle, 'read', small]).then(parseJsonLine));
const smallSandcheck = await repeat(opts.runs, () => run(process.execPath, [bundle, 'sandcheck', small]).then(parseJsonLine));
// What a run keeps (heap after a full collection at the end, results held): separate runs, since
// --expose-gc's collection must not count in the timed or peak figures above.
const live = {};
for (const [key, mode, dir] of [['smallRead', 'read', small], ['read', 'read', corpus], ['smallSandcheck', 'sandcheck', small], ['sandcheck', 'sandcheck', corpus]]) {
  live[key] = (await run(process.execPath, ['--expose-gc', bundle, mode, dir]).then(parseJsonLine)).liveMb;
}
const cliBin = join(root, 'bin/sandcheck.js');
const cli = opts.cli && existsSync(join(root, 'dist'))
  ? { small: await cliOnce(small), large: await cliOnce(corpus) }
  : null;

const rows = [];
for (const [name, r] of Object.entries(results)) {
  const q = name === 'read' ? null : score(r.findings);
  rows.push({ tool: name, seconds: r.seconds, mbps: mb / r.seconds, peakMb: r.peakKb / 1024, ...q });
}
console.log('');
console.log(pad('tool', 12) + pad('median s', 10) + pad('MB/s', 9) + pad('peak RSS MB', 13) + pad('recall', 8) + pad('precision', 10) + 'TP/FP/FN');
for (const r of rows) {
  console.log(
    pad(r.tool, 12) + pad(r.seconds.toFixed(2), 10) + pad(r.mbps.toFixed(1), 9) + pad(r.peakMb.toFixed(0), 13) +
      pad(r.recall === undefined ? '-' : r.recall.toFixed(3), 8) + pad(r.precision === undefined ? '-' : r.precision.toFixed(3), 10) +
      (r.tp === undefined ? '-' : `${r.tp}/${r.fp}/${r.fn}`),
  );
}
const sc = rows.find((r) => r.tool === 'sandcheck');
const rd = rows.find((r) => r.tool === 'read');
const sl = rows.find((r) => r.tool === 'secretlint');
console.log('');
console.log(`sandcheck time / read-only time: ${(sc.seconds / rd.seconds).toFixed(2)} (target ≤ 2; one cold pass per process, as a CLI run)`);
console.log(`  steady state (third pass in one process): read ${steady.read.seconds.toFixed(2)} s, sandcheck ${steady.sandcheck.seconds.toFixed(2)} s, ratio ${(steady.sandcheck.seconds / steady.read.seconds).toFixed(2)}`);
if (sl) console.log(`sandcheck throughput / secretlint: ${(sc.mbps / sl.mbps).toFixed(1)}× (target ≥ 3)`);
console.log(`recall ${sc.recall.toFixed(3)} (target ≥ 0.95), precision ${sc.precision.toFixed(3)} (target ≥ 0.98)`);
console.log('');
console.log(`peak RSS against corpus size (${opts.smallMb} MB → ${opts.sizeMb} MB):`);
const mem = (label, a, b) => console.log(`  ${pad(label, 44)} ${pad(`${(a / 1024).toFixed(0)} MB → ${(b / 1024).toFixed(0)} MB`, 20)} (×${(b / a).toFixed(2)})`);
mem('read only', smallRead.peakKb, results.read.peakKb);
mem('sandcheck detector (through the handlers)', smallSandcheck.peakKb, results.sandcheck.peakKb);
console.log(`live heap at the end (full collection, results held): read ${live.smallRead.toFixed(1)} → ${live.read.toFixed(1)} MB; detector ${live.smallSandcheck.toFixed(1)} → ${live.sandcheck.toFixed(1)} MB`);
console.log(`  kept per file: ${((((live.sandcheck - live.smallSandcheck) - (live.read - live.smallRead)) * 1e3) / (results.sandcheck.files - smallSandcheck.files)).toFixed(2)} KB (the detector's live heap growth beyond the read-only run's, over the files added: its inputs list, targets and findings)`);
if (cli) {
  mem('sandcheck scan --format json (whole CLI)', cli.small.peakKb, cli.large.peakKb);
  console.log(`  (CLI wall time ${cli.small.wall.toFixed(1)} s → ${cli.large.wall.toFixed(1)} s)`);
} else console.log(`  whole CLI: not measured (${opts.cli ? 'no dist/: run npm run build' : '--no-cli'})`);
console.log('\nsandcheck recall by kind:');
for (const [kind, v] of Object.entries(sc.byKind).sort()) console.log(`  ${pad(kind, 30)} ${v.found}/${v.total}`);
if (sl) {
  console.log('\nsecretlint recall by kind:');
  for (const [kind, v] of Object.entries(sl.byKind).sort()) console.log(`  ${pad(kind, 30)} ${v.found}/${v.total}`);
}
if (opts.showMisses) {
  console.log('\nsandcheck misses:', JSON.stringify(sc.misses.slice(0, 20), null, 1));
  console.log('sandcheck false positives:', JSON.stringify(sc.fps.slice(0, 20), null, 1));
}

// ---------------------------------------------------------------------------------------------

function score(findings) {
  const byFile = new Map();
  for (const p of manifest.planted) {
    const list = byFile.get(p.file) ?? [];
    list.push({ ...p, found: false });
    byFile.set(p.file, list);
  }
  let tp = 0;
  let fp = 0;
  const fps = [];
  for (const f of findings) {
    // A finding counts for a planted secret when its line span overlaps the secret's lines.
    const end = f.endLine ?? f.line;
    const hit = (byFile.get(f.file) ?? []).filter((p) => f.line <= p.endLine && end >= p.line);
    if (hit.length > 0) {
      tp++;
      for (const p of hit) p.found = true;
    } else {
      fp++;
      fps.push(f);
    }
  }
  const byKind = {};
  const misses = [];
  for (const list of byFile.values()) {
    for (const p of list) {
      const k = (byKind[p.kind] ??= { found: 0, total: 0 });
      k.total++;
      if (p.found) k.found++;
      else misses.push(p);
    }
  }
  const fn = misses.length;
  const found = manifest.planted.length - fn;
  return { recall: found / manifest.planted.length, precision: tp + fp === 0 ? 1 : tp / (tp + fp), tp, fp, fn, byKind, misses, fps };
}

async function runSecretlint() {
  const rc = join(outDir, 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const output = join(outDir, 'secretlint-result.json');
  const bin = join(root, 'node_modules/secretlint/bin/secretlint.js');
  // Run from inside the corpus: secretlint honours .gitignore files, and bench/out is git-ignored.
  const t = await run(process.execPath, [bin, '--secretlintrc', rc, '--format', 'json', '--output', output, '--no-color', '**/*'], { cwd: corpus, okCodes: [0, 1] });
  const results = JSON.parse(readFileSync(output, 'utf8'));
  const findings = [];
  for (const r of results) {
    for (const m of r.messages ?? []) findings.push({ file: relative(corpus, resolve(corpus, r.filePath)), line: m.loc?.start?.line ?? 0, endLine: m.loc?.end?.line ?? m.loc?.start?.line ?? 0, detector: m.ruleId });
  }
  return { seconds: t.seconds, peakKb: t.peakKb, findings, files: results.length };
}

/** secretlint takes minutes on this corpus: --reuse-secretlint re-scores its last result and timing. */
async function secretlintOnce() {
  const timing = join(outDir, `secretlint-timing-${opts.sizeMb}mb-s${opts.seed}.json`);
  if (opts.reuseSecretlint && existsSync(timing)) {
    const t = JSON.parse(readFileSync(timing, 'utf8'));
    process.stderr.write(`secretlint: reusing the result of ${t.date} (${t.seconds.toFixed(1)} s)\n`);
    return { ...(await scoreSecretlintFile()), seconds: t.seconds, peakKb: t.peakKb };
  }
  const r = await runSecretlint();
  writeFileSync(timing, JSON.stringify({ seconds: r.seconds, peakKb: r.peakKb, date: new Date().toISOString() }));
  return r;
}

async function scoreSecretlintFile() {
  const results = JSON.parse(readFileSync(join(outDir, 'secretlint-result.json'), 'utf8'));
  const findings = [];
  for (const r of results) {
    for (const m of r.messages ?? []) findings.push({ file: relative(corpus, resolve(corpus, r.filePath)), line: m.loc?.start?.line ?? 0, endLine: m.loc?.end?.line ?? m.loc?.start?.line ?? 0, detector: m.ruleId });
  }
  return { findings };
}

/** The child's stdout: one JSON line per finding, then the summary line. */
function parseJsonLine(t) {
  const lines = t.stdout.trim().split('\n');
  const summary = JSON.parse(lines.pop());
  return { ...summary, findings: lines.filter(Boolean).map((l) => JSON.parse(l)), peakKb: t.peakKb };
}

/** The real CLI end to end (every handler, every rule, the JSON report), for its peak memory. */
async function cliOnce(dir) {
  return run(process.execPath, [cliBin, 'scan', dir, '--format', 'json', '-o', '/dev/null', '--quiet'], { okCodes: [0, 1], quietStderr: true });
}

async function repeat(n, fn) {
  const all = [];
  for (let i = 0; i < n; i++) all.push(await fn());
  all.sort((a, b) => a.seconds - b.seconds);
  const median = all[Math.floor((all.length - 1) / 2)];
  return { ...median, peakKb: Math.max(...all.map((a) => a.peakKb)) };
}

/** Runs a process and samples its peak RSS (VmHWM) from /proc until it exits. */
function run(cmd, args, { cwd = root, okCodes = [0], quietStderr = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', quietStderr ? 'ignore' : 'inherit'] });
    let stdout = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (stdout += d));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (!okCodes.includes(code)) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`));
      // In-process timing (excludes Node start-up) when the child reports it; wall time otherwise.
      let seconds = wall;
      try {
        const j = JSON.parse(stdout.trim().split('\n').pop());
        if (typeof j.seconds === 'number') seconds = j.seconds;
      } catch {
        /* not JSON */
      }
      resolvePromise({ stdout, seconds, peakKb, wall });
    });
  });
}

function parseArgs(argv) {
  const o = { sizeMb: 50, smallMb: 5, seed: 1, runs: 3, secretlintRuns: 1, secretlint: true, cli: true, regenerate: false, showMisses: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size-mb') o.sizeMb = Number(argv[++i]);
    else if (a === '--small-mb') o.smallMb = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--secretlint-runs') o.secretlintRuns = Number(argv[++i]);
    else if (a === '--no-secretlint') o.secretlint = false;
    else if (a === '--no-cli') o.cli = false;
    else if (a === '--regenerate') o.regenerate = true;
    else if (a === '--reuse-secretlint') o.reuseSecretlint = true;
    else if (a === '--show-misses') o.showMisses = true;
    else if (a === '--generate-only') o.generateOnly = true;
    else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  return o;
}

function pad(s, n) {
  return String(s).padEnd(n);
}
