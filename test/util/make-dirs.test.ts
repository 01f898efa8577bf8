import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs, makeParentDirs } from '../../src/util/make-dirs.js';
import { sandcheck } from '../helpers/cli.js';

// /proc answers mkdir with ENOENT though /proc exists: Node's recursive mkdirSync retries forever there.
const procMounted = existsSync('/proc/self');

describe('makeDirs (mkdir -p for --output, --write-baseline and docs --out)', () => {
  it('makes every missing folder and accepts ones that exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-mkdirs-'));
    makeDirs(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirs(join(dir, 'a', 'b'));
    makeDirs(dir);
  });

  it('refuses a path through a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-mkdirs-'));
    writeFileSync(join(dir, 'f'), '');
    expect(() => makeDirs(join(dir, 'f', 'x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(join(dir, 'f'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it('refuses a file path that ends with a separator before making anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-mkdirs-'));
    expect(() => makeParentDirs(join(dir, 'reports', 'x') + '/')).toThrow('the path ends with "/": it names a folder, not a file');
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    makeParentDirs(join(dir, 'reports', 'x.sarif'));
    expect(statSync(join(dir, 'reports')).isDirectory()).toBe(true);
    const r = sandcheck(['scan', 'fixtures/rules/container-privileged/pass-k8s.yaml', '-q', '--write-baseline', join(dir, 'bl', 'x') + '/']);
    expect([r.code, r.stderr]).toEqual([2, `sandcheck: ${join(dir, 'bl', 'x')}/: cannot write the baseline: the path ends with "/": it names a folder, not a file\n`]);
    expect(existsSync(join(dir, 'bl'))).toBe(false);
  });

  it.skipIf(!procMounted)('returns an error under /proc instead of looping', () => {
    expect(() => makeDirs('/proc/sandcheck-none/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it.skipIf(!procMounted)('the CLI exits 2 with the reason for every output it writes there', () => {
    const args = ['scan', 'fixtures/rules/container-privileged/pass-k8s.yaml', '-q'];
    const cases: [string[], string][] = [
      [[...args, '--output', '/proc/sandcheck-none/r.json'], 'sandcheck: cannot write /proc/sandcheck-none/r.json: no such file or folder\n'],
      [[...args, '--write-baseline', '/proc/sandcheck-none/b.json'], 'sandcheck: /proc/sandcheck-none/b.json: cannot write the baseline: no such file or folder\n'],
      [['docs', '--out', '/proc/sandcheck-none'], 'sandcheck: cannot write the rule pages to /proc/sandcheck-none/rules: no such file or folder\n'],
    ];
    for (const [argv, stderr] of cases) {
      const r = sandcheck(argv);
      expect([argv.join(' '), r.code, r.stderr]).toEqual([argv.join(' '), 2, stderr]);
    }
  });
});
