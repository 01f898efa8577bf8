import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

type R = Record<string, any>;
const CONFIG = 'fixtures/rules/egress-allow-any/sandcheck.yaml';
const item = (r: R) => r.checklist.find((c: R) => c.id === 'egress-control');

describe('sandcheck egress / scan on firewall input', () => {
  it('fails with the witness flow and rule path at the responsible line (exit 1)', () => {
    const r = sandcheck(['egress', 'fixtures/egress/kernel/user-chain-accept/iptables.save', 'fixtures/egress/kernel/user-chain-accept/ip6tables.save', '-c', CONFIG, '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = json(r);
    expect(item(report).verdict).toBe('fail');
    const f = report.findings.filter((x: R) => x.ruleId.startsWith('egress-'));
    expect(f.map((x: R) => `${x.ruleId} ${x.location.file}:${x.location.line}`)).toEqual([
      'egress-destination-not-allowlisted fixtures/egress/kernel/user-chain-accept/iptables.save:13',
    ]);
    expect(f[0].evidence.witness).toBe('IPv4 tcp → 198.51.100.7:443, new connection');
    expect(f[0].evidence.path).toBe('filter/OUTPUT #3 → SANDBOX-EGRESS #3 ACCEPT (fixtures/egress/kernel/user-chain-accept/iptables.save:13)');
    // only egress-control rules run under `egress`
    expect(report.checklist.filter((c: R) => c.id !== 'egress-control').every((c: R) => c.verdict === 'not-assessed')).toBe(true);
  });

  it('--explain prints the reachable set per context (to stderr when the report is JSON on stdout)', () => {
    const r = sandcheck(['egress', 'fixtures/egress/kernel/docker-forward', '-c', CONFIG, '--explain', '--format', 'json']);
    expect(r.code).toBe(1);
    const fw = 'fixtures/egress/kernel/docker-forward/iptables.save:13';
    expect(json(r).findings.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`)).toEqual([
      `egress-allow-any fail ${fw}`,
      `egress-dns-unrestricted fail ${fw}`,
      `egress-internal-reachable warn ${fw}`,
      `egress-metadata-reachable fail ${fw}`,
    ]);
    expect(r.stderr).toContain('containers on docker0 (interface docker0 is matched on the forward path)');
    expect(r.stderr).toContain('filter/FORWARD → DOCKER-FORWARD #1 ACCEPT');
    // iptables-nft rules dumped twice (iptables-save and nft) are judged once, from iptables-save.
    expect(r.stderr).toContain('layers: ip6tables-save (nf_tables) IPv6 from fixtures/egress/kernel/docker-forward/ip6tables.save; iptables-save (nf_tables) IPv4 from fixtures/egress/kernel/docker-forward/iptables.save\n');
    expect(r.stderr).toMatch(/host processes[^\n]*\n\s+IPv4: default deny \(iptables-save\)\n\s+reachable \(new connections\):\n\s+160\.79\.104\.0\/23 tcp\/443/);
    const t = sandcheck(['egress', 'fixtures/egress/kernel/established-only', '--explain', '-q']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('reachable: nothing (new connections)');
  });

  it('passes a locked rule set (exit 0) and is not-assessed without any firewall input', () => {
    const pass = sandcheck(['scan', 'fixtures/rules/egress-allow-any/pass.rules', '-c', CONFIG, '--format', 'json']);
    expect(pass.code, pass.stderr).toBe(0);
    expect(item(json(pass)).verdict).toBe('pass');
    const dir = tempDir();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nUSER 1000\n');
    const none = sandcheck(['scan', dir, '--format', 'json']);
    expect(item(json(none)).verdict).toBe('not-assessed');
  });

  it('egress.ipv6: disabled is printed as an assertion where the verdict is given (text and JSON), and only then', () => {
    const dir = tempDir();
    // IPv4 locked to the allowlist; no ip6tables-save at all.
    writeFileSync(join(dir, 'rules.v4'), '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -d 160.79.104.0/23 -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n');
    const allow = 'egress:\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n';
    writeFileSync(join(dir, 'assumed.yaml'), `${allow}  ipv6: disabled\n`);
    writeFileSync(join(dir, 'auto.yaml'), allow);
    const assumption = 'assumption: IPv6 is disabled on the sandbox hosts (egress.ipv6: disabled in sandcheck.yaml, an assertion, not evidence); IPv6 egress was not judged (except on a host whose sysctl shows IPv6 on)';
    const assumed = sandcheck(['egress', join(dir, 'rules.v4'), '-c', join(dir, 'assumed.yaml'), '--format', 'json']);
    expect(assumed.code, assumed.stderr).toBe(0);
    expect(item(json(assumed))).toMatchObject({ verdict: 'pass', note: assumption });
    const text = sandcheck(['egress', join(dir, 'rules.v4'), '-c', join(dir, 'assumed.yaml')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`egress-control +Network egress[^\n]* — ${assumption.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    // Without the assertion the same evidence fails on IPv6, and there is no assumption to print.
    const auto = sandcheck(['egress', join(dir, 'rules.v4'), '-c', join(dir, 'auto.yaml'), '--format', 'json']);
    expect(auto.code).toBe(1);
    expect(item(json(auto)).verdict).toBe('fail');
    expect(item(json(auto)).note).toBeUndefined();
    expect(json(auto).findings.map((f: R) => `${f.ruleId} ${f.location.line}`)).toEqual(['egress-ipv6-open 4']);
    // No firewall evidence at all: not assessed, and the assertion is not printed as if something had been judged.
    const none = sandcheck(['egress', join(dir, 'assumed.yaml'), '-c', join(dir, 'assumed.yaml'), '--format', 'json']);
    expect(item(json(none)).verdict).toBe('not-assessed');
    expect(item(json(none)).note).toBe('no input gave evidence for this item');
  });

  it('a malformed rule set is an input error naming file and line (exit 2), never a pass', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rules.v4'), '*filter\n:OUTPUT DROP [0:0]\n-A OUTPUT -d not-an-ip -j ACCEPT\nCOMMIT\n');
    const r = sandcheck(['egress', join(dir, 'rules.v4'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules.v4:3: "not-an-ip" is not an address or CIDR');
    expect(item(json(r)).verdict).toBe('error');
  });

  it('evidence that judges nothing is not a pass: ipset contents alone, a NetworkPolicy that selects no pod of the scan', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ipsets'), 'create allowed hash:net family inet hashsize 1024 maxelem 65536\nadd allowed 160.79.104.0/23\n');
    writeFileSync(join(dir, 'np.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: lock, namespace: sandbox}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n');
    const r = sandcheck(['egress', dir, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(item(json(r)).verdict).toBe('not-assessed');
  });
});

