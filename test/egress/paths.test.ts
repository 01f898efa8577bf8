import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * Layers on one path are intersected: a context reaches a flow only if its host filter (or pod policy)
 * and every cloud scope in front of it let the flow through. Fixtures: fixtures/egress/paths/.
 */

type R = Record<string, any>;
const P = 'fixtures/egress/paths';
const ALLOW = 'fixtures/rules/egress-allow-any/sandcheck.yaml';

function run(args: string[]): { code: number; verdict: string; note?: string; findings: string[]; raw: R[] } {
  const r = sandcheck(['egress', ...args, '--format', 'json']);
  const report = json(r);
  const item = report.checklist.find((c: R) => c.id === 'egress-control');
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return { code: r.code, verdict: item.verdict, note: item.note, findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw };
}

/** A strict security group judged alone (no host behind it): IMDS and DNS are never filtered by it, once per family. */
const sgAlone = (file: string) => [
  `egress-dns-unrestricted warn ${file}:8`,
  `egress-dns-unrestricted warn ${file}:8`,
  `egress-metadata-reachable warn ${file}:8`,
  `egress-metadata-reachable warn ${file}:8`,
];

/** The open host of host-open-sg-strict judged alone. */
const openHost = (dir: string) => [
  `egress-dns-unrestricted fail ${dir}/rules.v4:5`,
  `egress-dns-unrestricted fail ${dir}/rules.v6:5`,
  `egress-internal-reachable warn ${dir}/rules.v4:5`,
  `egress-internal-reachable warn ${dir}/rules.v6:5`,
  `egress-metadata-reachable fail ${dir}/rules.v4:5`,
  `egress-no-default-deny fail ${dir}/rules.v4:5`,
  `egress-no-default-deny fail ${dir}/rules.v6:5`,
];

