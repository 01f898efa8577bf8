import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * DNS exfiltration through a resolver (a context that reaches egress.dns.resolvers can send data out in
 * query names when the allowlist is about host names) and Cilium toEndpoints peers matched against the
 * workloads of the scan. Fixtures: fixtures/egress/dns-resolver, fixtures/egress/cilium-endpoints.
 */

type R = Record<string, any>;

function run(args: string[]): { code: number; verdict: string; note?: string; findings: string[]; raw: R[] } {
  const r = sandcheck(['egress', ...args, '--format', 'json']);
  const report = json(r);
  const item = report.checklist.find((c: R) => c.id === 'egress-control');
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return { code: r.code, verdict: item.verdict, note: item.note, findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw };
}

const D = 'fixtures/egress/dns-resolver';
const CIL = 'fixtures/egress/cilium-endpoints';

describe('DNS exfiltration through the declared resolver', () => {
  it('a host that reaches only the allowlisted API and the resolver warns at the resolver rule when the allowlist names hosts', () => {
    const r = run([D, '-c', `${D}/sandcheck.yaml`]);
    expect(r.code).toBe(0);
    expect(r.verdict).toBe('warn');
    expect(r.findings).toEqual([`egress-dns-unrestricted warn ${D}/rules.v4:8`]);
    expect(r.raw[0]!.message).toBe(
      `Host processes can query the resolver 10.96.0.10, which resolves any name: data can leave in query names (<data>.attacker.example) although egress.allow names only api.anthropic.com (set egress.dns.resolverFiltersNames: true only if the resolver answers for the allowlisted names alone): IPv4 udp → 10.96.0.10:53, new connection, allowed by filter/OUTPUT #3 ACCEPT (${D}/rules.v4:8)`,
    );
  });

  it('passes with egress.dns.resolverFiltersNames: true (printed as an assumption) or with an allowlist of addresses only', () => {
    const dir = tempDir();
    const cfg = readFileSync(`${D}/sandcheck.yaml`, 'utf8');
    writeFileSync(join(dir, 'filtered.yaml'), cfg.replace('    resolvers: [10.96.0.10]', '    resolvers: [10.96.0.10]\n    resolverFiltersNames: true'));
    const filtered = run([D, '-c', join(dir, 'filtered.yaml')]);
    expect(filtered.verdict).toBe('pass');
    expect(filtered.findings).toEqual([]);
    expect(filtered.note).toBe(
      'assumption: the DNS resolvers answer only for the allowlisted names (egress.dns.resolverFiltersNames: true in sandcheck.yaml, an assertion, not evidence); data sent out in DNS query names through them was not judged',
    );
    writeFileSync(join(dir, 'addresses.yaml'), cfg.replace(', host: api.anthropic.com', ''));
    const addresses = run([D, '-c', join(dir, 'addresses.yaml')]);
    expect(addresses.verdict).toBe('pass');
    expect(addresses.findings).toEqual([]);
  });
});

describe('Cilium toEndpoints', () => {
  it('a peer in another namespace (k8s:io.kubernetes.pod.namespace) is named from the scan and warned as internal reach; kube-dns behind a DNS proxy that lists the names is no finding', () => {
    const r = run([CIL, '-c', `${CIL}/sandcheck.yaml`]);
    expect(r.code).toBe(0);
    expect(r.verdict).toBe('warn');
    expect(r.findings).toEqual([`egress-internal-reachable warn ${CIL}/k8s.yaml:55`]);
    expect(r.raw[0]!.message).toBe(
      `Pod sandbox/Deployment/runner can reach in-cluster pods data/StatefulSet/postgres in namespace data on tcp/5432, allowed by CiliumNetworkPolicy sandbox/runner-egress egress[2].toEndpoints[0] (${CIL}/k8s.yaml:55)`,
    );
  });

  it('without the namespace label the peer is looked up in the policy namespace; kube-dns without name rules is the DNS exfiltration warning', () => {
    const dir = tempDir();
    const text = readFileSync(`${CIL}/k8s.yaml`, 'utf8')
      .replace('              - matchPattern: "*.anthropic.com"', '              - matchPattern: "*"')
      .replace('            k8s:io.kubernetes.pod.namespace: data\n', '');
    writeFileSync(join(dir, 'k8s.yaml'), text);
    const r = run([join(dir, 'k8s.yaml'), '-c', `${CIL}/sandcheck.yaml`]);
    expect(r.findings).toEqual([`egress-dns-unrestricted warn ${dir}/k8s.yaml:46`, `egress-internal-reachable warn ${dir}/k8s.yaml:55`]);
    const msg = (rule: string) => r.raw.find((f: R) => f.ruleId === rule)!.message;
    expect(msg('egress-internal-reachable')).toBe(
      `Pod sandbox/Deployment/runner can reach in-cluster pods labelled app=postgres in namespace sandbox (no workload of the scan matches) on tcp/5432, allowed by CiliumNetworkPolicy sandbox/runner-egress egress[2].toEndpoints[0] (${dir}/k8s.yaml:55)`,
    );
    expect(msg('egress-dns-unrestricted')).toBe(
      `Pod sandbox/Deployment/runner can query the in-cluster resolver (pods labelled k8s-app=kube-dns in namespace kube-system (no workload of the scan matches)) on udp/53, allowed by CiliumNetworkPolicy sandbox/runner-egress egress[1].toEndpoints[0] (${dir}/k8s.yaml:46); it resolves any name, so data can leave in query names (<data>.attacker.example) although egress.allow names only api.anthropic.com (list the names in the rule's toPorts rules.dns, or set egress.dns.resolverFiltersNames: true only if the resolver answers for them alone)`,
    );
  });
});
