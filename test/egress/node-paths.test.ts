import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * A workload's own layer intersected with the host packet filter its traffic crosses: a pod's
 * NetworkPolicy with its node's FORWARD path, a compose service's network with the host's FORWARD path
 * (DOCKER-USER first), a host-network service with the host's OUTPUT path. Fixtures: fixtures/egress/paths/.
 */

type R = Record<string, any>;
const P = 'fixtures/egress/paths';

function run(args: string[], cmd = 'egress'): { code: number; verdict: string; findings: string[]; raw: R[]; all: R[] } {
  const r = sandcheck([cmd, ...args, '--format', 'json']);
  const report = json(r);
  const item = report.checklist.find((c: R) => c.id === 'egress-control');
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return { code: r.code, verdict: item.verdict, findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw, all: report.findings };
}

const NODE_443 = `filter/FORWARD #1 → FORWARD #3 ACCEPT (${P}/pod-unselected-node/rules.v4:9)`;
const POLICY_443 = `NetworkPolicy/sandbox/Deployment/runner #1 NetworkPolicy sandbox/runner-egress egress[0] to ipBlock 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16 (${P}/pod-node-strict/k8s.yaml:29)`;

describe('pod NetworkPolicy ∩ the node packet filter', () => {
  it('a policy open to every public address on tcp/443, behind a node that lets out only the allowlist: the policy alone fails, the path passes', () => {
    const cfg = `${P}/pod-node-strict/sandcheck.yaml`;
    const path = run([`${P}/pod-node-strict`, '-c', cfg]);
    expect(path.code).toBe(0);
    expect(path.verdict).toBe('pass');
    expect(path.findings).toEqual([]);

    const alone = run([`${P}/pod-node-strict/k8s.yaml`, '-c', cfg]);
    expect(alone.code).toBe(1);
    expect(alone.findings).toEqual([
      `egress-allow-any fail ${P}/pod-node-strict/k8s.yaml:29`,
      `egress-internal-reachable warn ${P}/pod-node-strict/k8s.yaml:29`,
    ]);
    expect(alone.raw[0]!.evidence.path).toBe(POLICY_443);

    // --explain: the pod's path, both layers, and what each lets through.
    const explain = sandcheck(['egress', `${P}/pod-node-strict`, '-c', cfg, '--explain', '-q']);
    const text = explain.stdout + explain.stderr;
    expect(text).toContain(`Kubernetes pod sandbox/Deployment/runner behind its node (${P}/pod-node-strict/rules.v4, ${P}/pod-node-strict/rules.v6)`);
    expect(text).toContain('    IPv4: default deny (k8s-networkpolicy, iptables-save)\n      reachable (new connections):\n        10.96.0.10/32 udp/53\n        160.79.104.0/23 tcp/443\n');
    expect(text).toContain(`        filter/FORWARD → POD-EGRESS #2 ACCEPT (${P}/pod-node-strict/rules.v4:13): 160.79.104.0/23 tcp/443\n`);

    // The node's dumps alone: the configured pod context on the node's forward path (its -s rule decided by sourceCidr).
    const node = run([`${P}/pod-node-strict/rules.v4`, `${P}/pod-node-strict/rules.v6`, '-c', cfg]);
    expect(node.verdict).toBe('pass');
    expect(node.findings).toEqual([]);
  });

  it("kube-proxy's Service DNAT on the node: DNS to the resolver's Service address reaches its endpoint, which counts as the resolver; no proxy delegation", () => {
    const K = `${P}/pod-node-kube-proxy`;
    const r = run([K, '-c', `${K}/sandcheck.yaml`]);
    expect(r.code).toBe(0);
    expect(r.verdict).toBe('pass');
    expect(r.findings).toEqual([]);
    // A resolver declared elsewhere: the endpoint is a private address reached by DNAT (only possibly: the flow is moved).
    const dir = tempDir();
    writeFileSync(join(dir, 'other.yaml'), readFileSync(`${K}/sandcheck.yaml`, 'utf8').replace('resolvers: [10.96.0.10]', 'resolvers: [10.96.0.53]'));
    const other = run([K, '-c', join(dir, 'other.yaml')]);
    expect(other.raw.map((f: R) => f.ruleId).sort()).toEqual(['egress-dns-unrestricted', 'egress-internal-reachable']);
    expect(other.raw.every((f: R) => f.verdict === 'warn')).toBe(true);
    expect(other.raw.find((f: R) => f.ruleId === 'egress-internal-reachable')!.evidence.internal).toBe('10.244.0.5/32 udp/53');
  });

  it('a flow both the policy and the node allow fails at the policy rule, the witness showing both rule paths (node named by behind)', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      `egress:\n  contexts:\n    - kind: pod\n      namespace: sandbox\n      labels: {app: sandbox-runner}\n      behind: [${P}/pod-unselected-node]\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n`,
    );
    const r = run([`${P}/pod-node-strict/k8s.yaml`, `${P}/pod-unselected-node/rules.v4`, `${P}/pod-unselected-node/rules.v6`, '-c', join(dir, 'sandcheck.yaml')]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([
      `egress-allow-any fail ${P}/pod-node-strict/k8s.yaml:29`,
      `egress-internal-reachable warn ${P}/pod-node-strict/k8s.yaml:29`,
    ]);
    const any = r.raw.find((f: R) => f.ruleId === 'egress-allow-any')!;
    expect(any.evidence.witness).toBe('IPv4 tcp → 198.51.100.7:443, new connection');
    expect(any.evidence.path).toBe(`${POLICY_443}, then ${NODE_443}`);
    // The node's own processes are not the configured context: nothing is reported on the node's OUTPUT policy,
    // and the node named by behind is not a missing layer.
    expect(r.raw.some((f: R) => f.ruleId === 'egress-input-opaque')).toBe(false);
  });

  it('a pod that may run on either of two nodes is judged behind each: the strict node passes, the open one fails at the policy rule', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      `egress:\n  contexts:\n    - kind: pod\n      namespace: sandbox\n      labels: {app: sandbox-runner}\n      sourceCidr: 10.244.0.0/16\n      behind: [${P}/pod-node-strict/rules.v4, ${P}/pod-unselected-node]\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n`,
    );
    const both = run([`${P}/pod-node-strict`, `${P}/pod-unselected-node/rules.v4`, `${P}/pod-unselected-node/rules.v6`, '-c', join(dir, 'sandcheck.yaml')]);
    expect(both.findings).toEqual([
      `egress-allow-any fail ${P}/pod-node-strict/k8s.yaml:29`,
      `egress-internal-reachable warn ${P}/pod-node-strict/k8s.yaml:29`,
    ]);
    expect(both.raw.find((f: R) => f.ruleId === 'egress-allow-any')!.evidence.path).toBe(`${POLICY_443}, then ${NODE_443}`);
  });

  it('a pod no policy selects is judged on its node: the node rule that lets every address out on tcp/443 is reported, with both layers', () => {
    const r = run([`${P}/pod-unselected-node`, '-c', `${P}/pod-unselected-node/sandcheck.yaml`]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([
      `egress-allow-any fail ${P}/pod-unselected-node/rules.v4:9`,
      `egress-internal-reachable warn ${P}/pod-unselected-node/rules.v4:9`,
    ]);
    const any = r.raw.find((f: R) => f.ruleId === 'egress-allow-any')!;
    expect(any.message).toBe(
      `Every public IPv4 address is reachable from pod sandbox/Deployment/runner on tcp/443: IPv4 tcp → 198.51.100.7:443, new connection, allowed by NetworkPolicy/sandbox/Deployment/runner (no NetworkPolicy selects it for Egress) policy ACCEPT (${P}/pod-unselected-node/k8s.yaml:11), then ${NODE_443}`,
    );
    // One notation per address list (a trial report mixed CIDRs and ranges): ranges here, in address order.
    expect(r.raw.find((f: R) => f.ruleId === 'egress-internal-reachable')!.evidence.internal).toBe(
      '10.0.0.0-10.255.255.255, 100.64.0.0-100.100.100.199, 100.100.100.201-100.127.255.255, 169.254.0.0-169.254.169.122, 169.254.169.124-169.254.169.252, 169.254.169.255-169.254.170.1 … (+3 more) tcp/443',
    );
    // Without the node, a scan with no policy does not judge the pod at all (nothing says what it reaches).
    const alone = run([`${P}/pod-unselected-node/k8s.yaml`, '-c', `${P}/pod-unselected-node/sandcheck.yaml`]);
    expect(alone.verdict).toBe('not-assessed');
    expect(alone.findings).toEqual([]);
  });

  it('a pod no policy selects on a node whose FORWARD policy is ACCEPT: no default deny on the workload, with the fix and both layers', () => {
    const dir = tempDir();
    copyFileSync(`${P}/pod-unselected-node/k8s.yaml`, join(dir, 'k8s.yaml'));
    writeFileSync(join(dir, 'rules.v4'), '# Generated by iptables-save v1.8.9 (nf_tables) on node-c\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
    const r = run([dir, '-c', `${P}/pod-unselected-node/sandcheck.yaml`]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${dir}/k8s.yaml:11`, `egress-no-default-deny fail ${dir}/k8s.yaml:11`]);
    const v4 = r.raw.find((f: R) => f.message.includes('IPv4'))!;
    expect(v4.message).toBe(
      `No default deny for IPv4 egress of pod sandbox/Deployment/runner: no egress NetworkPolicy selects it (no NetworkPolicy or Calico policy with Egress in policyTypes selects its labels in namespace sandbox), and its node's packet filter (${dir}/rules.v4) does not stop it either (e.g. IPv4 tcp → 198.51.100.7:443, new connection, allowed by NetworkPolicy/sandbox/Deployment/runner (no NetworkPolicy selects it for Egress) policy ACCEPT (${dir}/k8s.yaml:11), then filter/FORWARD policy ACCEPT (${dir}/rules.v4:4)). Fix: add a default-deny egress NetworkPolicy in namespace sandbox (podSelector: {}, policyTypes: [Egress]) and allow only the endpoints the pod needs`,
    );
  });
});

