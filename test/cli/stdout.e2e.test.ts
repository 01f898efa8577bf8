import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, sandcheck, tempDir } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';

// Reports are written to fd 1 directly, in 1 MiB chunks (src/util/stdout.ts); these check that
// nothing is lost or reordered, and that a reader that stops early is handled.
function manifests(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker-${i}, namespace: tenant-${i % 7}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: w\n          image: registry.example.com/w:latest\n          securityContext: {privileged: true}`);
  }
  return docs.join('\n---\n') + '\n';
}

describe('report on standard output', () => {
  const dir = tempDir();
  const file = join(dir, 'many.yaml');
  writeFileSync(file, manifests(600));

  it('a report of several MiB through a pipe is byte for byte the report written with --output', () => {
    const piped = spawnSync(process.execPath, [BIN, 'scan', file, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
    expect(piped.status).toBe(1);
    const out = join(dir, 'report.json');
    expect(sandcheck(['scan', file, '--format', 'json', '--output', out, '-q']).code).toBe(1);
    const written = readFileSync(out, 'utf8');
    expect(written.length).toBeGreaterThan(2 * (1 << 20));
    const stamp = /"generatedAt": "[^"]+"/;
    expect(piped.stdout.replace(stamp, '')).toBe(written.replace(stamp, ''));
  });

  it('a non-blocking standard output that fills up loses nothing (the rest goes through process.stdout)', () => {
    // fd 1 is a pipe set O_NONBLOCK, read only after a pause: the direct writes meet EAGAIN.
    const out = join(dir, 'nonblocking.json');
    const py = [
      'import fcntl, os, subprocess, sys, time',
      'r, w = os.pipe()',
      'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
      'p = subprocess.Popen(sys.argv[2:], stdout=w)',
      'os.close(w)',
      'time.sleep(1)',
      'data = b""',
      'while True:',
      '    chunk = os.read(r, 1 << 16)',
      '    if not chunk: break',
      '    data += chunk',
      'open(sys.argv[1], "wb").write(data)',
      'sys.exit(p.wait())',
    ].join('\n');
    const r = spawnSync('python3', ['-c', py, out, process.execPath, BIN, 'scan', file, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const ref = join(dir, 'ref.json');
    sandcheck(['scan', file, '--format', 'json', '--output', ref, '-q']);
    const stamp = /"generatedAt": "[^"]+"/;
    expect(readFileSync(out, 'utf8').replace(stamp, '')).toBe(readFileSync(ref, 'utf8').replace(stamp, ''));
  });

  it('a reader that stops early (| head) ends the run quietly, with the audit exit code', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" scan "${file}" --format json 2>"${dir}/err" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout.trim()).toBe('1');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
  });
});
