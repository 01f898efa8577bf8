import { describe, expect, it } from 'vitest';
import { SOURCE_KEYS } from '../../src/model/source-keys.js';
import { json, sandcheck } from '../helpers/cli.js';

// egress-no-default-deny tells each kind of context where its default deny belongs (a new-user trial
// found pods and compose services told to set iptables policies).
describe('egress-no-default-deny remediation by source', () => {
  const fixes = (args: string[]) =>
    json<{ findings: { ruleId: string; target: { id: string }; location: { file: string; line: number }; remediation: string }[] }>(sandcheck(['scan', ...args, '--format', 'json']))
      .findings.filter((f) => f.ruleId === 'egress-no-default-deny')
      .map((f) => `${f.location.file}:${f.location.line} ${f.remediation}`);
  const w = SOURCE_KEYS.defaultDeny!;

  it('a pod: a NetworkPolicy with Egress', () => {
    expect(fixes(['fixtures/sandboxes/leaky/k8s'])).toEqual([`fixtures/sandboxes/leaky/k8s/worker.yaml:21 ${w.kubernetes}`, `fixtures/sandboxes/leaky/k8s/worker.yaml:21 ${w.kubernetes}`]);
    expect(w.kubernetes).toMatch(/^Select the pod with a NetworkPolicy whose `policyTypes` include `Egress`/);
  });

  it('a compose service: internal networks or DOCKER-USER; a host firewall: chain policies', () => {
    expect(fixes(['fixtures/sandboxes/leaky/compose', 'fixtures/sandboxes/leaky/firewall'])).toEqual([
      `fixtures/sandboxes/leaky/compose/docker-compose.yml:6 ${w.compose}`,
      `fixtures/sandboxes/leaky/compose/docker-compose.yml:6 ${w.compose}`,
      `fixtures/sandboxes/leaky/firewall/rules.v4:6 ${w.default}`,
      `fixtures/sandboxes/leaky/firewall/rules.v4:6 ${w.default}`,
    ]);
  });
});