describe('a hostNetwork pod behind its node', () => {
  it('is a process of the node: judged on the node OUTPUT path (policy ACCEPT here), named after the pod, and the node is not judged again alone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'k8s.yaml'), readFileSync(`${P}/pod-unselected-node/k8s.yaml`, 'utf8').replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:'));
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      `egress:\n  contexts:\n    - kind: pod\n      namespace: sandbox\n      labels: {app: sandbox-runner}\n      behind: [${P}/pod-unselected-node]\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n`,
    );
    const r = run([join(dir, 'k8s.yaml'), `${P}/pod-unselected-node/rules.v4`, `${P}/pod-unselected-node/rules.v6`, '-c', join(dir, 'sandcheck.yaml')]);
    expect(r.code).toBe(1);
    const v4 = `${P}/pod-unselected-node/rules.v4:5`;
    const v6 = `${P}/pod-unselected-node/rules.v6:5`;
    expect(r.findings).toEqual([
      `egress-dns-unrestricted fail ${v4}`,
      `egress-dns-unrestricted fail ${v6}`,
      `egress-internal-reachable warn ${v4}`,
      `egress-internal-reachable warn ${v6}`,
      `egress-metadata-reachable fail ${v4}`,
      `egress-metadata-reachable fail ${v6}`,
      `egress-no-default-deny fail ${v4}`,
      `egress-no-default-deny fail ${v6}`,
    ]);
    expect(new Set(r.raw.map((f: R) => f.evidence.context))).toEqual(new Set(['pod sandbox/Deployment/runner (hostNetwork)']));
    expect(r.raw.find((f: R) => f.ruleId === 'egress-no-default-deny' && f.evidence.family === 'IPv4')!.evidence.path).toBe(`filter/OUTPUT policy ACCEPT (${v4})`);
  });
});

