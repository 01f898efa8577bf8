import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { analyzePolicies } from '../../src/engine/functions/egress-verdict.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { HANDLERS } from '../../src/inputs/registry.js';
import { calicoSelectorMatches, selectorMatches } from '../../src/inputs/networkpolicy/objects.js';

const config: SandcheckConfig = {
  ...structuredClone(DEFAULT_CONFIG),
  egress: { allow: [{ cidr: '160.79.104.0/23', proto: 'tcp', ports: [443] }], dns: { resolvers: ['10.96.0.10'] } },
};

const POD = (extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: runner, namespace: sandbox, labels: {app: runner}}
spec:
  ${extra}containers: [{name: c, image: "x@sha256:${'0'.repeat(64)}"}]
`;

/**
 * A networking.k8s.io NetworkPolicy in namespace sandbox, appended after POD() and `---`: its first line is
 * line 7, its metadata line 9, and `rest` (egress) starts at line 13.
 */
const policy = (name: string, podSelector = '{}', rest = '') =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: sandbox}\nspec:\n  podSelector: ${podSelector}\n  policyTypes: [Egress]\n${rest}`;

function targetsOf(yaml: string) {
  const file = makeSourceFile('np.yaml', '/x/np.yaml', yaml);
  return HANDLERS.find((h) => h.detect(file))!.parse(file).targets;
}

function analyze(yaml: string) {
  return analyzePolicies(targetsOf(yaml), config).flatMap(({ analysis }) => analysis.findings);
}

function judge(yaml: string) {
  const targets = targetsOf(yaml);
  return analyzePolicies(targets, config).flatMap(({ analysis }) => analysis.findings.map((f) => `${f.code} ${f.verdict} ${f.family} @${f.location.line}`)).sort();
}

