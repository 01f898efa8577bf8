#!/usr/bin/env node
// What dist/sandcheck.cjs holds, by package and source folder, largest first: the start-up path of
// bench/startup. Reads the metafile scripts/build.mjs leaves in node_modules/.cache/.
import { readFileSync } from 'node:fs';

const meta = JSON.parse(readFileSync('node_modules/.cache/sandcheck-bundle-meta.json', 'utf8'));
for (const [file, out] of Object.entries(meta.outputs)) {
  if (!file.endsWith('.cjs')) continue;
  const parts = {};
  for (const [f, v] of Object.entries(out.inputs)) {
    const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const k = m ? m[1] : f.replace(/^src\//, '').split('/').slice(0, 2).join('/');
    parts[k] = (parts[k] ?? 0) + v.bytesInOutput;
  }
  console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KiB`);
  for (const [k, v] of Object.entries(parts).sort((a, b) => b[1] - a[1]).filter(([, v]) => v > 0)) console.log(`  ${(v / 1024).toFixed(1).padStart(7)} KiB  ${k}`);
}
