import { describe, expect, it } from 'vitest';
import { ALLOW_YAML, scanEgress } from './cloud-helpers.js';

/**
 * AWS topology on an egress path: the security groups of one network interface unioned, its subnet's
 * network ACL (inbound entries included: NACLs are stateless) and its subnet's route table, each
 * intersected. Fixtures: fixtures/egress/cloud-interfaces, cloud-instances, cloud-nacl-replies,
 * cloud-routes, cloud-terraform.
 */

const I = 'fixtures/egress/cloud-interfaces';
const N = 'fixtures/egress/cloud-nacl-replies/nacl.json';
const R = 'fixtures/egress/cloud-routes';

/** What a security group alone shows on AWS: IMDS and Amazon DNS are never filtered by it (a warning per family). */
const platform = (at: string): string[] => [`egress-dns-unrestricted warn ${at}`, `egress-dns-unrestricted warn ${at}`, `egress-metadata-reachable warn ${at}`, `egress-metadata-reachable warn ${at}`];

describe('security groups mapped to network interfaces', () => {
  it('alone, a group that only allows DNS blocks the API; on its interface it is unioned with the API group', async () => {
    const alone = await scanEgress([`${I}/groups.json`]);
    // sg-0dns…: only udp/53 to the resolver, judged alone (no interface in the scan).
    expect(alone.findings).toContain(`egress-required-endpoint-blocked warn ${I}/groups.json:12`);

    const r = await scanEgress([I]);
    expect(r.verdict).toBe('fail');
    expect(r.findings).toEqual(
      [
        // eni-0builder…: sg-0api ∪ sg-0default — the default group's allow-all wins the union.
        `egress-allow-any fail ${I}/groups.json:23`,
        `egress-allow-any fail ${I}/groups.json:23`,
        `egress-dns-unrestricted fail ${I}/groups.json:23`,
        `egress-dns-unrestricted fail ${I}/groups.json:23`,
        `egress-internal-reachable warn ${I}/groups.json:23`,
        `egress-internal-reachable warn ${I}/groups.json:23`,
        ...platform(`${I}/groups.json:4`).filter((f) => f.includes('metadata')),
        // eni-0runner…: sg-0api ∪ sg-0dns — only what no security group can filter, and the resolver (any name).
        ...platform(`${I}/groups.json:4`),
        `egress-dns-unrestricted warn ${I}/groups.json:15`,
        // eni-0builder… reaches the resolver too.
        `egress-dns-unrestricted warn ${I}/groups.json:23`,
        // sg-0unused… is attached to no listed interface: judged alone, as before.
        `egress-destination-not-allowlisted fail ${I}/groups.json:31`,
        ...platform(`${I}/groups.json:28`),
        `egress-required-endpoint-blocked warn ${I}/groups.json:28`,
      ].sort(),
    );
    // The groups of an interface are not judged again alone.
    expect(r.raw.filter((f) => /Instances behind AWS security group sg-0(api|dns|default)/.test(f.message))).toEqual([]);
    const any = r.raw.find((f) => f.ruleId === 'egress-allow-any')!;
    expect(any.message).toBe(
      `Every public IPv4 address is reachable from interface eni-0builder0000001 (instance i-0builder00000001) on any protocol: IPv4 tcp → 198.51.100.7:443, new connection, allowed by cloud/AWS security groups sg-0api000000000001 ∪ sg-0default00000001 #12 egress all traffic to 0.0.0.0/0 (${I}/groups.json:23)`,
    );
  });

  it('behind: [i-…] puts the instance primary interface on a host path; its other interface and an instance without interfaces are judged alone', async () => {
    const cfg = `egress:\n  contexts:\n    - kind: host-process\n      behind: [i-0multi0000000001]\n${ALLOW_YAML.slice('egress:\n'.length)}`;
    const host = 'fixtures/egress/paths/host-open-sg-strict';
    const r = await scanEgress([`${host}/rules.v4`, `${host}/rules.v6`, 'fixtures/egress/cloud-instances/instances.json', `${I}/groups.json`], cfg);
    const inst = 'fixtures/egress/cloud-instances/instances.json';
    // The open host ∩ (sg-0api ∪ sg-0dns) reaches the API and the resolver only: the resolver warning (names can carry data) is all.
    expect(r.findings.filter((f) => f.includes('rules.v'))).toEqual([`egress-dns-unrestricted warn ${host}/rules.v4:5`]);
    expect(r.raw.find((f) => f.location.file?.endsWith('rules.v4'))!.message).toMatch(/^Host processes can query the resolver 10\.96\.0\.10, which resolves any name/);
    const note = r.raw.find((f) => f.location.file === inst && f.location.line === 28)!;
    expect(note.ruleId).toBe('egress-input-opaque');
    expect(note.message).toBe(
      'Host processes: instance i-0multi0000000001 has 2 network interfaces (eni-0multi100000001, eni-0multi000000001); it is judged on its primary interface eni-0multi000000001. Name another interface in egress.contexts[].behind to judge the path through it',
    );
    // i-0legacy… (no NetworkInterfaces: the instance is its primary interface) has sg-0gone…, which no listing gives:
    // a group whose rules are unknown may allow anything, so allow-any is only possible (warn), at that group's line.
    expect(r.findings.filter((f) => f.includes(`${inst}:41`))).toEqual([
      `egress-allow-any warn ${inst}:41`,
      `egress-allow-any warn ${inst}:41`,
      `egress-input-opaque warn ${inst}:41`,
      `egress-input-opaque warn ${inst}:41`,
      `egress-internal-reachable warn ${inst}:41`,
      `egress-internal-reachable warn ${inst}:41`,
    ]);
    expect(r.raw.find((f) => f.ruleId === 'egress-allow-any' && f.location.line === 41)!.message).toMatch(/^Possibly every public IPv4 address is reachable from instance i-0legacy000000001 on any protocol: /);
    // eni-0multi1… (device index 1, the default group) alone.
    expect(r.raw.filter((f) => f.ruleId === 'egress-allow-any' && f.verdict === 'fail').map((f) => f.message.split(' on ')[0])).toEqual([
      'Every public IPv4 address is reachable from interface eni-0multi100000001 (instance i-0multi0000000001)',
      'Every public IPv6 address is reachable from interface eni-0multi100000001 (instance i-0multi0000000001)',
    ]);
  });

  it('a pod behind an interface: its policy ∩ the interface groups unioned; the interface is not judged again alone', async () => {
    const cfg = `egress:\n  contexts:\n    - kind: pod\n      namespace: sandbox\n      labels: {app: sandbox-runner}\n      behind: [eni-0runner00000001]\n${ALLOW_YAML.slice('egress:\n'.length)}`;
    const k8s = 'fixtures/egress/paths/pod-policy-and-sg/k8s.yaml';
    const r = await scanEgress([k8s, `${I}/interfaces.json`, `${I}/groups.json`], cfg);
    // The policy alone allows every public address (fixtures/egress/paths); sg-0api ∪ sg-0dns leaves the API and the resolver.
    expect(r.findings.filter((f) => f.includes('k8s.yaml'))).toEqual([`egress-dns-unrestricted warn ${k8s}:34`]);
    expect(r.raw.some((f) => f.message.includes('eni-0runner'))).toBe(false);
    expect(r.raw.filter((f) => f.message.startsWith('Interface eni-0builder')).length).toBeGreaterThan(0);
  });

  it('Terraform aws_instance vpc_security_group_ids and aws_network_interface security_groups', async () => {
    const tf = 'fixtures/egress/cloud-terraform/main.tf';
    const r = await scanEgress([tf]);
    expect(r.findings.filter((f) => !/dns-unrestricted|metadata-reachable/.test(f))).toEqual([
      `egress-allow-any fail ${tf}:31`,
      `egress-allow-any fail ${tf}:32`,
      `egress-internal-reachable warn ${tf}:31`,
      `egress-internal-reachable warn ${tf}:32`,
    ]);
    const labels = [...new Set(r.raw.map((f) => f.message.split(' can ')[0]!.replace(/^(Every|Possibly every) public IPv[46] address is reachable from /, '').split(' on ')[0]))].sort();
    // No group is judged alone: each is on an interface; the runner (api ∪ dns) blocks nothing it needs.
    expect(labels).toEqual(['Instance aws_instance.runner', 'Interface aws_network_interface.builder (instance aws_instance.builder)', 'interface aws_network_interface.builder (instance aws_instance.builder)']);
    expect(r.findings.some((f) => f.startsWith('egress-required-endpoint-blocked'))).toBe(false);
  });
});

