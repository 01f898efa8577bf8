import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// bin/sandcheck.js compiles the built files (already wrapped as Module.wrap would) with the code
// caches the build recorded. The caches are what keep start-up low; a rejected cache changes no
// result, only the speed, so nothing else would notice it.
const root = resolve(__dirname, '..', '..');
const bin = join(root, 'bin', 'sandcheck.js');
const scratch = mkdtempSync(join(root, 'node_modules', '.cache', 'launcher-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the launcher and the built files', () => {
  it.each(['sandcheck.cjs', 'builtin-rules.cjs'])('V8 accepts the code cache recorded for dist/%s', (name) => {
    const file = join(root, 'dist', name);
    const rejected = execFileSync(process.execPath, ['-e', `
      const { readFileSync } = require('node:fs');
      const vm = require('node:vm');
      const file = ${JSON.stringify(file)};
      const script = new vm.Script(readFileSync(file, 'latin1'), { filename: file, cachedData: readFileSync(file + '.cache') });
      process.stdout.write(String(script.cachedDataRejected));`], { encoding: 'utf8' });
    expect(rejected).toBe('false');
  });

  it('each built file is one wrapper function, so the launcher compiles it without a second copy', () => {
    for (const name of ['sandcheck.cjs', 'builtin-rules.cjs']) {
      const text = readFileSync(join(root, 'dist', name), 'latin1');
      expect(text.startsWith('(function (exports, require, module, __filename, __dirname) { '), name).toBe(true);
      expect(text.replace(/\/\/# sourceMappingURL=.*\s*$/, '').trimEnd().endsWith('\n});'), name).toBe(true);
    }
  });

  it('a missing build or a build from before the wrapper: exit 2 with what to run, never a crash', () => {
    const missing = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env: { ...process.env, SANDCHECK_DIST: join(scratch, 'none') } });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('the CLI is not built; run `npm install`');

    const old = join(scratch, 'old');
    mkdirSync(old);
    writeFileSync(join(old, 'sandcheck.cjs'), '"use strict";module.exports={};\n');
    const stale = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env: { ...process.env, SANDCHECK_DIST: old } });
    expect(stale.status).toBe(2);
    expect(stale.stderr).toBe(`sandcheck: ${join(old, 'sandcheck.cjs')} is from an older build; run \`npm run build\` in the package folder\n`);
  });

  it('a cache V8 rejects (here: from another file) only costs speed: the scan still works', () => {
    const dist = join(scratch, 'foreign-cache');
    mkdirSync(dist);
    copyFileSync(join(root, 'dist', 'sandcheck.cjs'), join(dist, 'sandcheck.cjs'));
    copyFileSync(join(root, 'dist', 'builtin-rules.cjs.cache'), join(dist, 'sandcheck.cjs.cache'));
    const run = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env: { ...process.env, SANDCHECK_DIST: dist } });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    expect(run.status).toBe(0);
  });
});