const C = `${P}/compose-docker-user`;

describe('compose networks ∩ the host packet filter', () => {
  it('services on bridges and on the host network, behind a host whose DOCKER-USER and OUTPUT allow only the allowlist: pass; the compose file alone fails', () => {
    const cfg = `${C}/sandcheck.yaml`;
    const path = run([C, '-c', cfg]);
    expect(path.code).toBe(0);
    expect(path.verdict).toBe('pass');
    expect(path.findings).toEqual([]);

    const alone = run([`${C}/compose.yaml`, '-c', cfg]);
    expect(alone.verdict).toBe('fail');
    expect(alone.findings).toEqual([
      `egress-no-default-deny fail ${C}/compose.yaml:11`,
      `egress-no-default-deny fail ${C}/compose.yaml:11`,
      `egress-no-default-deny fail ${C}/compose.yaml:5`,
      `egress-no-default-deny fail ${C}/compose.yaml:8`,
    ]);
    // The message does not repeat the line the finding is reported at.
    expect(alone.raw.map((f: R) => f.message).sort()).toEqual([
      'No default deny for IPv4 egress of compose service agent/debug: network_mode: host shares the host\'s network stack, so only the host\'s own OUTPUT rules can filter it (e.g. IPv4 tcp → 198.51.100.7:443, new connection)',
      'No default deny for IPv4 egress of compose service agent/runner: network_mode: bridge puts it on Docker\'s default bridge, so the compose layer does not restrict its egress (e.g. IPv4 tcp → 198.51.100.7:443, new connection)',
      'No default deny for IPv4 egress of compose service agent/tools: it is on network sandbox, which is not internal: true, so the compose layer does not restrict its egress (e.g. IPv4 tcp → 198.51.100.7:443, new connection)',
      'No default deny for IPv6 egress of compose service agent/debug: network_mode: host shares the host\'s network stack, so only the host\'s own OUTPUT rules can filter it (e.g. IPv6 tcp → [2606:4700::1111]:443, new connection)',
    ]);
  });

  it('ports: of a host-network service are not reported (Docker discards them); those of a bridged service are', () => {
    const r = run([`${C}/compose.yaml`, '-c', `${C}/sandcheck.yaml`], 'scan');
    expect(r.all.filter((f: R) => f.ruleId === 'container-host-port')).toEqual([]);
    const dir = tempDir();
    writeFileSync(join(dir, 'compose.yaml'), readFileSync(`${C}/compose.yaml`, 'utf8').replace('    network_mode: host\n', '    network_mode: bridge\n'));
    const bridged = run([join(dir, 'compose.yaml'), '-c', `${C}/sandcheck.yaml`], 'scan');
    expect(bridged.all.filter((f: R) => f.ruleId === 'container-host-port').map((f: R) => `${f.location.file}:${f.location.line}`)).toEqual([`${dir}/compose.yaml:12`]);
  });

  it('a host whose DOCKER-USER lets everything through: bridged services fail at the FORWARD accept of their bridge, the host-network one at the OUTPUT policy', () => {
    const dir = tempDir();
    copyFileSync(`${C}/compose.yaml`, join(dir, 'compose.yaml'));
    const open = readFileSync(`${C}/rules.v4`, 'utf8')
      .replace(':OUTPUT DROP [0:0]', ':OUTPUT ACCEPT [0:0]')
      .replace('-A DOCKER-USER -i docker0 -j SANDBOX-EGRESS\n-A DOCKER-USER -s 172.30.0.0/24 -j SANDBOX-EGRESS\n', '');
    writeFileSync(join(dir, 'rules.v4'), open);
    copyFileSync(`${C}/rules.v6`, join(dir, 'rules.v6'));
    const r = run([dir, '-c', `${C}/sandcheck.yaml`]);
    expect(r.code).toBe(1);
    const mine = (svc: string) => r.raw.filter((f: R) => f.evidence.context === `compose service agent/${svc}`).map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.line}`).sort();
    // docker0: FORWARD #5 `-i docker0 ! -o docker0 -j ACCEPT` (line 14); sbx0: FORWARD #9 `-i sbx0 ! -o sbx0 -j ACCEPT` (line 18).
    expect(mine('runner')).toEqual(['egress-allow-any fail 14', 'egress-dns-unrestricted fail 14', 'egress-internal-reachable warn 14', 'egress-metadata-reachable fail 14']);
    expect(mine('tools')).toEqual(['egress-allow-any fail 18', 'egress-dns-unrestricted fail 18', 'egress-internal-reachable warn 18', 'egress-metadata-reachable fail 18']);
    expect(mine('debug')).toEqual(['egress-dns-unrestricted fail 5', 'egress-internal-reachable warn 5', 'egress-metadata-reachable fail 5', 'egress-no-default-deny fail 5']);
    const runner = r.raw.find((f: R) => f.evidence.context === 'compose service agent/runner' && f.ruleId === 'egress-allow-any')!;
    expect(runner.evidence.path).toBe(
      `compose IPv4/compose network policy ACCEPT (${dir}/compose.yaml:5), then filter/FORWARD #1 → DOCKER-USER #2 RETURN → FORWARD #2 → DOCKER-ISOLATION-STAGE-1 #1 RETURN → FORWARD #5 ACCEPT (${dir}/rules.v4:14)`,
    );
  });
});

