import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandcheck, tempDir } from '../helpers/cli.js';

/** `--output` and `--format FORMAT=FILE` to a path whose folder does not exist yet (a CI `reports/` folder). */
describe('report files', () => {
  it('creates the missing folders of --output and writes the report (exit code of the audit)', () => {
    const dir = tempDir();
    const out = join(dir, 'reports', 'nested', 'sandcheck.json');
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', 'json', '--output', out]);
    expect(r.stderr).not.toContain('cannot write');
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.exitCode).toBe(1);
  });

  it('creates the folder of a --format FORMAT=FILE destination', () => {
    const dir = tempDir();
    const out = join(dir, 'sarif', 'sandcheck.sarif');
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', `sarif=${out}`]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  it.skipIf(process.getuid?.() === 0)('names the file and the reason in words when it cannot be written (exit 2)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o500);
    const out = join(dir, 'locked', 'r.json');
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', 'json', '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${out}: permission denied`);
  });

  it('names a destination that is a folder in words (exit 2)', () => {
    const dir = tempDir();
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', 'json', '--output', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${dir}: is a folder`);
  });
});
if (process.getuid?.() === 0) console.log('test/trial-spine/output-file.test.ts: the permission-denied case is skipped when run as root (root writes into a read-only folder)');
