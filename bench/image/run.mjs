#!/usr/bin/env node
// Image scan benchmark (issue 4): generates ~100 MiB and ~1 GiB OCI images with gzip layers into
// bench/out/ (once), then in the same run measures
//   floor:     gzip -dc <the same layer blobs> | wc -c   (the decompression floor)
//   sandcheck: sandcheck image <archive>                 (one streaming pass: outer tar, gunzip, tar, merge)
// and prints time, peak memory, the ratio to the floor (target ≤ 1.5×) and the peak-memory ratio of the
// large image to the small one (target ≤ 1.2×).
//
//   node bench/image/run.mjs [--sizes 100,1024] [--runs 3]
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, median, timed } from '../lib.mjs';
import { generate } from './generate.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('--sizes', '100,1024').split(',').map(Number);
const runs = Number(opt('--runs', '3'));
const outDir = join(ROOT, 'bench', 'out');
mkdirSync(outDir, { recursive: true });

spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });

const results = [];
for (const size of sizes) {
  process.stderr.write(`image of ${size} MiB: generating if needed …\n`);
  const { archive, dir } = await generate(outDir, size);
  const layers = JSON.parse(readFileSync(join(dir, 'layers.json'), 'utf8'));
  const blobs = layers.map((l) => join(dir, l.file));
  const uncompressed = layers.reduce((a, l) => a + l.uncompressed, 0);
  const files = layers.reduce((a, l) => a + l.files, 0);
  const floor = [];
  const scan = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const f = spawnSync('sh', ['-c', 'gzip -dc "$@" | wc -c', 'floor', ...blobs], { encoding: 'utf8' });
    floor.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (Number(f.stdout.trim()) !== uncompressed) throw new Error(`floor read ${f.stdout.trim()} bytes, expected ${uncompressed}`);
    const s = timed([BIN, 'image', archive, '-f', 'json', '-o', '/dev/null']);
    if (s.status !== 0 && s.status !== 1) throw new Error(`sandcheck image failed (exit ${s.status}):\n${s.stderr}`);
    scan.push(s.ms);
    rss.push(s.rssMiB);
  }
  const r = { size, files, uncompressedMiB: uncompressed / 2 ** 20, floorMs: median(floor), scanMs: median(scan), rssMiB: Math.max(...rss) };
  results.push(r);
  console.log(
    `${String(size).padStart(5)} MiB image (${files} files, ${r.uncompressedMiB.toFixed(0)} MiB uncompressed, 4 gzip layers): ` +
      `floor ${r.floorMs.toFixed(0)} ms, sandcheck ${r.scanMs.toFixed(0)} ms = ${(r.scanMs / r.floorMs).toFixed(2)}× the floor ` +
      `(${((r.uncompressedMiB * 1000) / r.scanMs).toFixed(0)} MiB/s), peak RSS ${r.rssMiB.toFixed(0)} MiB`,
  );
}
if (results.length >= 2) {
  const small = results[0];
  const big = results[results.length - 1];
  console.log(`peak memory ${big.size} MiB / ${small.size} MiB image: ${(big.rssMiB / small.rssMiB).toFixed(2)}× (target ≤ 1.2×)`);
}
const worst = Math.max(...results.map((r) => r.scanMs / r.floorMs));
console.log(`time vs decompression floor: worst ${worst.toFixed(2)}× (target ≤ 1.5×)`);
