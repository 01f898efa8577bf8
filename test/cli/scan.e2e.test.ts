import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

const SPINE_ITEMS = ['image-hardening', 'blast-radius', 'supply-chain', 'tool-isolation'];
const ALL_ITEMS = ['image-hardening', 'egress-control', 'key-storage', 'workload-isolation', 'blast-radius', 'session-data', 'supply-chain', 'tool-isolation'];
// The hardened example declares its egress allowlist in its own sandcheck.yaml.
const HARDENED = ['fixtures/sandboxes/hardened', '--config', 'fixtures/sandboxes/hardened/sandcheck.yaml'];
type R = Record<string, any>;
const verdicts = (r: R) => Object.fromEntries(r.checklist.map((c: R) => [c.id, c.verdict]));
const where = (r: R, ruleId: string) =>
  r.findings
    .filter((f: R) => f.ruleId === ruleId && !f.suppressed)
    .map((f: R) => `${f.location.file}:${f.location.line}`)
    .sort();

describe('sandcheck scan on the example sandboxes', () => {
  it('passes the hardened sandbox on every checklist item (exit 0)', () => {
    const r = sandcheck(['scan', ...HARDENED, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = json(r);
    const v = verdicts(report);
    expect(v).toEqual(Object.fromEntries(ALL_ITEMS.map((item) => [item, 'pass'])));
    expect(report.findings.filter((f: R) => f.verdict === 'fail' && !f.suppressed)).toEqual([]);
  });

  it('fails the leaky sandbox with findings at exact file:line (exit 1)', () => {
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = json(r);
    const v = verdicts(report);
    for (const item of ALL_ITEMS.filter((i) => i !== 'session-data')) expect(v[item], item).toBe('fail');
    expect(v['session-data']).toBe('not-assessed');
    // One finding per address family, at the compose service's network_mode: host and at the firewall's OUTPUT policy.
    expect(where(report, 'egress-no-default-deny')).toEqual([
      'fixtures/sandboxes/leaky/compose/docker-compose.yml:6',
      'fixtures/sandboxes/leaky/compose/docker-compose.yml:6',
      'fixtures/sandboxes/leaky/firewall/rules.v4:6',
      'fixtures/sandboxes/leaky/firewall/rules.v4:6',
    ]);
    expect(where(report, 'egress-metadata-reachable')).toEqual(['fixtures/sandboxes/leaky/firewall/rules.v4:6']);
    const k8s = 'fixtures/sandboxes/leaky/k8s/worker.yaml';
    const compose = 'fixtures/sandboxes/leaky/compose/docker-compose.yml';
    expect(where(report, 'container-privileged')).toEqual([`${compose}:5`, `${k8s}:43`]);
    expect(where(report, 'workload-runtime-socket')).toEqual([`${compose}:12`, `${k8s}:48`]);
    expect(where(report, 'workload-host-namespace')).toEqual([`${compose}:6`, `${compose}:7`, `${k8s}:21`]);
    expect(where(report, 'container-dangerous-capability')).toEqual([`${k8s}:33`, `${k8s}:33`]);
    expect(where(report, 'secret-environment-key-literal')).toEqual([`${compose}:18`, `${k8s}:30`, 'fixtures/sandboxes/leaky/worker/.env:2']);
    expect(where(report, 'secret-key-shared-across-boundaries')).toEqual([`${compose}:18`, `${k8s}:30`]);
    expect(where(report, 'workload-shared-process-namespace')).toEqual([`${k8s}:22`]);
    expect(where(report, 'container-image-latest')).toEqual([`${k8s}:25`]);
    const service = report.inputs.find((i: R) => i.path === k8s);
    expect(service.skippedObjects).toEqual([{ kind: 'Service', name: 'agents/agent-worker', line: 54, reason: 'kind Service carries no evidence sandcheck evaluates' }]);
  });

  it('documents the JSON report shape (schemaVersion 1)', () => {
    const report = json(sandcheck(['scan', 'fixtures/sandboxes/leaky', '--format', 'json']));
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'sandcheck', version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version });
    expect(report.checklist.map((c: R) => c.id)).toEqual(['image-hardening', 'egress-control', 'key-storage', 'workload-isolation', 'blast-radius', 'session-data', 'supply-chain', 'tool-isolation']);
    const f = report.findings.find((x: R) => x.ruleId === 'container-privileged' && x.location.file.endsWith('worker.yaml'));
    expect(f).toMatchObject({
      ruleId: 'container-privileged',
      checklist: 'image-hardening',
      severity: 'critical',
      verdict: 'fail',
      message: 'Runs privileged (`securityContext.privileged: true`)',
      remediation: 'Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).',
      target: { kind: 'container', id: 'k8s:agents/Deployment/agent-worker#container=log-shipper@fixtures/sandboxes/leaky/k8s/worker.yaml', name: 'agents/Deployment/agent-worker › container log-shipper' },
      location: { file: 'fixtures/sandboxes/leaky/k8s/worker.yaml', line: 43, column: 13, pointer: '/spec/template/spec/containers/1/securityContext/privileged' },
    });
    expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(report.summary).toMatchObject({ verdict: 'fail', exitCode: 1, failOn: 'any' });
    expect(report.evaluations).toBeUndefined();
  });

  it('keeps fingerprints when lines move', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'fixtures/sandboxes/leaky/k8s/worker.yaml'), join(dir, 'worker.yaml'));
    const before = json(sandcheck(['scan', 'worker.yaml', '--format', 'json'], { cwd: dir }));
    writeFileSync(join(dir, 'worker.yaml'), '# moved down\n\n\n' + readFileSync(join(dir, 'worker.yaml'), 'utf8'));
    const after = json(sandcheck(['scan', 'worker.yaml', '--format', 'json'], { cwd: dir }));
    const fp = (r: R) => r.findings.map((f: R) => f.fingerprint).sort();
    expect(fp(after)).toEqual(fp(before));
    expect(after.findings[0].location.line).toBe(before.findings[0].location.line + 3);
  });

  it('reads stdin with -', () => {
    const input = readFileSync(join(ROOT, 'fixtures/sandboxes/leaky/k8s/worker.yaml'), 'utf8');
    const r = sandcheck(['scan', '-', '--format', 'json'], { input });
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.inputs).toMatchObject([{ path: '<stdin>', format: 'kubernetes', status: 'parsed' }]);
    expect(where(report, 'container-privileged')).toEqual(['<stdin>:43']);
  });

  it('writes the report to --output and nothing to stdout', () => {
    const dir = tempDir();
    const out = join(dir, 'report.json');
    const r = sandcheck(['scan', ...HARDENED, '--format', 'json', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  it('gates on --fail-on severity', () => {
    // Only high and lower findings here: no critical.
    const file = 'fixtures/rules/container-dangerous-capability/fail-k8s.yaml';
    expect(sandcheck(['scan', file, '--fail-on', 'critical']).code).toBe(0);
    expect(sandcheck(['scan', file, '--fail-on', 'high']).code).toBe(1);
    expect(sandcheck(['scan', file]).code).toBe(1);
  });

  it('prints the text report grouped by checklist item with file:line', () => {
    const r = sandcheck(['scan', 'fixtures/sandboxes/leaky']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    // One line per checklist item, in checklist order, each with its verdict.
    const items = lines.map((l) => /^(FAIL|PASS|WARN|ERROR|NOT ASSESSED|MANUAL)\s+(\S+)/.exec(l)).filter((m) => m !== null);
    expect(items.map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'FAIL image-hardening',
      'FAIL egress-control',
      'FAIL key-storage',
      'FAIL workload-isolation',
      'FAIL blast-radius',
      'NOT ASSESSED session-data',
      'FAIL supply-chain',
      'FAIL tool-isolation',
    ]);
    // The first rule of the first item: its places (file:line, target), messages and fixes.
    expect(lines.slice(1, 8)).toEqual([
      '  critical container-privileged  Containers must not run privileged',
      '      fixtures/sandboxes/leaky/compose/docker-compose.yml:5  compose/service worker › container worker',
      '        Runs privileged (`privileged: true`)',
      '      fixtures/sandboxes/leaky/k8s/worker.yaml:43  agents/Deployment/agent-worker › container log-shipper',
      '        Runs privileged (`securityContext.privileged: true`)',
      '      fix (compose): Remove `privileged: true`.',
      '      fix (Kubernetes): Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).',
    ]);
    expect(r.stdout).toMatch(/Exit code 1\.\n$/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('sandcheck scan fails closed', () => {
  it('reports an unparseable file with file:line and reason, still audits the rest, exits 2', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'fixtures/sandboxes/leaky/k8s/worker.yaml'), join(dir, 'good.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n');
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: input error: broken.yaml:5: not valid YAML: bad indentation of a mapping entry\n');
    const report = json(r);
    expect(report.inputs.find((i: R) => i.path === 'broken.yaml')).toMatchObject({ status: 'error' });
    expect(where(report, 'container-privileged')).toEqual(['good.yaml:43']);
    expect(report.summary.verdict).toBe('error');
    // An unreadable input never lets an item pass: what good.yaml shows fails, the rest is an error.
    expect(verdicts(report)).toEqual({
      'image-hardening': 'fail',
      'egress-control': 'fail',
      'key-storage': 'fail',
      'workload-isolation': 'error',
      'blast-radius': 'fail',
      'session-data': 'error',
      'supply-chain': 'fail',
      'tool-isolation': 'fail',
    });
  });

  it('exits 2 when nothing recognisable is found', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), '# hello\n');
    const r = sandcheck(['scan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found)\n');
  });

  it('exits 2 for a path that does not exist', () => {
    const r = sandcheck(['scan', 'no/such/path.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: input error: no/such/path.yaml: no such file or folder\n');
  });

  it('exits 2 on bad usage', () => {
    expect(sandcheck(['scan', '--format', 'xml']).code).toBe(2);
    expect(sandcheck(['scan', '--fail-on', 'severe']).code).toBe(2);
    expect(sandcheck(['frobnicate']).code).toBe(2);
  });

  it('exits 2 with file:line for a bad user rule', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'my-rule.yaml'),
      ['id: my-rule', 'title: T', 'checklist: image-hardening', 'severity: high', 'target: container', 'assert: {}', 'message: m', 'rationale: r', 'remediation: x', 'FailureMessage: typo', ''].join('\n'),
    );
    const r = sandcheck(['scan', 'fixtures/sandboxes/hardened', '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sandcheck: invalid rule ${join(dir, 'my-rule.yaml')}:10:1: (top level): unknown key "FailureMessage"\n`);
    expect(r.stdout).toBe('');
  });

  it('exits 2 with file:line for an invalid sandcheck.yaml', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sandcheck.yaml'), 'waivers:\n  - rule: container-privileged\n    reason: ok\n');
    const r = sandcheck(['scan', join(ROOT, 'fixtures/sandboxes/hardened')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: invalid config sandcheck.yaml:2:5: /waivers/0: missing required key "target"\n');
  });
});

describe('typos never waive silently', () => {
  it('rejects a waiver naming an unknown rule, at its line (exit 2)', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      'waivers:\n  - rule: container-privileged\n    target: "*"\n    reason: ok\n    owner: a@example.com\n    expires: 2099-01-01\n  - rule: container-run-as-rooot\n    target: "*"\n    reason: typo\n    owner: a@example.com\n    expires: 2099-01-01\n',
    );
    const r = sandcheck(['scan', join(ROOT, 'fixtures/sandboxes/leaky')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: invalid config sandcheck.yaml:7:5: /waivers/1/rule: unknown rule "container-run-as-rooot" (did you mean "container-run-as-root"? see `sandcheck rules`)\n');
    expect(r.stdout).toBe('');
  });

  it('requires an owner and an expiry date on every waiver', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sandcheck.yaml'), 'waivers:\n  - rule: container-privileged\n    target: "*"\n    reason: forever\n    owner: a@example.com\n');
    const r = sandcheck(['scan', join(ROOT, 'fixtures/sandboxes/leaky')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: invalid config sandcheck.yaml:2:5: /waivers/0: missing required key "expires"\n');
  });

  it('warns about an inline suppression naming an unknown rule', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ignore.sandcheck.dev/container-rootfs-writeable: "tools write to /"\nspec:\n  containers: [{name: c, image: c:1}]\n');
    const r = sandcheck(['scan', 'pod.yaml', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('sandcheck: warning: pod.yaml:6: suppression names unknown rule "container-rootfs-writeable"; it suppresses nothing (did you mean "container-rootfs-writable"?)\n');
    expect(json(r).findings.find((f: R) => f.ruleId === 'container-rootfs-writable').suppressed).toBeUndefined();
  });
});

describe('user rules, suppressions, rules and explain', () => {
  it('runs a user rule folder with the same format', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'container-no-worker-name.yaml'),
      [
        'id: container-no-worker-name',
        'title: Containers must not be called worker',
        'checklist: tool-isolation',
        'severity: low',
        'target: container',
        'given: /name',
        'assert: { not: { const: worker } }',
        'message: "Container is called {{value}}"',
        'rationale: test',
        'remediation: rename it',
        '',
      ].join('\n'),
    );
    const report = json(sandcheck(['scan', 'fixtures/sandboxes/leaky/k8s', '--rules', dir, '--format', 'json']));
    expect(where(report, 'container-no-worker-name')).toEqual(['fixtures/sandboxes/leaky/k8s/worker.yaml:24']);
    expect(report.findings.find((f: R) => f.ruleId === 'container-no-worker-name').message).toBe('Container is called worker');
  });

  it('honours a Kubernetes suppression annotation only with a reason', () => {
    const dir = tempDir();
    const pod = (annotation: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ${annotation}\nspec:\n  containers:\n    - name: c\n      image: c:1\n      securityContext: {privileged: true}\n`;
    writeFileSync(join(dir, 'with.yaml'), pod('ignore.sandcheck.dev/container-privileged: "node agent needs it, reviewed in SEC-12"'));
    writeFileSync(join(dir, 'without.yaml'), pod('ignore.sandcheck.dev/container-privileged: ""'));
    const report = json(sandcheck(['scan', '.', '--format', 'json'], { cwd: dir }));
    const priv = report.findings.filter((f: R) => f.ruleId === 'container-privileged');
    expect(priv.find((f: R) => f.location.file === 'with.yaml').suppressed).toMatchObject({ by: 'inline', reason: 'node agent needs it, reviewed in SEC-12' });
    expect(priv.find((f: R) => f.location.file === 'without.yaml').suppressed).toBeUndefined();
  });

  it('lists rules filtered by checklist item', () => {
    const r = sandcheck(['rules', '--checklist', 'tool-isolation', '--format', 'json']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).map((x: R) => x.id);
    expect(ids).toEqual(['workload-no-sandboxed-runtime', 'workload-shared-process-namespace']);
  });

  it('lists the checks the engine makes itself, which reports name as ruleId, after the rules', () => {
    const all = JSON.parse(sandcheck(['rules', '--format', 'json']).stdout);
    expect(all.filter((x: R) => x.engine).map((x: R) => [x.id, x.checklist ?? x.checklistNote, x.severity, x.verdict])).toEqual([
      ['suppression-without-reason', 'that of the rule the suppression names', 'low', 'fail'],
      ['trust-boundary-unmatched', 'workload-isolation', 'low', 'warn'],
      ['attestation-expired', 'the item the attestation is for', 'high', 'fail'],
    ]);
    expect(all.filter((x: R) => x.engine === false).length).toBe(all.length - 3);
    // A filtered list has the checks of that item only; one whose item varies belongs to none.
    const item = sandcheck(['rules', '--checklist', 'workload-isolation']);
    expect(item.stdout.split('\n').filter((l) => /^\S+-\S+ /.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['secret-key-shared-across-boundaries', 'trust-boundary-unmatched']);
    expect(item.stdout.endsWith('\n1 rule and 1 engine check\n')).toBe(true);
    const text = sandcheck(['rules']).stdout;
    expect(text).toMatch(/^attestation-expired +\(varies\) +high +Attestations must be renewed before they expire \(item: the item the attestation is for\)$/m);
    expect(sandcheck(['rules', '--checklist', 'tool-isolation']).stdout.endsWith('\n2 rules\n')).toBe(true);
  });

  it('explains a rule with its rationale, remediation and examples', () => {
    const r = sandcheck(['explain', 'container-privileged']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['# container-privileged', '', '**Containers must not run privileged**']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## Why',
      '## Noncompliant example (`fail-compose.yaml`)',
      '## Noncompliant example (`fail-k8s-hostprocess.yaml`)',
      '## Noncompliant example (`fail-k8s.yaml`)',
      '## Compliant example (`pass-compose.yaml`)',
      '## Compliant example (`pass-k8s-windows.yaml`)',
      '## Compliant example (`pass-k8s.yaml`)',
      '## How to fix',
      '## Suppress',
    ]);
    // The fix as each source format words it.
    const fix = r.stdout.slice(r.stdout.indexOf('## How to fix'), r.stdout.indexOf('## Suppress'));
    expect(fix).toBe('## How to fix\n\n- Kubernetes: Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).\n- compose: Remove `privileged: true`.\n- Docker: Remove `--privileged`.\n\n');
    const bad = sandcheck(['explain', 'no-such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('sandcheck: unknown rule "no-such-rule" (see `sandcheck rules`)\n');
    // A misspelt id names the rule it probably meant, as a waiver naming it does.
    const typo = sandcheck(['explain', 'container-privilege']);
    expect([typo.code, typo.stdout, typo.stderr]).toEqual([2, '', 'sandcheck: unknown rule "container-privilege" (did you mean "container-privileged"? see `sandcheck rules`)\n']);
    // So does a misspelt engine check, which has no rule file.
    const check = sandcheck(['explain', 'suppresion-without-reason']);
    expect([check.code, check.stderr]).toEqual([2, 'sandcheck: unknown rule "suppresion-without-reason" (did you mean "suppression-without-reason"? see `sandcheck rules`)\n']);
    // SARIF reports an expired attestation under attestation-expired, which no rule file makes: explain knows it.
    const attestation = sandcheck(['explain', 'attestation-expired']);
    expect(attestation.code, attestation.stderr).toBe(0);
    expect(attestation.stdout.split('\n').slice(0, 5)).toEqual([
      '# attestation-expired',
      '',
      '**Attestations must be renewed before they expire**',
      '',
      'Severity: high · Checklist: the item the attestation is for · A check sandcheck makes itself (no rule file)',
    ]);
  });
});

describe('fingerprints of secret findings', () => {
  it('survive line moves in every file of the leaky sandbox, key reuse included', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'fixtures/sandboxes/leaky'), join(dir, 'leaky'), { recursive: true });
    const fp = (r: R) => r.findings.map((f: R) => `${f.ruleId} ${f.fingerprint}`).sort();
    const before = json(sandcheck(['scan', 'leaky', '--format', 'json'], { cwd: dir }));
    for (const f of ['leaky/k8s/worker.yaml', 'leaky/compose/docker-compose.yml', 'leaky/worker/.env']) {
      writeFileSync(join(dir, f), '# moved down\n\n' + readFileSync(join(dir, f), 'utf8'));
    }
    const after = json(sandcheck(['scan', 'leaky', '--format', 'json'], { cwd: dir }));
    expect(where(before, 'secret-key-shared-across-boundaries')).toEqual(['leaky/compose/docker-compose.yml:18', 'leaky/k8s/worker.yaml:30']);
    expect(fp(after)).toEqual(fp(before));
  });
});

describe('an env file loaded by compose env_file', () => {
  it('belongs to the compose project that loads it, for key reuse across boundaries', () => {
    const dir = tempDir();
    const key = 'sk-ant-api03-' + 'Q7vL2mN9xR4tY8wZ1aB5cD3eF6gH0jK2lP4sT7uV9wX1yZ3bC5dE7fG9hJ1kL3mN5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hJ5kL7m' + 'AA';
    writeFileSync(join(dir, 'compose.yaml'), 'name: tenant-a\nservices:\n  worker:\n    image: w:1\n    env_file: worker.env\n');
    writeFileSync(join(dir, 'worker.env'), `ANTHROPIC_ENVIRONMENT_KEY=${key}\n`);
    writeFileSync(
      join(dir, 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: tenant-b}\nspec:\n  containers:\n    - name: c\n      image: c:1\n      env:\n        - name: ANTHROPIC_ENVIRONMENT_KEY\n          value: ${key}\n`,
    );
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    const report = json(r);
    expect(where(report, 'secret-key-shared-across-boundaries')).toEqual(['pod.yaml:10', 'worker.env:1']);
    const f = report.findings.find((x: R) => x.ruleId === 'secret-key-shared-across-boundaries' && x.location.file === 'worker.env');
    expectNotPrinted(r.stdout + r.stderr, [key]);
    expect(f.message).toBe('Key sk-a:1f5b62e06c13 is used in 2 trust boundaries: compose project tenant-a (worker.env:1 [here]) and namespace tenant-b (pod.yaml:10)');
  });
});