describe('input notes of a host on a compose path', () => {
  it('a note of the host dump (legacy tables not captured) is reported once, by the host, not again for each service', () => {
    const dir = tempDir();
    copyFileSync(`${C}/compose.yaml`, join(dir, 'compose.yaml'));
    copyFileSync(`${C}/rules.v6`, join(dir, 'rules.v6'));
    writeFileSync(join(dir, 'rules.v4'), readFileSync(`${C}/rules.v4`, 'utf8').replace('(nf_tables) on docker-host\n', '(nf_tables) on docker-host\n# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n'));
    const r = run([dir, '-c', `${C}/sandcheck.yaml`]);
    expect(r.findings).toEqual([`egress-input-opaque warn ${dir}/rules.v4:2`]);
  });
});

describe('compose services behind a host named by behind', () => {
  it('the compose file and the dumps in different directories: a container context behind the dumps directory puts them on the path', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'app'));
    mkdirSync(join(dir, 'host'));
    copyFileSync(`${C}/compose.yaml`, join(dir, 'app', 'compose.yaml'));
    for (const f of ['rules.v4', 'rules.v6']) copyFileSync(`${C}/${f}`, join(dir, 'host', f));
    const cfg = (behind: string) =>
      `egress:\n  contexts:\n    - kind: container\n      interface: docker0\n${behind}  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.0.0.2]\n`;
    writeFileSync(join(dir, 'behind.yaml'), cfg(`      behind: [${join(dir, 'host')}]\n`));
    const r = run([join(dir, 'app'), join(dir, 'host'), '-c', join(dir, 'behind.yaml')]);
    expect(r.code).toBe(0);
    expect(r.verdict).toBe('pass');
    expect(r.findings).toEqual([]);
    // Without behind, the dumps are in another directory: each service is judged on its compose layer alone.
    writeFileSync(join(dir, 'plain.yaml'), cfg(''));
    const plain = run([join(dir, 'app'), join(dir, 'host'), '-c', join(dir, 'plain.yaml')]);
    expect(plain.findings).toEqual([
      `egress-no-default-deny fail ${dir}/app/compose.yaml:11`,
      `egress-no-default-deny fail ${dir}/app/compose.yaml:11`,
      `egress-no-default-deny fail ${dir}/app/compose.yaml:5`,
      `egress-no-default-deny fail ${dir}/app/compose.yaml:8`,
    ]);
  });
});