describe('Kubernetes NetworkPolicy egress', () => {
  it('selectors: matchLabels and every matchExpressions operator', () => {
    const l = { app: 'a', tier: 'x' };
    expect(selectorMatches({}, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'a' } }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, l)).toBe(false);
  });

  it('no NetworkPolicy in the scan: nothing judged (not assessed)', () => {
    expect(judge(POD())).toEqual([]);
  });

  it('a policy that selects other pods leaves this one open (T18)', () => {
    const y = `${POD()}---\n${policy('other', '{matchLabels: {app: web}}')}`;
    // An open policy layer is judged as an absent one (as a compose service on an open network): one
    // no-default-deny per family on the pod, nothing else (test/egress/user-reports.test.ts checks the target and text).
    expect(judge(y)).toEqual(['no-default-deny fail ipv4 @3', 'no-default-deny fail ipv6 @3']);
  });

  it('ports without `to` allow every address on that port; without protocol they mean TCP (T19)', () => {
    const y = `${POD()}---\n${policy('dns', '{}', `  egress:\n    - ports: [{port: 53}]\n`)}`;
    // tcp/53 to anywhere: allow-any on tcp/53 and DNS to any server; the allowlisted API is blocked at the policy (line 9).
    expect(judge(y)).toEqual([
      'allow-any fail ipv4 @14', 'allow-any fail ipv6 @14', 'dns fail ipv4 @14', 'dns fail ipv6 @14', 'internal warn ipv4 @14', 'internal warn ipv6 @14',
      'required-blocked warn ipv4 @9',
    ]);
  });

  it('ipBlock 0.0.0.0/0 with except still allows every public address; egress: [{}] allows everything (T20, T22)', () => {
    const y = `${POD()}---\n${policy('except', '{}', `  egress:\n    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10]}}]\n`)}`;
    expect(judge(y)).toEqual(['allow-any fail ipv4 @14', 'dns fail ipv4 @14']);
    const all = `${POD()}---\n${policy('all', '{}', `  egress: [{}]\n`)}`;
    expect(judge(all)).toEqual([
      'allow-any fail ipv4 @13', 'allow-any fail ipv6 @13', 'dns fail ipv4 @13', 'dns fail ipv6 @13',
      'internal warn ipv4 @13', 'internal warn ipv6 @13', 'metadata fail ipv4 @13', 'metadata fail ipv6 @13',
    ]);
  });

  it('hostNetwork pods are not subject to NetworkPolicy (T23)', () => {
    const y = `${POD('hostNetwork: true\n  ')}---\n${policy('lock')}`;
    // Reported at the hostNetwork line, once per family (an absent policy layer).
    expect(judge(y)).toEqual(['no-default-deny fail ipv4 @5', 'no-default-deny fail ipv6 @5']);
  });

  it('CiliumNetworkPolicy: toEntities world is allow-any, egressDeny wins over allows', () => {
    const y = `${POD()}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: cnp, namespace: sandbox}
spec:
  endpointSelector: {matchLabels: {app: runner}}
  egressDeny:
    - toCIDR: [169.254.169.254/32]
  egress:
    - toEntities: [world]
      toPorts: [{ports: [{port: "443", protocol: TCP}, {port: "80", protocol: TCP}]}]
`;
    expect(judge(y)).toEqual(['allow-any fail ipv4 @15', 'allow-any fail ipv6 @15', 'internal warn ipv4 @15', 'internal warn ipv6 @15', 'metadata fail ipv4 @15', 'metadata fail ipv6 @15']);
    // The denied address is not among the metadata endpoints reached (the other services are).
    expect(analyze(y).find((f) => f.code === 'metadata' && f.family === 'ipv4')!.evidence.reached).toBe('100.100.100.200/32, 169.254.170.2/32 tcp/80');
  });

  it('Calico selectors', () => {
    const l = { app: 'runner', tier: 'sandbox' };
    expect(calicoSelectorMatches("app == 'runner' && has(tier)", l)).toBe(true);
    expect(calicoSelectorMatches("app != 'runner' || tier in {'x', 'sandbox'}", l)).toBe(true);
    expect(calicoSelectorMatches("!has(app)", l)).toBe(false);
    expect(calicoSelectorMatches("tier not in {'sandbox'}", l)).toBe(false);
    expect(calicoSelectorMatches('all()', l)).toBe(true);
    expect(calicoSelectorMatches("(app == 'a' || app == 'b') && has(x)", l)).toBeNull();
  });

  it('Calico tiers: a security tier denies metadata and passes the rest to the Kubernetes policies of the default tier', () => {
    const y = `${POD()}---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.block-metadata}
spec:
  tier: security
  order: 10
  selector: all()
  types: [Egress]
  egress:
    - action: Deny
      destination: {nets: [169.254.169.254/32]}
    - action: Pass
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: sandbox}
spec:
  podSelector: {matchLabels: {app: runner}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 160.79.104.0/23}}]
      ports: [{port: 443}]
`;
    expect(judge(y)).toEqual([]);
    // Judged and clean, not skipped: without the policies the same pod is not judged at all (first test).
    expect(analyzePolicies(targetsOf(y), config).map(({ pod }) => pod.name)).toEqual(['sandbox/Pod/runner']);
  });

  it('Calico: an Allow without destination in a namespaced policy is allow-any; order decides against a later Deny', () => {
    const y = `${POD()}---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-later, namespace: sandbox}
spec:
  order: 200
  selector: app == 'runner'
  egress:
    - action: Deny
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow-first, namespace: sandbox}
spec:
  order: 100
  selector: app == 'runner'
  egress:
    - action: Allow
      protocol: TCP
      destination: {ports: [443]}
`;
    expect(judge(y)).toEqual(['allow-any fail ipv4 @23', 'allow-any fail ipv6 @23', 'internal warn ipv4 @23', 'internal warn ipv6 @23']);
  });

  it('Cilium toFQDNs: names are judged against the hosts of egress.allow; a broader pattern is an excess', () => {
    const y = `${POD()}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: fqdn, namespace: sandbox}
spec:
  endpointSelector: {}
  egress:
    - toFQDNs:
        - matchName: api.anthropic.com
        - matchPattern: "*.githubusercontent.com"
      toPorts: [{ports: [{port: "443", protocol: TCP}]}]
`;
    const targets = targetsOf(y);
    const cfg: SandcheckConfig = { ...config, egress: { ...config.egress, allow: [{ cidr: '160.79.104.0/23', host: 'api.anthropic.com', proto: 'tcp', ports: [443] }] } };
    const findings = analyzePolicies(targets, cfg).flatMap(({ analysis }) => analysis.findings);
    expect(findings.map((f) => `${f.code} ${f.verdict} @${f.location.line}`)).toEqual(['excess fail @15']);
    expect(findings[0]!.message).toBe(
      'pod sandbox/Pod/runner can reach any host matching *.githubusercontent.com on tcp/443, not in egress.allow (api.anthropic.com): allowed by CiliumNetworkPolicy sandbox/fqdn egress[0].toFQDNs[1] (np.yaml:15)',
    );
  });
});

