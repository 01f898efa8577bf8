import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'sandcheck.js');
const HOOK = join(ROOT, 'bench', 'rss-hook.cjs');

/** Runs node with args; returns wall milliseconds and peak RSS in MiB. */
export function timed(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', HOOK, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /__SANDCHECK_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  return { ms, rssMiB: m ? Number(m[1]) / 1024 : NaN, status: r.status, stderr: r.stderr, stdout: r.stdout };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
