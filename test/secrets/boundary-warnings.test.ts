import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Report } from '../../src/model/finding.js';
import { buildCli, runCli } from '../workflow/cli.js';
import { scan, tempTrees } from './helpers.js';

/**
 * A `trustBoundaries` selector that matches nothing the run scanned (a namespace typo, labels no
 * workload carries, a path glob relative to the wrong folder) is a warning naming the boundary, the
 * selector and its sandcheck.yaml line: in the report (rule trust-boundary-unmatched, warn) and on stderr.
 */
const tree = tempTrees('sc-tb-warn-');

function deployment(ns: string, labels: Record<string, string>): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: ${ns}
spec:
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
    spec:
      containers:
        - name: worker
          image: registry.internal/worker@sha256:${'d4'.repeat(32)}
          env:
            - name: ANTHROPIC_ENVIRONMENT_KEY
              valueFrom: { secretKeyRef: { name: env-key, key: key } }
`;
}

const CONFIG = [
  'trustBoundaries:', //                   1
  '  - name: tenant-red', //              2
  '    namespaces: [tenant-red]', //      3
  '  - name: tenant-blue', //             4
  '    namespaces:', //                    5
  '      - tenant-blu', //                 6: typo
  '      - tenant-blue', //                7
  '  - name: gpu', //                     8
  '    labels: { pool: gpu, tier: a }', // 9: no workload carries both
  '  - name: ops', //                     10
  '    paths:', //                         11
  '      - "ops/**"', //                   12
  '      - "deploy/ops/**"', //            13: written relative to the wrong folder
  '',
].join('\n');

const FILES = {
  'tenant-red.yaml': deployment('tenant-red', { pool: 'gpu' }),
  'tenant-blue.yaml': deployment('tenant-blue', { tier: 'a' }),
  'ops/.env': 'LOG_LEVEL=debug\n',
};

const warnings = (rep: Report) => rep.findings.filter((f) => f.ruleId === 'trust-boundary-unmatched');

describe('trust boundaries that match nothing', () => {
  it('warn once per useless selector, at its line of sandcheck.yaml, naming the boundary and the selector', async () => {
    const dir = tree(FILES);
    const rep = await scan(dir, parseConfig(CONFIG, 'sandcheck.yaml'));
    expect(warnings(rep).map((f) => [f.verdict, f.severity, f.checklist, `${f.location.file}:${f.location.line}`, f.target.name, f.message])).toEqual([
      ['warn', 'low', 'workload-isolation', 'sandcheck.yaml:6', 'trust boundary tenant-blue', 'Trust boundary "tenant-blue": namespace "tenant-blu" matches no object of the scan (namespaces in the scan: tenant-blue, tenant-red)'],
      ['warn', 'low', 'workload-isolation', 'sandcheck.yaml:9', 'trust boundary gpu', 'Trust boundary "gpu": labels {pool: gpu, tier: a} match no workload of the scan'],
      [
        'warn',
        'low',
        'workload-isolation',
        'sandcheck.yaml:13',
        'trust boundary ops',
        'Trust boundary "ops": paths "deploy/ops/**" matches none of the scanned files (globs are relative to the folder of sandcheck.yaml; the files as it sees them: ops/.env, tenant-blue.yaml, tenant-red.yaml)',
      ],
    ]);
    // A warning, not a failure: the exit code is that of the run without the boundaries (the deployments fail other rules).
    expect(rep.summary.exitCode).toBe((await scan(dir)).summary.exitCode);
    expect(rep.summary.findings.fail).toBe((await scan(dir)).summary.findings.fail);
    expect(rep.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('warn');
  });

  it('say nothing when every selector matches something', async () => {
    const config = CONFIG.replace('      - tenant-blu\n', '').replace('tier: a', 'tier: b').replace('      - "deploy/ops/**"\n', '');
    const rep = await scan(tree({ ...FILES, 'tenant-blue.yaml': deployment('tenant-blue', { pool: 'gpu', tier: 'b' }) }), parseConfig(config, 'sandcheck.yaml'));
    expect(warnings(rep)).toEqual([]);
  });

  it('judge a kind of selector only when the run holds something it could match', async () => {
    // Env files only: no namespace, no workload; the paths glob is still judged.
    const envOnly = await scan(tree({ 'ops/.env': 'LOG_LEVEL=debug\n' }), parseConfig(CONFIG, 'sandcheck.yaml'));
    expect(warnings(envOnly).map((f) => f.location.line)).toEqual([13]);
  });

  it('a waiver accepts it, and an accepted warning does not make the item pass', async () => {
    const config = `${CONFIG}waivers:\n  - rule: trust-boundary-unmatched\n    target: "trust boundary *"\n    reason: the ops files are scanned in another job\n    owner: ops@example.com\n    expires: 2099-01-01\n`;
    const rep = await scan(tree({ 'ops/.env': 'LOG_LEVEL=debug\n' }), parseConfig(config, 'sandcheck.yaml', { byId: new Map(), aliases: new Map() }));
    expect(warnings(rep).map((f) => f.suppressed?.by)).toEqual(['waiver']);
    expect(rep.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('not-assessed');
  });
});

describe('the CLI', () => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  beforeAll(async () => {
    cli = await buildCli();
  }, 60_000);
  afterAll(() => cli?.cleanup());

  it('prints each warning on stderr with the config file:line, and reports it in every format; config validate checks only the syntax', () => {
    const dir = tree(FILES);
    writeFileSync(join(dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(cli.bin, ['scan', '.', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(1); // the deployments fail other rules; the warnings do not change it (see above)
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'sandcheck: warning: sandcheck.yaml:6: Trust boundary "tenant-blue": namespace "tenant-blu" matches no object of the scan (namespaces in the scan: tenant-blue, tenant-red)',
      'sandcheck: warning: sandcheck.yaml:9: Trust boundary "gpu": labels {pool: gpu, tier: a} match no workload of the scan',
      'sandcheck: warning: sandcheck.yaml:13: Trust boundary "ops": paths "deploy/ops/**" matches none of the scanned files (globs are relative to the folder of sandcheck.yaml; the files as it sees them: ops/.env, sandcheck.yaml, tenant-blue.yaml and 1 more)',
    ]);
    const report = JSON.parse(r.stdout) as Report;
    expect(warnings(report).map((f) => `${f.location.file}:${f.location.line}`)).toEqual(['sandcheck.yaml:6', 'sandcheck.yaml:9', 'sandcheck.yaml:13']);
    // From another folder with --config: the same selectors, named at the same config file.
    const elsewhere = runCli(cli.bin, ['scan', dir, '--config', join(dir, 'sandcheck.yaml'), '-q'], { cwd: join(dir, 'ops') });
    expect(elsewhere.stderr.trimEnd().split('\n').map((l) => l.replace(dir, '<dir>'))).toEqual([
      'sandcheck: warning: ../sandcheck.yaml:6: Trust boundary "tenant-blue": namespace "tenant-blu" matches no object of the scan (namespaces in the scan: tenant-blue, tenant-red)',
      'sandcheck: warning: ../sandcheck.yaml:9: Trust boundary "gpu": labels {pool: gpu, tier: a} match no workload of the scan',
      'sandcheck: warning: ../sandcheck.yaml:13: Trust boundary "ops": paths "deploy/ops/**" matches none of the scanned files (globs are relative to the folder of ../sandcheck.yaml; the files as it sees them: ops/.env, sandcheck.yaml, tenant-blue.yaml and 1 more)',
    ]);
    const text = runCli(cli.bin, ['scan', '.'], { cwd: dir });
    expect(text.stdout).toContain('  warn low trust-boundary-unmatched  A trust boundary of sandcheck.yaml matches nothing in the scan\n      sandcheck.yaml:6  trust boundary tenant-blue\n');
    const sarif = JSON.parse(runCli(cli.bin, ['scan', '.', '-f', 'sarif'], { cwd: dir }).stdout) as { runs: { results: { ruleId: string; level: string }[]; tool: { driver: { rules: { id: string; helpUri?: string }[] } } }[] };
    expect(sarif.runs[0]!.results.filter((x) => x.ruleId === 'trust-boundary-unmatched').map((x) => x.level)).toEqual(['note', 'note', 'note']);
    // Its help links to the key-storage page (it has no generated rule page).
    expect(sarif.runs[0]!.tool.driver.rules.find((x) => x.id === 'trust-boundary-unmatched')!.helpUri).toMatch(/\/docs\/key-storage\.md#trust-boundaries-workload-isolation$/);
    expect(runCli(cli.bin, ['config', 'validate'], { cwd: dir })).toMatchObject({ status: 0, stderr: '' });
  });

  it('sandcheck egress does not judge trust boundaries (it runs no rule that reads them)', () => {
    const dir = tree({ ...FILES, 'rules.v4': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\nCOMMIT\n' });
    writeFileSync(join(dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(cli.bin, ['egress', '.', '-f', 'json'], { cwd: dir });
    expect(r.stderr).not.toContain('Trust boundary');
    expect(warnings(JSON.parse(r.stdout) as Report)).toEqual([]);
  });
});