describe('Terraform JSON: plan and state', () => {
  const T = 'fixtures/egress/cloud-terraform';
  const who = (r: Awaited<ReturnType<typeof scanEgress>>) => [...new Set(r.raw.map((f) => (/(Instance aws_instance\.runner|Instances behind AWS security group aws_security_group\.\w+)/i.exec(f.message) ?? ['?'])[0]!.replace(/^i/, 'I')))].sort();
  it('a plan: groups known only after apply come from the configuration references', async () => {
    const r = await scanEgress([`${T}/plan.json`]);
    // The runner is behind aws_security_group.api (a reference in configuration): not blocked, not open.
    expect(who(r)).toEqual(['Instance aws_instance.runner', 'Instances behind AWS security group aws_security_group.open']);
    expect(r.findings.filter((f) => f.includes(':7'))).toEqual([...platform(`${T}/plan.json:7`)]);
    expect(r.findings).toContain(`egress-allow-any fail ${T}/plan.json:42`);
  });
  it('a state: the sg-… ids of vpc_security_group_ids name the groups of the same state', async () => {
    const r = await scanEgress([`${T}/state.json`]);
    expect(who(r)).toEqual(['Instance aws_instance.runner', 'Instances behind AWS security group aws_security_group.api']);
    expect(r.raw.find((f) => f.ruleId === 'egress-allow-any')!.message).toMatch(/^Every public IPv4 address is reachable from instance aws_instance\.runner on any protocol: .* allowed by cloud\/AWS security group aws_security_group\.open \(open\) #6 egress all traffic to 0\.0\.0\.0\/0 \(fixtures\/egress\/cloud-terraform\/state\.json:43\)$/);
  });
});

describe('Terraform network ACLs and route tables', () => {
  it('aws_network_acl (subnet_ids), aws_route_table + association, aws_default_route_table, the VPC local route from aws_vpc', async () => {
    const tf = 'fixtures/egress/cloud-terraform/network.tf';
    const r = await scanEgress([tf]);
    const of = (who: string) => r.raw.filter((f) => f.message.includes(who)).map((f) => `${f.ruleId} ${f.verdict} ${f.location.line}`).sort();
    // worker (private subnet): https-out ∩ its ACL (the API's reply is not allowed in) ∩ its table (local route only).
    expect(of('aws_instance.worker')).toEqual([
      'egress-dns-unrestricted warn 15',
      'egress-dns-unrestricted warn 15',
      'egress-internal-reachable warn 23',
      'egress-metadata-reachable warn 15',
      'egress-metadata-reachable warn 15',
      'egress-required-endpoint-blocked warn 41',
    ]);
    expect(r.raw.find((f) => f.ruleId === 'egress-required-endpoint-blocked')!.message).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from instance aws_instance.worker: IPv4 tcp → 160.79.104.7:443, new connection, blocked by cloud/AWS network ACL aws_network_acl.private #32767 reply dropped by the implicit inbound * deny (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply) (${tf}:41)`,
    );
    expect(r.raw.find((f) => f.ruleId === 'egress-internal-reachable' && f.message.includes('worker'))!.message).toMatch(/\(10\.0\.0\.0\/16 tcp\/443\).*then cloud\/AWS route table aws_route_table\.private #\d+ route 10\.0\.0\.0\/16 → local \(inside the VPC\)/);
    // gateway (public subnet, no association): the main table routes 0.0.0.0/0 to the internet gateway.
    expect(of('aws_instance.gateway')).toEqual([
      'egress-allow-any fail 23',
      'egress-dns-unrestricted warn 15',
      'egress-dns-unrestricted warn 15',
      'egress-internal-reachable warn 23',
      'egress-metadata-reachable warn 15',
      'egress-metadata-reachable warn 15',
    ]);
    expect(r.raw.find((f) => f.ruleId === 'egress-allow-any')!.evidence!.path).toBe(
      `cloud/AWS security group aws_security_group.https (https-out) #6 egress tcp 443-443 to 0.0.0.0/0 (${tf}:23), then cloud/AWS route table aws_default_route_table.main (main) #7 route 0.0.0.0/0 → aws_internet_gateway.main.id (${tf}:76)`,
    );
  });
});

describe('network ACL return traffic (stateless)', () => {
  it('an outbound allow whose reply the inbound entries deny is not reachable; partial ephemeral ranges are possible only', async () => {
    const r = await scanEgress([N]);
    expect(r.findings).toEqual(
      [
        ...platform(`${N}:4`),
        ...platform(`${N}:78`),
        ...platform(`${N}:163`),
        ...platform(`${N}:248`),
        // acl-0noreply…: inbound allows tcp from 10.0.0.0/8 only; the * rule drops the API's reply.
        `egress-required-endpoint-blocked warn ${N}:62`,
        // acl-0partial…: inbound allows tcp 49152-65535; Linux picks 32768-60999 — not certain.
        `egress-required-endpoint-blocked warn ${N}:147`,
        `egress-input-opaque warn ${N}:147`,
        // acl-0order…: rule 50 (listed after 100) denies all protocols (-1) from 160.79.104.0/24 first.
        `egress-required-endpoint-blocked warn ${N}:302`,
        // The resolver is reachable (names can carry data) where its udp reply is allowed inbound: not in acl-0noreply….
        `egress-dns-unrestricted warn ${N}:100`,
        `egress-dns-unrestricted warn ${N}:185`,
        `egress-dns-unrestricted warn ${N}:270`,
        // acl-0replies… allows the replies on 32768-60999: nothing more.
      ].sort(),
    );
    const blocked = (line: number) => r.raw.find((f) => f.ruleId === 'egress-required-endpoint-blocked' && f.location.line === line)!.message;
    expect(blocked(62)).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from instances behind AWS network ACL acl-0noreply0000001: IPv4 tcp → 160.79.104.7:443, new connection, blocked by cloud/AWS network ACL acl-0noreply0000001 #32767 reply dropped by inbound rule 32767 deny 0.0.0.0/0 (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply) (${N}:62)`,
    );
    expect(blocked(302)).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from instances behind AWS network ACL acl-0order0000001: IPv4 tcp → 160.79.104.1:443, new connection, blocked by cloud/AWS network ACL acl-0order0000001 #50 reply dropped by inbound rule 50 deny 160.79.104.0/24 (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply) (${N}:302)`,
    );
    expect(blocked(147)).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from instances behind AWS network ACL acl-0partial000001: IPv4 tcp → 160.79.104.7:443, new connection, blocked by cloud/AWS network ACL acl-0partial000001 #32767 reply dropped by inbound rule 32767 deny 0.0.0.0/0 on part of the ephemeral ports (NACLs are stateless) (${N}:147) if which ephemeral port the connection uses (the reply passes on part of 1024-65535 only; Linux uses 32768-60999) (${N}:147)`,
    );
  });
});

