import type { YamlDoc } from '../../util/yaml-source.js';
import { awsRouteTables } from './aws-network.js';
import { awsNacls } from './handler.js';
import type { CloudScope } from './rules.js';
import type { TfResource } from './terraform-interfaces.js';

/**
 * Terraform network ACLs and route tables → the `describe-network-acls` / `describe-route-tables` shapes,
 * read by the same parsers: `aws_network_acl` (inline `egress`/`ingress`, `subnet_ids`),
 * `aws_network_acl_rule`, `aws_network_acl_association`, `aws_default_network_acl` (the VPC's default),
 * `aws_route_table` (inline `route`), `aws_route`, `aws_route_table_association`,
 * `aws_main_route_table_association`, `aws_default_route_table` (the main table). Subnets and VPCs are
 * named by their Terraform address (`aws_subnet.private`), as interfaces name them. The `local` route AWS
 * adds to every table is added for the VPC's `cidr_block` when the `aws_vpc` is in the input (else for the
 * private ranges). An ACL with
 * a value that needs evaluation, or a table with a destination that does, is left out: its layer counts as
 * allow-all. Route targets are only named (`aws_internet_gateway.main.id`).
 */

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const isUnresolved = (v: unknown): v is { unresolved: string } => !!v && typeof v === 'object' && 'unresolved' in (v as object);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const text = (v: unknown): string => (isUnresolved(v) ? v.unresolved : String(v ?? ''));

function address(v: unknown, type: string): string {
  const m = new RegExp(`^${type}\\.([\\w-]+)\\.(id|default_network_acl_id|default_route_table_id|main_route_table_id)$`).exec(text(v));
  return m ? `${type}.${m[1]}` : text(v);
}

