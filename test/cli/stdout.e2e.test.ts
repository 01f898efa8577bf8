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

  it('a reader that stops early (| head) ends the run quietly, with the audit exit code', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" scan "${file}" --format json 2>"${dir}/err" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout.trim()).toBe('1');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
  });
});