describe('network ACL of an interface', () => {
  it("the ACL associated with the interface's subnet, else the VPC's default ACL; neither is judged again alone", async () => {
    const d = 'fixtures/egress/cloud-nacl-replies';
    const r = await scanEgress([d, `${I}/groups.json`]);
    const of = (who: string) => r.raw.filter((f) => f.message.toLowerCase().includes(who.toLowerCase())).map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort();
    // eni-0noreply… (subnet-0noreply001): sg-0api ∩ acl-0noreply… — the API's reply is dropped inbound.
    expect(of('eni-0noreply0000001')).toEqual([...platform(`${I}/groups.json:4`), `egress-required-endpoint-blocked warn ${N}:62`].sort());
    // eni-0default… (a subnet no ACL lists): sg-0api ∩ the default ACL (allow all, both ways).
    expect(of('eni-0default0000001')).toEqual(platform(`${I}/groups.json:4`));
    expect(of('instances behind AWS network ACL acl-0noreply0000001')).toEqual([]);
    expect(of('instances behind AWS network ACL acl-0default000001')).toEqual([]);
    // The ACLs of no listed interface's subnet are judged alone, as before.
    expect(of('instances behind AWS network ACL acl-0partial000001').length).toBe(7);
  });
});

describe('route tables', () => {
  it('a private subnet (only the local route) reaches nothing public, whatever the host and its security group allow', async () => {
    const d = `${R}/private-host`;
    const alone = await scanEgress([`${d}/rules.v4`, `${d}/rules.v6`, `${d}/groups.json`]);
    expect(alone.findings).toContain(`egress-allow-any fail ${d}/rules.v4:5`);
    const r = await scanEgress([d]);
    expect(r.verdict).toBe('fail');
    expect(r.findings).toEqual([
      // DNS to any server of the VPC (10.0.0.0/16 through the local route), not only the resolver.
      `egress-dns-unrestricted fail ${d}/rules.v4:5`,
      `egress-internal-reachable warn ${d}/rules.v4:5`,
      `egress-required-endpoint-blocked warn ${d}/routes.json:15`,
    ]);
    expect(r.raw.find((f) => f.ruleId === 'egress-required-endpoint-blocked')!.message).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from host processes: IPv4 tcp → 160.79.104.7:443, new connection, blocked by cloud/AWS route table rtb-0private000001 #7 no route to the destination: unreachable from this route table (${d}/routes.json:15)`,
    );
    expect(r.raw[0]!.evidence!.layers).toBe(
      `iptables-save (nf_tables) IPv4 from ${d}/rules.v4; ip6tables-save (nf_tables) IPv6 from ${d}/rules.v6; AWS security group sg-0open0000000001 (default) from ${d}/groups.json; AWS route table rtb-0private000001 from ${d}/routes.json`,
    );
  });

  it('the main table applies to a subnet without association; a blackhole route makes its destination unreachable; IPv6 through an egress-only gateway', async () => {
    const d = `${R}/blackhole`;
    const r = await scanEgress([d]);
    expect(r.findings.filter((f) => !/dns-unrestricted|metadata-reachable/.test(f))).toEqual([
      `egress-allow-any fail ${d}/groups.json:7`,
      `egress-destination-not-allowlisted fail ${d}/groups.json:7`,
      `egress-internal-reachable warn ${d}/groups.json:7`,
      `egress-internal-reachable warn ${d}/groups.json:7`,
      `egress-required-endpoint-blocked warn ${d}/routes.json:8`,
    ]);
    const msg = (rule: string) => r.raw.find((f) => f.ruleId === rule)!.message;
    expect(r.raw[0]!.evidence!.layers).toBe(`AWS security group sg-0https000000001 (https-out) from ${d}/groups.json; AWS route table rtb-0main000000002 (main) from ${d}/routes.json`);
    expect(msg('egress-required-endpoint-blocked')).toBe(
      `Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from interface eni-0public00000001 (instance i-0public000000001): IPv4 tcp → 160.79.104.7:443, new connection, blocked by cloud/AWS route table rtb-0main000000002 (main) #6 route 160.79.104.0/23 → pcx-0gone000000001 is a blackhole (its target is gone): dropped (${d}/routes.json:8)`,
    );
    expect(msg('egress-allow-any')).toBe(
      `Every public IPv6 address is reachable from interface eni-0public00000001 (instance i-0public000000001) on tcp/443: IPv6 tcp → [2606:4700::1111]:443, new connection, allowed by cloud/AWS security group sg-0https000000001 (https-out) #7 egress tcp 443-443 to ::/0 (${d}/groups.json:7), then cloud/AWS route table rtb-0main000000002 (main) #9 route ::/0 → eigw-0sandbox00001 (${d}/routes.json:10)`,
    );
  });

  it('a host directory with two interfaces: which is the host is not known, no route table is taken, a warning says so', async () => {
    const d = `${R}/ambiguous`;
    const r = await scanEgress([d, `${I}/groups.json`]);
    const note = r.raw.find((f) => f.location.file === `${d}/interfaces.json`)!;
    expect(`${note.ruleId} ${note.verdict} ${note.location.line}`).toBe('egress-input-opaque warn 12');
    expect(note.message).toBe(
      "Host processes: the host's directory lists 2 network interfaces (eni-0runner00000001, eni-0builder0000001), and which one is this host's is not known: its security groups and network ACLs are all taken as on its path (unioned, intersected), its route tables none. Name its interface in egress.contexts[].behind",
    );
    // The open host keeps its findings (the local-only route table of subnet-0private0001 is not on its path) …
    expect(r.findings).toContain(`egress-no-default-deny fail ${d}/rules.v4:5`);
    expect(r.findings).toContain(`egress-no-default-deny fail ${d}/rules.v6:5`);
    // … and eni-0runner…, judged alone, is cut off from the API by that table.
    const blocked = r.raw.filter((f) => f.ruleId === 'egress-required-endpoint-blocked' && f.location.file === `${d}/routes.json`);
    expect(blocked.map((f) => `${f.location.line} ${f.message.split(':')[0]}`)).toEqual(['5 Required endpoint api.anthropic.com 160.79.104.0/23 is not certainly reachable from interface eni-0runner00000001 (instance i-0runner000000001)']);
  });

  it('a route table alone is no firewall evidence: not assessed', async () => {
    const r = await scanEgress([`${R}/private-host/routes.json`]);
    expect(r.verdict).toBe('not-assessed');
    expect(r.findings).toEqual([]);
  });
});