describe('compose bridge with an unknown id', () => {
  it('a project network without a bridge name is `br-*`: `-i br-+` decides it, an exact br-<id> stays unknown', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'h'));
    writeFileSync(join(dir, 'h', 'compose.yaml'), 'name: p\nservices:\n  app:\n    image: x@sha256:0000000000000000000000000000000000000000000000000000000000000000\n');
    writeFileSync(
      join(dir, 'h', 'rules.v4'),
      '# Generated by iptables-save v1.8.9 (nf_tables) on h\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A FORWARD -i br-+ -j ACCEPT\n-A DOCKER-USER -i br-+ -d 160.79.104.0/23 -p tcp -m tcp --dport 443 -j RETURN\n-A DOCKER-USER -i br-+ -d 10.0.0.2/32 -p udp -m udp --dport 53 -j RETURN\n-A DOCKER-USER -i br-+ -j DROP\nCOMMIT\n',
    );
    writeFileSync(join(dir, 'h', 'rules.v6'), '# Generated by ip6tables-save v1.8.9 (nf_tables) on h\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\nCOMMIT\n');
    const r = run([join(dir, 'h'), '-c', `${C}/sandcheck.yaml`]);
    const app = (x: typeof r) => x.raw.filter((f: R) => f.evidence.context === 'compose service p/app');
    // The service passes; the host's own processes (OUTPUT policy DROP, nothing allowed) only warn that the allowlist is blocked.
    expect(app(r)).toEqual([]);
    expect(r.findings).toEqual([`egress-required-endpoint-blocked warn ${dir}/h/rules.v4:5`]);
    writeFileSync(join(dir, 'h', 'rules.v4'), readFileSync(join(dir, 'h', 'rules.v4'), 'utf8').replace('-A DOCKER-USER -i br-+ -j DROP', '-A DOCKER-USER -i br-0123456789ab -j DROP'));
    const exact = run([join(dir, 'h'), '-c', `${C}/sandcheck.yaml`]);
    // Whether the DROP applies depends on the bridge's id: every excess is only possible (warn), and the rule is named.
    expect(app(exact).map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.line}`).sort()).toEqual([
      'egress-allow-any warn 8',
      'egress-dns-unrestricted warn 8',
      'egress-input-opaque warn 11',
      'egress-internal-reachable warn 8',
      'egress-metadata-reachable warn 8',
    ]);
    expect(app(exact).find((f: R) => f.ruleId === 'egress-input-opaque')!.evidence.unknown).toBe('input interface br-0123456789ab (depends on the source, not known for this context)');
  });
});

const S = `${P.replace('/paths', '')}/pod-sysctl`;

describe('pod securityContext.sysctls as IPv6 evidence', () => {
  it('net.ipv6.conf.all.disable_ipv6 = 1 in the pod: IPv6 is not judged (the node has no IPv6 rules), --explain says why', () => {
    const r = run([S, '-c', `${S}/sandcheck.yaml`]);
    expect(r.code).toBe(0);
    expect(r.verdict).toBe('pass');
    expect(r.findings).toEqual([]);
    const explain = sandcheck(['egress', S, '-c', `${S}/sandcheck.yaml`, '--explain', '-q']);
    expect(explain.stdout + explain.stderr).toContain(`IPv6: not judged — IPv6 is off on this host: securityContext.sysctls net.ipv6.conf.all.disable_ipv6 = 1 in the pod (${S}/k8s.yaml:15)`);
  });

  it('without the sysctl, IPv6 is open while the node restricts IPv4: reported on the workload', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'k8s.yaml'), readFileSync(`${S}/k8s.yaml`, 'utf8').replace(/      securityContext:\n(.*\n){3}/, ''));
    copyFileSync(`${S}/rules.v4`, join(dir, 'rules.v4'));
    const r = run([dir, '-c', `${S}/sandcheck.yaml`]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([`egress-ipv6-open fail ${dir}/k8s.yaml:11`]);
    expect(r.raw[0]!.message).toBe(
      `IPv6 egress of pod sandbox/Deployment/runner is open while IPv4 is restricted: IPv6 tcp → [2606:4700::1111]:443, new connection, allowed by NetworkPolicy/sandbox/Deployment/runner (no NetworkPolicy selects it for Egress) policy ACCEPT (${dir}/k8s.yaml:11); no egress NetworkPolicy selects it, and its node's dumps (${dir}/rules.v4) hold no IPv6 rules`,
    );
  });
});
