import { describe, expect, it } from 'vitest';
import { json, sandcheck } from '../helpers/cli.js';

// The built CLI on compose files (npm test builds dist/ first): egress verdicts of compose networks
// and the compose key sources, as a user sees them.

type R = Record<string, any>;
const item = (r: R, id: string) => r.checklist.find((c: R) => c.id === id).verdict;
const where = (r: R, ruleId: string) =>
  r.findings
    .filter((f: R) => f.ruleId === ruleId && !f.suppressed)
    .map((f: R) => `${f.verdict} ${f.location.file}:${f.location.line}`)
    .sort();

describe('sandcheck on compose networks and secrets', () => {
  it('the hardened compose file alone passes egress-control (internal network) and key-storage (external secret)', () => {
    const r = sandcheck(['scan', 'fixtures/sandboxes/hardened/compose', '--format', 'json']);
    const report = json(r);
    expect(item(report, 'egress-control')).toBe('pass');
    expect(item(report, 'key-storage')).toBe('pass');
    expect(report.findings.filter((f: R) => ['egress-control', 'key-storage'].includes(f.checklist))).toEqual([]);
  });

  it('the leaky compose file (network_mode: host) fails egress-control at its network_mode line, IPv4 and IPv6', () => {
    const r = sandcheck(['egress', 'fixtures/sandboxes/leaky/compose', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = json(r);
    expect(where(report, 'egress-no-default-deny')).toEqual(['fail fixtures/sandboxes/leaky/compose/docker-compose.yml:6', 'fail fixtures/sandboxes/leaky/compose/docker-compose.yml:6']);
    const found = report.findings.filter((x: R) => x.ruleId === 'egress-no-default-deny');
    expect(found.map((f: R) => f.message).sort()).toEqual([
      "No default deny for IPv4 egress of compose service compose/worker: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv4 tcp → 198.51.100.7:443, new connection)",
      "No default deny for IPv6 egress of compose service compose/worker: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv6 tcp → [2606:4700::1111]:443, new connection)",
    ]);
    expect(found.map((f: R) => f.evidence.layers)).toEqual(['compose IPv4+IPv6 from fixtures/sandboxes/leaky/compose/docker-compose.yml', 'compose IPv4+IPv6 from fixtures/sandboxes/leaky/compose/docker-compose.yml']);
  });

  it('--explain says what an internal-only service reaches', () => {
    const r = sandcheck(['egress', 'fixtures/sandboxes/hardened/compose', '--explain', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'compose service agent-sandbox-dev/worker',
        '  layers: compose IPv4+IPv6 from fixtures/sandboxes/hardened/compose/compose.yaml',
        '  compose service agent-sandbox-dev/worker (it is attached only to internal network sandbox (line 28): it reaches the other services on it and nothing outside)',
        '    IPv4: default deny (compose)',
        '      reachable: nothing (new connections)',
        '    IPv6: default deny (compose)',
        '      reachable: nothing (new connections)',
        '',
        'PASS: 0 failing findings, 0 warnings, 0 suppressed; checklist: 1 pass, 7 not assessed; 1 input parsed. Exit code 0.',
        '',
      ].join('\n'),
    );
  });

  it('compose key sources: a repository secret file and a config fail, an environment-sourced secret warns (exit 1)', () => {
    const r = sandcheck(['scan', 'fixtures/rules/secret-environment-key-unmanaged/fail-compose-secrets', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = json(r);
    const dir = 'fixtures/rules/secret-environment-key-unmanaged/fail-compose-secrets';
    expect(where(report, 'secret-environment-key-unmanaged')).toEqual([
      `fail ${dir}/compose.yaml:12`,
      `fail ${dir}/compose.yaml:25`,
      `warn ${dir}/compose.yaml:18`,
      `warn ${dir}/compose.yaml:32`,
      `warn ${dir}/compose.yaml:35`,
      `warn ${dir}/compose.yaml:41`,
    ]);
    // The repository file that holds the key is reported in that file, naming the compose line.
    const literal = report.findings.filter((f: R) => f.ruleId === 'secret-environment-key-literal');
    expect(literal.map((f: R) => `${f.location.file}:${f.location.line}`)).toEqual([`${dir}/secrets/env_key.txt:1`]);
    expect(literal[0].message).toBe(`ANTHROPIC_ENVIRONMENT_KEY holds a literal environment service key (file of compose secret env_key, named at ${dir}/compose.yaml:49, fingerprint ****:edf2c204ec2d)`);
  });
});
