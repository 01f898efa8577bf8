import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';
import { STARTER_CONFIG } from '../../src/cli/init.js';
import { REPO, buildCli, runCli } from './cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.cleanup());

describe('sandcheck config schema', () => {
  it('prints the schema the loader validates sandcheck.yaml with (the package ships the same text: package.test.ts)', () => {
    const r = runCli(cli.bin, ['config', 'schema']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });
});

describe('sandcheck init', () => {
  it('writes a starter config that validates as written and with every example uncommented', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-init-'));
    const r = runCli(cli.bin, ['init'], { cwd: dir });
    expect(r.status).toBe(0);
    const text = readFileSync(join(dir, 'sandcheck.yaml'), 'utf8');
    expect(text).toBe(STARTER_CONFIG);
    expect(parseConfig(text, 'sandcheck.yaml')).toMatchObject({ waivers: [], attestations: [], keys: { maxAgeDays: 90 } });
    // Uncomment the examples the way a user would: drop `[]` from the key and the `#` before each item line.
    const filled = text
      .replace(/: \[\]\n((?:#  .*\n)+)/g, (_m, block: string) => ':\n' + block.replace(/^#/gm, ''))
      .replace(/^# (egress:\n(?:#   .*\n)+)/m, (_m, block: string) => block.replace(/^# {3}/gm, '  '));
    const config = parseConfig(filled, 'sandcheck.yaml');
    expect(config.waivers).toEqual([{ rule: 'container-run-as-root', target: 'legacy/Deployment/importer*', reason: 'Vendor image runs as root; replacement tracked in OPS-123', owner: 'platform-team@example.com', expires: '2026-12-31' }]);
    expect(config.attestations[0]).toMatchObject({ item: 'session-data', by: 'security@example.com', expires: '2026-07-15' });
    expect(config.trustBoundaries).toEqual([{ name: 'tenant-a', namespaces: ['tenant-a-sandbox'] }]);
    expect(config.egress).toEqual({
      contexts: [{ kind: 'host-process', uid: 10001 }],
      allow: [{ cidr: '160.79.104.0/23', host: 'api.anthropic.com', proto: 'tcp', ports: [443] }],
      internal: [{ cidr: '10.20.0.15/32', proto: 'tcp', ports: [5432], name: 'job-queue' }],
      dns: { resolvers: ['10.96.0.10'] },
      ipv6: 'auto',
    });
  });

  it('refuses to overwrite an existing file (exit 2, file untouched)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-init-'));
    writeFileSync(join(dir, 'sandcheck.yaml'), 'waivers: []\n');
    const r = runCli(cli.bin, ['init'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sandcheck: sandcheck.yaml already exists; not overwriting it (edit it, or remove it first)\n');
    expect(readFileSync(join(dir, 'sandcheck.yaml'), 'utf8')).toBe('waivers: []\n');
  });

  it('a starter written elsewhere than ./sandcheck.yaml says how scans use it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-init-'));
    mkdirSync(join(dir, 'deploy'));
    const r = runCli(cli.bin, ['init', 'deploy/sandcheck.yaml'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'wrote deploy/sandcheck.yaml; check it with: sandcheck config validate deploy/sandcheck.yaml; scans use it with --config deploy/sandcheck.yaml (without it, only ./sandcheck.yaml is read)\n', '']);
    const here = runCli(cli.bin, ['init', './sandcheck.yaml'], { cwd: dir });
    expect([here.status, here.stdout]).toEqual([0, 'wrote ./sandcheck.yaml; check it with: sandcheck config validate ./sandcheck.yaml\n']);
  });

  it('a path it cannot write is named with the reason in words, not an errno code (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-init-'));
    writeFileSync(join(dir, 'deploy'), 'a file, not a folder\n');
    const r = runCli(cli.bin, ['init', 'deploy/sandcheck.yaml'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'sandcheck: cannot write deploy/sandcheck.yaml: a part of the path is a file, not a folder\n']);
  });
});

describe('sandcheck docs', () => {
  it('an output folder it cannot write is exit 2 with the folder and the reason, never an internal error with a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-docs-'));
    writeFileSync(join(dir, 'site'), 'a file, not a folder\n');
    const r = runCli(cli.bin, ['docs', '--out', 'site'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'sandcheck: cannot write the rule pages to site/rules: a part of the path is a file, not a folder\n']);
  });
});

