import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudHandler, type CloudEgressData } from '../../src/inputs/cloud/handler.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { InputError } from '../../src/inputs/types.js';
import { replyRules, type InboundEntry } from '../../src/inputs/cloud/nacl-replies.js';
import type { Target } from '../../src/model/target.js';
import { sandcheck } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { terraformHandler } from '../../src/inputs/terraform/handler.js';
import { scanEgress } from './cloud-helpers.js';

/** The AWS topology listings: detection by content, what they are read into, and malformed input. */

const file = (name: string, text: string) => makeSourceFile(name, `/tmp/${name}`, text);
const parse = (name: string, value: unknown) => {
  const f = file(name, JSON.stringify(value, null, 2));
  expect(cloudHandler.detect(f)).toBe(true);
  return (cloudHandler.parse(f).targets[0] as Target<CloudEgressData>).data.scopes;
};
const error = (name: string, value: unknown): InputError => {
  try {
    cloudHandler.parse(file(name, JSON.stringify(value, null, 2)));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error(`no InputError for ${name}`);
};

describe('AWS topology listings', () => {
  it('describe-network-interfaces: groups, subnet, VPC, instance and device index, addresses, lines', () => {
    const [s] = parse('eni.json', {
      NetworkInterfaces: [
        {
          Attachment: { DeviceIndex: 0, InstanceId: 'i-1' },
          Groups: [{ GroupId: 'sg-1', GroupName: 'a' }, { GroupId: 'sg-2' }],
          NetworkInterfaceId: 'eni-1',
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5' }, { PrivateIpAddress: '10.0.0.6' }],
          Ipv6Addresses: [{ Ipv6Address: '2600::5' }],
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
        },
      ],
    });
    expect(s!.kind).toBe('aws-eni');
    expect(s!.label).toBe('AWS network interface eni-1 (instance i-1)');
    expect(s!.iface).toEqual({
      id: 'eni-1',
      instanceId: 'i-1',
      deviceIndex: 0,
      subnetId: 'subnet-1',
      vpcId: 'vpc-1',
      groups: [
        { id: 'sg-1', name: 'a', origin: { file: 'eni.json', line: 10 } },
        { id: 'sg-2', origin: { file: 'eni.json', line: 14 } },
      ],
      addresses: ['10.0.0.5', '10.0.0.6', '2600::5'],
      origin: { file: 'eni.json', line: 17 },
    });
  });

  it('describe-route-tables: associations, main table, routes most specific first, blackholes drop, a final no-route drop', () => {
    const [s] = parse('rt.json', {
      RouteTables: [
        {
          Associations: [{ Main: true }, { SubnetId: 'subnet-9' }],
          RouteTableId: 'rtb-1',
          Routes: [
            { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
            { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
            { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' },
            { DestinationCidrBlock: '10.1.0.0/16', TransitGatewayId: 'tgw-1', State: 'blackhole' },
            { DestinationPrefixListId: 'pl-1', GatewayId: 'vpce-1', State: 'active' },
          ],
          VpcId: 'vpc-1',
        },
      ],
    });
    expect(s!.assoc).toEqual({ vpcId: 'vpc-1', subnets: ['subnet-9'], isDefault: true });
    const rules = s!.ruleset.tables[0]!.chains[0]!.rules.slice(5).map((r) => `${r.verdict.kind} ${r.text}`);
    expect(rules).toEqual([
      'accept route pl-1 → vpce-1',
      // Equally specific routes keep the listing's order (they cannot overlap).
      'accept route 10.0.0.0/16 → local (inside the VPC)',
      'drop route 10.1.0.0/16 → tgw-1 is a blackhole (its target is gone): dropped',
      'accept route 0.0.0.0/0 → igw-1',
      'accept route ::/0 → eigw-1',
      'drop no route to the destination: unreachable from this route table',
    ]);
    expect(s!.ruleset.tables[0]!.chains[0]!.rules[5]!.match[0]!.opaque).toEqual(['prefix list pl-1 (its addresses are not in the listing)']);
    // The drops say in structure which table and which blackhole route decide (the fix of a blocked endpoint is built from it).
    expect(s!.ruleset.tables[0]!.chains[0]!.rules.map((r) => r.verdict.route ?? null).filter((r) => r)).toEqual([
      { table: 'AWS route table rtb-1 (main)', blackhole: 'route 10.1.0.0/16 → tgw-1' },
      { table: 'AWS route table rtb-1 (main)' },
    ]);
  });

  it('describe-instances: an instance without NetworkInterfaces is its own primary interface', () => {
    const scopes = parse('inst.json', { Reservations: [{ Instances: [{ InstanceId: 'i-7', SubnetId: 'subnet-7', SecurityGroups: [{ GroupId: 'sg-7' }] }] }] });
    expect(scopes.map((s) => [s.label, s.iface!.id, s.iface!.subnetId, s.iface!.groups.map((g) => g.id)])).toEqual([['AWS instance i-7', 'i-7', 'subnet-7', ['sg-7']]]);
  });

  it('gcloud compute instances list: network of nic0, tags, service accounts', () => {
    const [s] = parse('vms.json', [{ kind: 'compute#instance', id: '42', name: 'vm-1', networkInterfaces: [{ network: 'projects/p/global/networks/net-a' }, { network: 'projects/p/global/networks/net-b' }], tags: { items: ['t1'] }, serviceAccounts: [{ email: 'a@p.iam.gserviceaccount.com' }] }]);
    expect(s!.kind).toBe('gcp-vm');
    expect(s!.vm).toEqual({ name: 'vm-1', id: '42', network: 'net-a', tags: ['t1'], serviceAccounts: ['a@p.iam.gserviceaccount.com'], origin: { file: 'vms.json', line: 5 } });
  });

  it('Terraform: a file with instances is read only when they name security groups (a plain aws_instance file is not egress input)', () => {
    const tf = (text: string) => terraformHandler.detect(makeSourceFile('main.tf', '/tmp/main.tf', text));
    expect(tf('resource "aws_instance" "x" {\n  ami = "a"\n}\n')).toBe(false);
    expect(tf('resource "aws_instance" "x" {\n  vpc_security_group_ids = [aws_security_group.a.id]\n}\n')).toBe(true);
    expect(tf('resource "aws_network_interface" "x" {\n  security_groups = ["sg-1"]\n}\n')).toBe(true);
  });

  it('an interface whose groups no listing gives: the group layer counts as allow-all, and a warning at the interface says so', async () => {
    const r = await scanEgress(['fixtures/egress/cloud-interfaces/interfaces.json', 'fixtures/egress/cloud-routes/blackhole/routes.json']);
    // eni-0runner… and eni-0builder… are in vpc-0sandbox00001, whose main table is in routes.json: judged on the routes alone,
    // the same rules for both, so once, together.
    const notes = r.raw.filter((f) => f.ruleId === 'egress-input-opaque').map((f) => `${f.location.file}:${f.location.line} ${f.message}`);
    const both = '2 interfaces judged on the same rules (eni-0runner00000001 (instance i-0runner000000001), eni-0builder0000001 (instance i-0builder00000001))';
    expect(notes).toEqual([
      `fixtures/egress/cloud-interfaces/interfaces.json:8 ${both}: the security groups of AWS network interface eni-0runner00000001 (instance i-0runner000000001) (sg-0api000000000001, sg-0dns000000000001) are in no listing of the scan, or not resolved: that layer counts as allow-all (add \`aws ec2 describe-security-groups\` output, or \`terraform show -json\` for Terraform)`,
      `fixtures/egress/cloud-interfaces/interfaces.json:23 ${both}: the security groups of AWS network interface eni-0builder0000001 (instance i-0builder00000001) (sg-0api000000000001, sg-0default00000001) are in no listing of the scan, or not resolved: that layer counts as allow-all (add \`aws ec2 describe-security-groups\` output, or \`terraform show -json\` for Terraform)`,
    ]);
  });

  it('malformed listings are an InputError naming the file, the path and the line', () => {
    const cases: [string, unknown, string][] = [
      ['a.json', { NetworkInterfaces: {} }, 'a.json:2: NetworkInterfaces: expected a list'],
      ['b.json', { NetworkInterfaces: [{ SubnetId: 'subnet-1' }] }, 'b.json:3: NetworkInterfaces.0: no NetworkInterfaceId'],
      ['c.json', { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupName: 'x' }] }] }, 'c.json:6: NetworkInterfaces.0.Groups.0: no GroupId'],
      ['d.json', { Reservations: [{ Instances: [{ SubnetId: 'subnet-1' }] }] }, 'd.json:5: Reservations.0.Instances.0: no InstanceId'],
      ['e.json', { RouteTables: [{ RouteTableId: 'rtb-1', Routes: [{ GatewayId: 'igw-1' }] }] }, 'e.json:6: RouteTables.0.Routes.0: a route without DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId'],
      ['f.json', { RouteTables: [{ RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '10.0.0.0/33', GatewayId: 'local' }] }] }, 'f.json:7: RouteTables.0.Routes.0.DestinationCidrBlock: not a CIDR: "10.0.0.0/33"'],
      ['g.json', { RouteTables: [{ Routes: [] }] }, 'g.json:3: RouteTables.0: no RouteTableId'],
      ['h.json', [{ kind: 'compute#instance', name: 'vm-1', machineType: 'e2' }], 'h.json:2: 0.networkInterfaces: instance vm-1 lists no network interface'],
      ['i.json', [{ kind: 'compute#instance', networkInterfaces: [{ network: 'x' }] }], 'i.json:2: 0: an instance without a name'],
      ['j.json', { NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '-1', CidrBlock: '10.0.0.0/33' }] }] }, 'j.json:11: NetworkAcls.0.Entries.0: not a CIDR: "10.0.0.0/33"'],
      ['k.json', { NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ Egress: false, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' }] }] }, 'k.json:6: NetworkAcls.0.Entries.0: RuleNumber null is not a rule number'],
      ['l.json', { NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ RuleNumber: 5, Egress: true, RuleAction: 'permit', Protocol: '-1', CidrBlock: '0.0.0.0/0' }] }] }, 'l.json:6: NetworkAcls.0.Entries.0: RuleAction "permit" is neither allow nor deny'],
      ['m.json', { NetworkAcls: [{ NetworkAclId: 'acl-1', Entries: [{ RuleNumber: 5, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' }] }] }, 'm.json:6: NetworkAcls.0.Entries.0: Egress must be true or false'],
      ['n.json', { SecurityGroups: [{ GroupId: 'sg-1', IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/40' }] }] }] }, 'n.json:10: security group sg-1, egress rule: not a CIDR: "0.0.0.0/40"'],
    ];
    for (const [name, value, message] of cases) {
      const e = error(name, value);
      expect(e.file).toBe(name);
      expect(e.message).toBe(message);
    }
  });

  it('Terraform: aws_network_acl_rule entries join their ACL; an ACL with a value that needs evaluation is left out (allow-all)', () => {
    const scopesOf = (text: string) => (terraformHandler.parse(makeSourceFile('n.tf', '/tmp/n.tf', text)).targets as Target<CloudEgressData>[]).flatMap((t) => t.data.scopes);
    const acl = (cidr: string) =>
      `resource "aws_network_acl" "a" {\n  subnet_ids = [aws_subnet.s.id]\n}\n\nresource "aws_network_acl_rule" "out" {\n  network_acl_id = aws_network_acl.a.id\n  rule_number    = 100\n  egress         = true\n  protocol       = "-1"\n  rule_action    = "allow"\n  cidr_block     = ${cidr}\n}\n`;
    const [s] = scopesOf(acl('"0.0.0.0/0"'));
    expect(s!.kind).toBe('aws-nacl');
    expect(s!.assoc).toEqual({ subnets: ['aws_subnet.s'], isDefault: false });
    const rules = s!.ruleset.tables[0]!.chains[0]!.rules;
    expect(rules.map((r) => `${r.verdict.kind} ${r.text} @${r.origin.line}`).filter((t) => !t.includes('platform'))).toEqual([
      // No inbound entry: every reply is dropped by the implicit * rule (at the ACL's line).
      'drop reply dropped by the implicit inbound * deny (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply) @1',
      'drop reply dropped by the implicit inbound * deny (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply) @1',
      'accept rule 100 allow 0.0.0.0/0 @5',
    ]);
    expect(scopesOf(acl('var.cidr'))).toEqual([]);
    // A route table whose aws_vpc is not in the input: the private ranges stand for its local route.
    const [rt] = scopesOf('resource "aws_route_table" "r" {\n  vpc_id = var.vpc\n  route {\n    cidr_block = "0.0.0.0/0"\n    nat_gateway_id = aws_nat_gateway.n.id\n  }\n}\n');
    expect(rt!.ruleset.tables[0]!.chains[0]!.rules.slice(5).map((r) => `${r.verdict.kind} ${r.text} @${r.origin.line}`)).toEqual([
      'accept route 192.168.0.0/16 → local (inside the VPC) @1',
      'accept route 172.16.0.0/12 → local (inside the VPC) @1',
      'accept route 10.0.0.0/8 → local (inside the VPC) @1',
      'accept route 0.0.0.0/0 → aws_nat_gateway.n.id @3',
      'drop no route to the destination: unreachable from this route table @1',
    ]);
  });

  it('Terraform: a literal that is not a CIDR is an InputError at its line of the .tf', () => {
    const f = makeSourceFile('sg.tf', '/tmp/sg.tf', 'resource "aws_security_group" "a" {\n  egress {\n    protocol    = "-1"\n    cidr_blocks = ["10.0.0.0/8", "everywhere"]\n  }\n}\n');
    expect(() => terraformHandler.parse(f)).toThrow(new InputError('sg.tf', 'security group aws_security_group.a, egress rule: not a CIDR: "everywhere"', 4));
  });

  it('a listing cut short is an input error (exit 2), not a text file whose layer silently vanishes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-trunc-'));
    writeFileSync(join(dir, 'sgs.json'), readFileSync(join(ROOT, 'fixtures/egress/cloud/aws-sg-default.json'), 'utf8').slice(0, 400));
    const r = sandcheck(['scan', join(dir, 'sgs.json'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sandcheck: input error: ${join(dir, 'sgs.json')}:15: not valid JSON: unexpected end of the stream within a double quoted scalar\n`);
    // A broken JSON file that is no cloud listing stays a text file.
    writeFileSync(join(dir, 'other.json'), '{"allowed": [1, 2');
    const other = sandcheck(['scan', join(dir, 'other.json'), '--format', 'json']);
    expect(other.stderr).toBe('sandcheck: nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found)\n');
    expect(JSON.parse(other.stdout).inputs).toEqual([{ path: join(dir, 'other.json'), format: 'text', status: 'parsed', targets: 1 }]);
  });

  it('the CLI exits 2 on a malformed route table and says why', () => {
    const r = sandcheck(['egress', 'fixtures/egress/cloud-inputs/bad-routes.json', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: input error: fixtures/egress/cloud-inputs/bad-routes.json:7: RouteTables.0.Routes.1: a route without DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId\n');
  });
});

describe('network ACL reply rules', () => {
  const at = (line: number) => ({ file: 'nacl.json', line });
  const rules = (inbound: InboundEntry[]) => replyRules(inbound, at(1)).map((r) => `${r.verdict.kind} #${r.index} ${r.match.map((m) => `${m.family} ${m.dst!.values.join(',')} p${m.proto!.values.join('/')}${m.opaque ? ' opaque' : ''}`).join(' | ')} @${r.origin.line}`);
  it('per family: an IPv6 reply allowed, the IPv4 one left to the implicit * deny', () => {
    expect(rules([{ cidr: '::/0', proto: [6], ports: [1024, 65535], allow: true, ruleNumber: 101, origin: at(5) }])).toEqual([
      'drop #32767 ipv4 0.0.0.0/0 p6/17 @1',
      'drop #32767 ipv6 ::/0 p17 @1',
    ]);
  });
  it('a deny before an allow (rule numbers), all protocols (-1): the reply from that range only', () => {
    expect(rules([
      { cidr: '203.0.113.0/24', proto: 'all', allow: false, ruleNumber: 50, origin: at(7) },
      { cidr: '0.0.0.0/0', proto: 'all', allow: true, ruleNumber: 100, origin: at(9) },
      { cidr: '::/0', proto: 'all', allow: true, ruleNumber: 101, origin: at(11) },
    ])).toEqual(['drop #50 ipv4 203.0.113.0/24 p6/17 @7']);
  });
  it('the Linux ephemeral range allowed only in part: possible (opaque), located at the entry that denies the rest', () => {
    expect(rules([
      { cidr: '0.0.0.0/0', proto: [6, 17], ports: [32768, 40000], allow: true, ruleNumber: 100, origin: at(5) },
      { cidr: '0.0.0.0/0', proto: 'all', allow: false, ruleNumber: 200, origin: at(8) },
      { cidr: '::/0', proto: 'all', allow: true, ruleNumber: 101, origin: at(11) },
    ])).toEqual(['drop #200 ipv4 0.0.0.0/0 p6/17 opaque @8']);
  });
});
