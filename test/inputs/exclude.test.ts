import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPaths } from '../../src/inputs/collect.js';
import { exclusions } from '../../src/inputs/exclude.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: worker}\nspec:\n  containers:\n    - name: worker\n      image: registry.example.com/worker:1.0\n';
const JINJA = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ name }}\n  labels: {% for l in labels %}\n';

/** A repository with a manifest, a Jinja template named .yaml, and a broken test fixture. */
function repo(): string {
  const dir = tempDir();
  for (const d of ['app/templates', 'test/fixtures/broken', 'docs/templates']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'app/deploy.yaml'), POD);
  writeFileSync(join(dir, 'app/templates/worker.j2.yaml'), JINJA);
  writeFileSync(join(dir, 'docs/templates/example.yaml'), POD);
  writeFileSync(join(dir, 'test/fixtures/broken/bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: [\n');
  return dir;
}

const rows = (c: Awaited<ReturnType<typeof collectPaths>>) => c.inputs.map((i) => `${i.status} ${i.path}${i.status === 'skipped' ? ` (${i.reason})` : i.status === 'error' ? ` (${i.error})` : ''}`);

describe('exclusions of folder walks', () => {
  it('a glob without / matches a name at any depth; a folder that matches is listed once and not entered', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'app/deploy.yaml.bak'), 'not: [yaml\n');
    const c = await collectPaths(['.'], { cwd: dir, exclude: exclusions(['templates', '*.yaml.bak'], dir, '--exclude') });
    expect(rows(c)).toEqual([
      'parsed app/deploy.yaml',
      'skipped app/deploy.yaml.bak (excluded by --exclude *.yaml.bak)',
      'skipped app/templates (excluded by --exclude templates)',
      'skipped docs/templates (excluded by --exclude templates)',
      expect.stringMatching(/^error test\/fixtures\/broken\/bad\.yaml \(.*not valid YAML/),
    ]);
  });

  it('a glob with / matches the path from its base; ** crosses folders; a trailing / is a folder prefix', async () => {
    const dir = repo();
    const c = await collectPaths(['.'], { cwd: dir, exclude: exclusions(['app/**/*.j2.yaml', 'test/fixtures/'], dir, 'sandcheck.yaml') });
    expect(rows(c)).toEqual([
      'parsed app/deploy.yaml',
      'skipped app/templates/worker.j2.yaml (excluded by sandcheck.yaml app/**/*.j2.yaml)',
      'parsed docs/templates/example.yaml',
      'skipped test/fixtures (excluded by sandcheck.yaml test/fixtures/)',
    ]);
  });

  it('a path glob relative to another base does not match outside it; paths named on the command line are always read', async () => {
    const dir = repo();
    const elsewhere = join(dir, 'docs');
    const c = await collectPaths(['app', 'test/fixtures/broken/bad.yaml'], { cwd: dir, exclude: exclusions(['app/templates/', 'bad.yaml'], elsewhere, '--exclude') });
    expect(rows(c)).toEqual([
      'parsed app/deploy.yaml',
      expect.stringMatching(/^error app\/templates\/worker\.j2\.yaml \(.*not valid YAML/),
      expect.stringMatching(/^error test\/fixtures\/broken\/bad\.yaml \(.*not valid YAML/),
    ]);
  });
});

describe('binary files', () => {
  it('binary content under a configuration file name is an input error; git-crypt files and other binaries are skipped', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deploy.yaml'), Buffer.from('kind: Pod\0\x01\x02', 'latin1'));
    writeFileSync(join(dir, 'secrets.yaml'), Buffer.concat([Buffer.from('\0GITCRYPT\0', 'latin1'), Buffer.from([1, 2, 3])]));
    writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    writeFileSync(join(dir, 'Dockerfile'), Buffer.from('FROM scratch\0', 'latin1'));
    const c = await collectPaths(['.'], { cwd: dir });
    expect(rows(c)).toEqual([
      'error Dockerfile (Dockerfile: binary content in a file named as a configuration file (corrupt, or encrypted?))',
      'error deploy.yaml (deploy.yaml: binary content in a file named as a configuration file (corrupt, or encrypted?))',
      'skipped logo.png (binary file)',
      'skipped secrets.yaml (encrypted with git-crypt)',
    ]);
  });
});

describe('sandcheck scan --exclude and exclude: in sandcheck.yaml', () => {
  it('without exclusions the template breaks the gate (exit 2); --exclude restores it and the report lists what was left out', () => {
    const dir = repo();
    expect(sandcheck(['scan', '.', '--format', 'json'], { cwd: dir }).code).toBe(2);
    const r = sandcheck(['scan', '.', '--format', 'json', '--exclude', '*.j2.yaml', '--exclude', 'test/fixtures/'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = json<{ inputs: { path: string; status: string; reason?: string }[] }>(r);
    expect(report.inputs.filter((i) => i.status === 'skipped').map((i) => `${i.path}: ${i.reason}`)).toEqual([
      'app/templates/worker.j2.yaml: excluded by --exclude *.j2.yaml',
      'test/fixtures: excluded by --exclude test/fixtures/',
    ]);
  });

  it('exclude: globs are relative to the folder of sandcheck.yaml, whatever the working directory', () => {
    const dir = repo();
    writeFileSync(join(dir, 'sandcheck.yaml'), 'exclude:\n  - app/templates/\n  - test/**/bad.yaml\n');
    const r = sandcheck(['scan', dir, '--config', join(dir, 'sandcheck.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const skipped = json<{ inputs: { path: string; status: string; reason?: string }[] }>(r).inputs.filter((i) => i.status === 'skipped' && i.reason!.startsWith('excluded'));
    expect(skipped.map((i) => i.path.slice(i.path.indexOf('/app/') >= 0 ? i.path.indexOf('/app/') + 1 : i.path.indexOf('/test/') + 1))).toEqual(['app/templates', 'test/fixtures/broken/bad.yaml']);
  });

  it('an exclude entry that is not a string is a config error at its line (exit 2)', () => {
    const dir = repo();
    writeFileSync(join(dir, 'sandcheck.yaml'), 'exclude:\n  - 7\n');
    const r = sandcheck(['scan', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sandcheck.yaml:2:5: /exclude/0: must be string');
  });
});
