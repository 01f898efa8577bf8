#!/usr/bin/env node
// Bundles bench/pipeline/stages.ts from src/ and runs it: per-stage timings of one scan, in process.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'bench', 'out', 'pipeline-stages.mjs');
await build({ entryPoints: [join(root, 'bench/pipeline/stages.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['dockerode', 'fzstd', 'tar-stream'], banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }, logLevel: 'warning' });
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