/** Any unresolved value in a block (then the ACL or table it belongs to cannot be evaluated). */
function hasUnresolved(v: unknown): boolean {
  if (isUnresolved(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnresolved);
  if (v && typeof v === 'object') return Object.values(v).some(hasUnresolved);
  return false;
}

/** A route's destination needs evaluation (its target may be a reference: only named, never evaluated). */
function destUnresolved(x: Obj, v4Key: string, v6Key: string): boolean {
  return hasUnresolved([x[v4Key], x[v6Key], x.destination_prefix_list_id]);
}

/** A YamlDoc over converted values: each path answers the line of the Terraform value it came from. */
function docOf(value: unknown, lines: Map<string, number>): YamlDoc {
  const lineOf = (path: readonly (string | number)[]): number => {
    for (let k = path.length; k >= 0; k--) {
      const l = lines.get(JSON.stringify(path.slice(0, k)));
      if (l !== undefined) return l;
    }
    return 1;
  };
  return { index: 0, value, positionOf: (p) => ({ line: lineOf(p), column: 1, exact: true, depth: p.length }), line: (p) => lineOf(p) };
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const TARGET_KEYS: [string, string][] = [
  ['gateway_id', 'GatewayId'],
  ['nat_gateway_id', 'NatGatewayId'],
  ['transit_gateway_id', 'TransitGatewayId'],
  ['vpc_peering_connection_id', 'VpcPeeringConnectionId'],
  ['network_interface_id', 'NetworkInterfaceId'],
  ['egress_only_gateway_id', 'EgressOnlyInternetGatewayId'],
  ['carrier_gateway_id', 'CarrierGatewayId'],
  ['local_gateway_id', 'LocalGatewayId'],
  ['core_network_arn', 'CoreNetworkArn'],
  ['vpc_endpoint_id', 'GatewayId'],
];

export function terraformNetworkScopes(resources: readonly TfResource[], file: string): CloudScope[] {
  const of = (...types: string[]) => resources.filter((r) => types.includes(r.type));
  const vpcCidr = new Map(of('aws_vpc').filter((r) => typeof r.values.cidr_block === 'string').map((r) => [`aws_vpc.${r.name}`, r.values.cidr_block as string]));

  // Network ACLs.
  const acls: Obj[] = [];
  const aclLines = new Map<string, number>();
  const aclByAddr = new Map<string, { acl: Obj; res: TfResource; ok: boolean }>();
  // Entry lines are recorded once the ACL's index is known (ACLs with unresolved values are left out).
  const pending: (() => void)[] = [];
  for (const r of of('aws_network_acl', 'aws_default_network_acl')) {
    const isDefault = r.type === 'aws_default_network_acl';
    const acl: Obj = { NetworkAclId: `${r.type}.${r.name}`, IsDefault: isDefault, Associations: list(r.values.subnet_ids).map((s) => ({ SubnetId: address(s, 'aws_subnet') })), Entries: [] };
    if (r.values.vpc_id !== undefined) acl.VpcId = address(r.values.vpc_id, 'aws_vpc');
    else if (isDefault) {
      const m = /^aws_vpc\.([\w-]+)\.default_network_acl_id$/.exec(text(r.values.default_network_acl_id));
      if (m) acl.VpcId = `aws_vpc.${m[1]}`;
    }
    const ok = !hasUnresolved([r.values.egress, r.values.ingress]);
    aclByAddr.set(`${r.type}.${r.name}`, { acl, res: r, ok });
    for (const dir of ['egress', 'ingress'] as const)
      list(r.values[dir]).forEach((e, i) => addEntry(acl, r, e as Obj, dir === 'egress', [dir, i], 'rule_no', 'action'));
  }
  function addEntry(acl: Obj, r: TfResource, e: Obj, egress: boolean, sub: Path, numberKey: string, actionKey: string): void {
    const entries = acl.Entries as Obj[];
    const v6 = e.ipv6_cidr_block !== undefined && e.ipv6_cidr_block !== '' && e.ipv6_cidr_block !== null;
    const proto = text(e.protocol).toLowerCase();
    const entry: Obj = { RuleNumber: Number(text(e[numberKey])), Egress: egress, RuleAction: text(e[actionKey]), Protocol: proto === 'all' ? '-1' : proto, [v6 ? 'Ipv6CidrBlock' : 'CidrBlock']: text(v6 ? e.ipv6_cidr_block : e.cidr_block) };
    if (e.from_port !== undefined && proto !== '-1' && proto !== 'all') entry.PortRange = { From: Number(text(e.from_port)), To: Number(text(e.to_port ?? e.from_port)) };
    entries.push(entry);
    const ei = entries.length - 1;
    const key = (p: Path): string => JSON.stringify(p);
    pending.push(() => {
      const ai = acls.indexOf(acl);
      if (ai >= 0) aclLines.set(key(['NetworkAcls', ai, 'Entries', ei]), r.lineOf(sub));
    });
  }
  for (const r of of('aws_network_acl_rule')) {
    const target = aclByAddr.get(address(r.values.network_acl_id, 'aws_network_acl'));
    if (!target) continue;
    const v = r.values;
    if (hasUnresolved([v.rule_number, v.egress, v.protocol, v.rule_action, v.cidr_block, v.ipv6_cidr_block, v.from_port, v.to_port])) target.ok = false;
    addEntry(target.acl, r, v, v.egress === true, [], 'rule_number', 'rule_action');
  }
  for (const r of of('aws_network_acl_association')) {
    const target = aclByAddr.get(address(r.values.network_acl_id, 'aws_network_acl'));
    if (target) (target.acl.Associations as Obj[]).push({ SubnetId: address(r.values.subnet_id, 'aws_subnet') });
  }
  for (const { acl, res, ok } of aclByAddr.values()) {
    if (!ok) continue;
    const ai = acls.length;
    acls.push(acl);
    aclLines.set(JSON.stringify(['NetworkAcls', ai]), res.lineOf([]));
    aclLines.set(JSON.stringify(['NetworkAcls', ai, 'NetworkAclId']), res.lineOf([]));
  }
  for (const p of pending) p();

  // Route tables.
  const tables: Obj[] = [];
  const rtLines = new Map<string, number>();
  const rtByAddr = new Map<string, { table: Obj; res: TfResource; ok: boolean; routeLines: number[] }>();
  for (const r of of('aws_route_table', 'aws_default_route_table')) {
    const main = r.type === 'aws_default_route_table';
    const table: Obj = { RouteTableId: `${r.type}.${r.name}`, Associations: main ? [{ Main: true }] : [], Routes: [] };
    const vpc = r.values.vpc_id !== undefined ? address(r.values.vpc_id, 'aws_vpc') : /^aws_vpc\.([\w-]+)\.default_route_table_id$/.exec(text(r.values.default_route_table_id))?.[1];
    if (vpc) table.VpcId = vpc.startsWith('aws_vpc.') ? vpc : `aws_vpc.${vpc}`;
    const entry = { table, res: r, ok: list(r.values.route).every((x) => !destUnresolved(x as Obj, 'cidr_block', 'ipv6_cidr_block')), routeLines: [] as number[] };
    rtByAddr.set(`${r.type}.${r.name}`, entry);
    list(r.values.route).forEach((x, i) => addRoute(entry, x as Obj, r.lineOf(['route', i]), 'cidr_block', 'ipv6_cidr_block'));
  }
  function addRoute(entry: { table: Obj; routeLines: number[] }, x: Obj, line: number, v4Key: string, v6Key: string): void {
    const route: Obj = { State: 'active' };
    if (x[v4Key]) route.DestinationCidrBlock = text(x[v4Key]);
    else if (x[v6Key]) route.DestinationIpv6CidrBlock = text(x[v6Key]);
    else if (x.destination_prefix_list_id) route.DestinationPrefixListId = text(x.destination_prefix_list_id);
    for (const [k, api] of TARGET_KEYS) if (x[k]) route[api] = text(x[k]);
    (entry.table.Routes as Obj[]).push(route);
    entry.routeLines.push(line);
  }
  for (const r of of('aws_route')) {
    const target = rtByAddr.get(address(r.values.route_table_id, 'aws_route_table'));
    if (!target) continue;
    if (destUnresolved(r.values, 'destination_cidr_block', 'destination_ipv6_cidr_block')) target.ok = false;
    addRoute(target, r.values, r.lineOf([]), 'destination_cidr_block', 'destination_ipv6_cidr_block');
  }
  for (const r of of('aws_route_table_association')) {
    const target = rtByAddr.get(address(r.values.route_table_id, 'aws_route_table'));
    if (target && r.values.subnet_id !== undefined) (target.table.Associations as Obj[]).push({ SubnetId: address(r.values.subnet_id, 'aws_subnet') });
  }
  for (const r of of('aws_main_route_table_association')) {
    const target = rtByAddr.get(address(r.values.route_table_id, 'aws_route_table'));
    if (target) (target.table.Associations as Obj[]).push({ Main: true });
  }
  for (const { table, res, ok, routeLines } of rtByAddr.values()) {
    if (!ok) continue;
    const ti = tables.length;
    // AWS adds the local route to every table; the VPC's CIDR is known when its aws_vpc is in the input,
    // else the private ranges stand for it (a VPC's CIDR is almost always one of them).
    for (const cidr of vpcCidr.has(String(table.VpcId)) ? [vpcCidr.get(String(table.VpcId))!] : PRIVATE) {
      (table.Routes as Obj[]).push({ DestinationCidrBlock: cidr, GatewayId: 'local', State: 'active' });
      routeLines.push(res.lineOf([]));
    }
    tables.push(table);
    rtLines.set(JSON.stringify(['RouteTables', ti]), res.lineOf([]));
    rtLines.set(JSON.stringify(['RouteTables', ti, 'RouteTableId']), res.lineOf([]));
    routeLines.forEach((l, i) => rtLines.set(JSON.stringify(['RouteTables', ti, 'Routes', i]), l));
  }

  return [...(acls.length ? awsNacls(docOf({ NetworkAcls: acls }, aclLines), file) : []), ...(tables.length ? awsRouteTables(docOf({ RouteTables: tables }, rtLines), file) : [])];
}

/** Subnet → VPC, from `aws_subnet` resources (an interface's VPC picks the default ACL and main table). */
export function subnetVpcs(resources: readonly TfResource[]): Map<string, string> {
  return new Map(resources.filter((r) => r.type === 'aws_subnet' && r.values.vpc_id !== undefined).map((r) => [`aws_subnet.${r.name}`, address(r.values.vpc_id, 'aws_vpc')]));
}