describe('sandcheck config validate', () => {
  it('exits 2 with file:line and the reason for an invalid config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-config-'));
    writeFileSync(join(dir, 'sandcheck.yaml'), 'version: 1\nwaivers:\n  - rule: container-privileged\n    target: "*"\n    reasn: typo\n');
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect(r.status).toBe(2);
    // The typo is named with the key it meant (no "reason is missing" beside it); owner is really missing.
    expect(r.stderr).toBe('sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0: missing required key "owner"\n  sandcheck.yaml:5:5: /waivers/0: unknown key "reasn" (did you mean "reason"?)\n');
    const ok = runCli(cli.bin, ['config', 'validate', join(REPO, 'fixtures/workflow/config/waivers.yaml')]);
    expect(ok.status).toBe(0);
  });

  it('with no file named and no sandcheck.yaml in the folder, says where it looked and what to do (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-config-'));
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'sandcheck: no sandcheck.yaml in the current folder: name one (sandcheck config validate FILE), or write a starter with sandcheck init\n']);
    // A file named on the command line that does not exist is still an invalid --config.
    const named = runCli(cli.bin, ['config', 'validate', 'prod.yaml'], { cwd: dir });
    expect([named.status, named.stderr]).toEqual([2, 'sandcheck: invalid config prod.yaml: config file does not exist\n']);
  });

  it('names a folder above the working directory given as the config by its absolute path, never as `../..`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-config-'));
    const work = join(dir, 'a', 'b');
    mkdirSync(work, { recursive: true });
    const folder = runCli(cli.bin, ['config', 'validate', dir], { cwd: work });
    expect([folder.status, folder.stderr]).toEqual([2, `sandcheck: invalid config ${dir}: cannot read: is a folder, not a file\n`]);
    writeFileSync(join(dir, 'sandcheck.yaml'), 'bogus: 1\n');
    const bad = runCli(cli.bin, ['config', 'validate', '../../sandcheck.yaml'], { cwd: work });
    // A file above it stays relative, as written.
    expect([bad.status, bad.stderr]).toEqual([2, 'sandcheck: invalid config ../../sandcheck.yaml:1:1: (top level): unknown key "bogus"\n']);
  });

  it('reports every problem in one run, in line order: impossible dates, inexact CIDRs, unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-config-'));
    const text = [
      'version: 1',
      'waivers:',
      '  - {rule: container-privileged, target: "*", reason: lab, owner: me, expires: 2026-13-40}',
      'bogus: 1',
      'egress:',
      '  allow:',
      '    - {cidr: 160.79.104.0/33, ports: [443]}',
      '    - {cidr: 160.79.105.0/23, ports: [443]}',
      '    - {cidr: "2607:6bc0::/48", ports: [443]}',
      '  dns:',
      '    resolvers: [10.96.0.10, 300.1.1.1]',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'sandcheck.yaml'), text);
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'sandcheck: invalid config sandcheck.yaml:3:71: /waivers/0/expires: must be a valid date (YYYY-MM-DD, a day that exists)',
      '  sandcheck.yaml:4:1: (top level): unknown key "bogus"',
      '  sandcheck.yaml:7:8: /egress/allow/0/cidr: "/33" is not a prefix length for IPv4 (0-32)',
      '  sandcheck.yaml:8:8: /egress/allow/1/cidr: "160.79.105.0/23" has host bits set; the block is 160.79.104.0/23 (write that, or the address alone)',
      '  sandcheck.yaml:11:29: /egress/dns/resolvers/1: "300.1.1.1" is not an IPv4 (a.b.c.d) or IPv6 address',
    ]);
    // The same config with a real date and exact blocks is valid.
    writeFileSync(join(dir, 'sandcheck.yaml'), text.replace('2026-13-40', '2026-12-31').replace('bogus: 1\n', '').replace('/33', '/23').replace('160.79.105.0/23', '160.79.104.0/23').replace('300.1.1.1', '10.96.0.11'));
    expect(runCli(cli.bin, ['config', 'validate'], { cwd: dir }).status).toBe(0);
  });
});