describe('egress layers intersected on a context path', () => {
  it('host filter open + strict security group in the same directory: each alone fails or warns, the path passes', () => {
    const path = run([`${P}/host-open-sg-strict`, '-c', ALLOW]);
    expect(path.code).toBe(0);
    expect(path.verdict).toBe('pass');
    expect(path.findings).toEqual([]);

    const host = run([`${P}/host-open-sg-strict/rules.v4`, `${P}/host-open-sg-strict/rules.v6`, '-c', ALLOW]);
    expect(host.verdict).toBe('fail');
    expect(host.findings).toEqual(openHost(`${P}/host-open-sg-strict`));

    const sg = run([`${P}/host-open-sg-strict/sg.json`, '-c', ALLOW]);
    expect(sg.verdict).toBe('warn');
    expect(sg.findings).toEqual(sgAlone(`${P}/host-open-sg-strict/sg.json`));
  });

  it('a flow both layers allow fails at the host rule, with the rule path of each layer (the security group alone only warns)', () => {
    const path = run([`${P}/host-allows-imds`, '-c', ALLOW]);
    expect(path.code).toBe(1);
    expect(path.findings).toEqual([`egress-metadata-reachable fail ${P}/host-allows-imds/rules.v4:10`]);
    const f = path.raw[0]!;
    expect(f.evidence.witness).toBe('IPv4 tcp → 169.254.169.254:80, new connection');
    expect(f.evidence.path).toBe(
      `filter/OUTPUT #5 ACCEPT (${P}/host-allows-imds/rules.v4:10), then cloud/AWS security group sg-0sandbox00000001 (sandbox) #1 platform: instance metadata (IMDS), never filtered by security groups (${P}/host-allows-imds/sg.json:8)`,
    );
    expect(f.evidence.layers).toBe(
      `iptables-save (nf_tables) IPv4 from ${P}/host-allows-imds/rules.v4; ip6tables-save (nf_tables) IPv6 from ${P}/host-allows-imds/rules.v6; AWS security group sg-0sandbox00000001 (sandbox) from ${P}/host-allows-imds/sg.json`,
    );
    // The security group is judged on the host's path, not again alone ("instances behind …").
    expect(path.raw.some((x: R) => /Instances behind/.test(x.message))).toBe(false);
    const sg = run([`${P}/host-allows-imds/sg.json`, '-c', ALLOW]);
    expect(sg.findings).toEqual(sgAlone(`${P}/host-allows-imds/sg.json`));
  });

  it('a cloud layer that drops a required endpoint warns at its rule although the host alone passes', () => {
    const host = run([`${P}/gcp-blocks-required/rules.v4`, `${P}/gcp-blocks-required/rules.v6`, '-c', ALLOW]);
    expect(host.verdict).toBe('pass');
    expect(host.findings).toEqual([]);
    const path = run([`${P}/gcp-blocks-required`, '-c', ALLOW]);
    expect(path.code).toBe(0);
    expect(path.verdict).toBe('warn');
    expect(path.findings).toEqual([`egress-required-endpoint-blocked warn ${P}/gcp-blocks-required/fw.json:13`]);
    expect(path.raw[0]!.evidence.path).toBe(`cloud/GCP network sandbox (implied allow egress at priority 65535) #1000 sandbox-deny-all (priority 1000) deny (${P}/gcp-blocks-required/fw.json:13)`);
  });

  it('pods: NetworkPolicy ∩ the security group named by egress.contexts[].behind; the policy alone fails', () => {
    const cfg = `${P}/pod-policy-and-sg/sandcheck.yaml`;
    const path = run([P + '/pod-policy-and-sg', '-c', cfg]);
    expect(path.code).toBe(0);
    expect(path.verdict).toBe('pass');
    expect(path.findings).toEqual([]);
    const alone = run([`${P}/pod-policy-and-sg/k8s.yaml`, '-c', cfg]);
    expect(alone.verdict).toBe('fail');
    expect(alone.findings).toEqual([
      `egress-allow-any fail ${P}/pod-policy-and-sg/k8s.yaml:29`,
      // the scan has no sg.json: the configured layer is missing and counts as allow-all
      `egress-input-opaque warn ${cfg}:6`,
      `egress-internal-reachable warn ${P}/pod-policy-and-sg/k8s.yaml:29`,
    ]);
    expect(alone.raw.find((f: R) => f.ruleId === 'egress-input-opaque')!.message).toBe(
      'Pod sandbox/Deployment/runner is behind sg-0sandbox00000001 (egress.contexts[].behind), which no input of the scan lists; that layer counts as allow-all',
    );
  });

  it('pods: a flow the policy and the security group both allow fails at the policy rule, with both rule paths', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      'egress:\n  contexts:\n    - kind: pod\n      namespace: sandbox\n      labels: {app: sandbox-runner}\n      behind: [sg-0a1b2c3d4e5f60001]\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n',
    );
    const r = run([`${P}/pod-policy-and-sg/k8s.yaml`, 'fixtures/egress/cloud/aws-sg-default.json', '-c', join(dir, 'sandcheck.yaml')]);
    const any = r.raw.find((f: R) => f.ruleId === 'egress-allow-any')!;
    expect(`${any.location.file}:${any.location.line}`).toBe(`${P}/pod-policy-and-sg/k8s.yaml:29`);
    expect(any.evidence.path).toBe(
      `NetworkPolicy/sandbox/Deployment/runner #1 NetworkPolicy sandbox/runner-egress egress[0] to ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16 (${P}/pod-policy-and-sg/k8s.yaml:29), then cloud/AWS security group sg-0a1b2c3d4e5f60001 (default) #6 egress all traffic to 0.0.0.0/0 (fixtures/egress/cloud/aws-sg-default.json:12)`,
    );
    // The pod's path is judged on the policy: nothing of the pod is reported in the security group's file.
    expect(r.findings.filter((f) => f.includes('k8s.yaml'))).toEqual([
      `egress-allow-any fail ${P}/pod-policy-and-sg/k8s.yaml:29`,
      `egress-internal-reachable warn ${P}/pod-policy-and-sg/k8s.yaml:29`,
    ]);
  });

  it('behind overrides the directory: a host context behind a scope listed elsewhere; security groups of one path are unioned', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      'egress:\n  contexts:\n    - {kind: host-process, behind: [sg-0sandbox00000001, sg-0a1b2c3d4e5f60002]}\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n',
    );
    // The host is open; sg-…0002 (fixtures/egress/cloud/aws-sg-default.json) allows 160.79.104.0/23:443 only, and the
    // union with the strict group adds nothing else: the path passes except for metadata, which the host lets out.
    const r = run([`${P}/host-open-sg-strict/rules.v4`, `${P}/host-open-sg-strict/rules.v6`, `${P}/host-allows-imds/sg.json`, 'fixtures/egress/cloud/aws-sg-default.json', '-c', join(dir, 'sandcheck.yaml')]);
    // Nothing on the host's path; sg-…0001 (the default VPC group, allow-all) is on no path: judged alone.
    expect(r.findings).toEqual([
      'egress-allow-any fail fixtures/egress/cloud/aws-sg-default.json:12',
      'egress-allow-any fail fixtures/egress/cloud/aws-sg-default.json:13',
      'egress-dns-unrestricted fail fixtures/egress/cloud/aws-sg-default.json:12',
      'egress-dns-unrestricted fail fixtures/egress/cloud/aws-sg-default.json:13',
      'egress-internal-reachable warn fixtures/egress/cloud/aws-sg-default.json:12',
      'egress-internal-reachable warn fixtures/egress/cloud/aws-sg-default.json:13',
      'egress-metadata-reachable warn fixtures/egress/cloud/aws-sg-default.json:8',
      'egress-metadata-reachable warn fixtures/egress/cloud/aws-sg-default.json:8',
    ]);
    expect(r.raw.every((f: R) => f.message.includes('AWS security group sg-0a1b2c3d4e5f60001'))).toBe(true);
    // Without behind, the scopes listed elsewhere are not on the host's path: the open host fails.
    const plain = run([`${P}/host-open-sg-strict/rules.v4`, `${P}/host-open-sg-strict/rules.v6`, `${P}/host-allows-imds/sg.json`, '-c', ALLOW]);
    expect(plain.findings).toEqual([...openHost(`${P}/host-open-sg-strict`), ...sgAlone(`${P}/host-allows-imds/sg.json`)].sort());
  });
});