describe('GCP instances: target tags and service accounts', () => {
  const G = 'fixtures/egress/cloud-gcp-instances';
  it('alone, rules limited to targets are opaque; with the instances listed, each instance gets the rules that target it', async () => {
    const alone = await scanEgress([`${G}/fw.json`]);
    // The metadata server (also DNS) is never filtered by VPC firewall rules: a warning at the network (line 1), on every path.
    const metadataServer = [`egress-dns-unrestricted warn ${G}/fw.json:1`, `egress-metadata-reachable warn ${G}/fw.json:1`];
    expect(alone.findings).toEqual([
      `egress-allow-any warn ${G}/fw.json:42`,
      ...metadataServer,
      `egress-input-opaque warn ${G}/fw.json:22`,
      `egress-input-opaque warn ${G}/fw.json:32`,
      `egress-input-opaque warn ${G}/fw.json:42`,
      `egress-internal-reachable warn ${G}/fw.json:42`,
      `egress-required-endpoint-blocked warn ${G}/fw.json:4`,
    ].sort());
    const r = await scanEgress([G]);
    expect(r.findings).toEqual([
      // image-builder (tag builder): tcp/80,443 to anywhere.
      `egress-allow-any fail ${G}/fw.json:42`,
      `egress-internal-reachable warn ${G}/fw.json:42`,
      // sandbox-runner (tag sandbox, service account runner@…): the API and the resolver only.
      `egress-dns-unrestricted warn ${G}/fw.json:32`,
      // Both: the metadata server.
      ...metadataServer,
      ...metadataServer,
    ].sort());
    expect(r.raw.find((f) => f.ruleId === 'egress-allow-any')!.message).toBe(
      `Every public IPv4 address is reachable from GCP instance image-builder on tcp/80,443: IPv4 tcp → 198.51.100.7:443, new connection, allowed by cloud/GCP network sandbox for instance image-builder (implied allow egress at priority 65535) #1000 builder-allow-web (priority 1000) allow (${G}/fw.json:42)`,
    );
    expect(r.raw.find((f) => f.ruleId === 'egress-dns-unrestricted' && f.location.line === 32)!.message).toMatch(/^GCP instance sandbox-runner can query the resolver 10\.96\.0\.10/);
    expect(r.raw.find((f) => f.ruleId === 'egress-metadata-reachable')!.message).toBe(
      `GCP instance sandbox-runner can reach a cloud metadata endpoint (169.254.169.254/32 tcp/80) (this firewall cannot filter it: block it on the host): IPv4 tcp → 169.254.169.254:80, new connection, allowed by cloud/GCP network sandbox for instance sandbox-runner (implied allow egress at priority 65535) #1 platform: metadata server (metadata.google.internal, also DNS and NTP), never filtered by VPC firewall rules (${G}/fw.json:1)`,
    );
    // The instance on a network the scan has no firewall listing for ("elsewhere") is not judged.
    expect(r.raw.some((f) => f.message.includes('elsewhere'))).toBe(false);
  });

  it('behind names the instance a host runs on: the host path gets the rules that target it', async () => {
    const cfg = `egress:\n  contexts:\n    - kind: host-process\n      behind: [sandbox-runner]\n${ALLOW_YAML.slice('egress:\n'.length)}`;
    const host = 'fixtures/egress/paths/host-open-sg-strict';
    const r = await scanEgress([`${host}/rules.v4`, `${host}/rules.v6`, `${G}/instances.json`, `${G}/fw.json`], cfg);
    expect(r.findings).toEqual([
      // The open host ∩ the runner's rules: the resolver (names carry data) …
      `egress-dns-unrestricted warn ${host}/rules.v4:5`,
      // … and image-builder, on no context's path, alone (the metadata server: its network cannot filter it).
      `egress-allow-any fail ${G}/fw.json:42`,
      `egress-internal-reachable warn ${G}/fw.json:42`,
      `egress-dns-unrestricted warn ${G}/fw.json:1`,
      `egress-metadata-reachable warn ${G}/fw.json:1`,
    ].sort());
    expect(r.raw.find((f) => f.location.file?.endsWith('rules.v4'))!.evidence!.layers).toBe(
      `iptables-save (nf_tables) IPv4 from ${host}/rules.v4; ip6tables-save (nf_tables) IPv6 from ${host}/rules.v6; GCP network sandbox for instance sandbox-runner (implied allow egress at priority 65535) from ${G}/fw.json`,
    );
  });
});
