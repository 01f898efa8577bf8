import { parsePrefix } from '../../analyzers/egress/address.js';
import type { NormRule, Origin } from '../../analyzers/egress/model.js';
import type { YamlDoc } from '../../util/yaml-source.js';
import { InputError } from '../types.js';
import { AWS_PLATFORM, asArr, asObj, rule, scopeRuleset, validCidr, type CloudInterface, type CloudScope } from './rules.js';

/**
 * AWS network topology: which security groups, network ACL and route table apply to one network
 * interface. `aws ec2 describe-network-interfaces` and `describe-instances` give the interfaces (their
 * groups and subnet); `describe-route-tables` gives the routes, compiled into one more filter on the path.
 */

type Obj = Record<string, unknown>;
type Path = (string | number)[];

function origin(doc: YamlDoc, file: string, path: Path): Origin {
  return { file, line: doc.positionOf(path).line };
}

function fail(doc: YamlDoc, file: string, path: Path, reason: string): never {
  throw new InputError(file, `${path.join('.')}: ${reason}`, doc.positionOf(path).line);
}

function objectAt(doc: YamlDoc, file: string, v: unknown, path: Path): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(doc, file, path, 'expected an object');
  return v as Obj;
}

function listAt(doc: YamlDoc, file: string, v: unknown, path: Path, optional = true): unknown[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) fail(doc, file, path, 'expected a list');
  return v;
}

function idAt(doc: YamlDoc, file: string, o: Obj, key: string, path: Path): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') fail(doc, file, [...path], `no ${key}`);
  return v;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function groupsOf(doc: YamlDoc, file: string, v: unknown, path: Path): CloudInterface['groups'] {
  return listAt(doc, file, v, path).map((g, gi) => {
    const o = objectAt(doc, file, g, [...path, gi]);
    const id = idAt(doc, file, o, 'GroupId', [...path, gi]);
    return { id, ...(str(o.GroupName) ? { name: str(o.GroupName)! } : {}), origin: origin(doc, file, [...path, gi, 'GroupId']) };
  });
}

function interfaceScope(file: string, iface: CloudInterface): CloudScope {
  const label = iface.instanceId === iface.id ? `AWS instance ${iface.id}` : `AWS network interface ${iface.id}${iface.instanceId ? ` (instance ${iface.instanceId})` : ''}`;
  // An interface filters nothing itself: its groups, its subnet's ACL and route table do.
  return { label, id: iface.id, kind: 'aws-eni', ruleset: scopeRuleset(file, label, [], 'accept', iface.origin), iface };
}

function addressesOf(o: Obj): string[] {
  const out = new Set<string>();
  if (str(o.PrivateIpAddress)) out.add(o.PrivateIpAddress as string);
  for (const a of asArr(o.PrivateIpAddresses)) if (str(asObj(a).PrivateIpAddress)) out.add(asObj(a).PrivateIpAddress as string);
  for (const a of asArr(o.Ipv6Addresses)) if (str(asObj(a).Ipv6Address)) out.add(asObj(a).Ipv6Address as string);
  return [...out];
}

/** One interface object (top level of describe-network-interfaces, or inside an instance). */
function readInterface(doc: YamlDoc, file: string, v: unknown, path: Path, inherit: { instanceId?: string; subnetId?: string; vpcId?: string } = {}): CloudInterface {
  const o = objectAt(doc, file, v, path);
  const id = idAt(doc, file, o, 'NetworkInterfaceId', path);
  const att = asObj(o.Attachment);
  const instanceId = str(att.InstanceId) ?? inherit.instanceId;
  const subnetId = str(o.SubnetId) ?? inherit.subnetId;
  const vpcId = str(o.VpcId) ?? inherit.vpcId;
  return {
    id,
    ...(instanceId ? { instanceId } : {}),
    ...(typeof att.DeviceIndex === 'number' ? { deviceIndex: att.DeviceIndex } : {}),
    ...(subnetId ? { subnetId } : {}),
    ...(vpcId ? { vpcId } : {}),
    groups: groupsOf(doc, file, o.Groups, [...path, 'Groups']),
    addresses: addressesOf(o),
    ...(str(o.Description) ? { description: str(o.Description)! } : {}),
    origin: origin(doc, file, [...path, 'NetworkInterfaceId']),
  };
}

/** `aws ec2 describe-network-interfaces`. */
export function awsInterfaces(doc: YamlDoc, file: string): CloudScope[] {
  const list = listAt(doc, file, asObj(doc.value).NetworkInterfaces, ['NetworkInterfaces'], false);
  return list.map((v, i) => interfaceScope(file, readInterface(doc, file, v, ['NetworkInterfaces', i])));
}

/** `aws ec2 describe-instances`: each instance's interfaces (or, listed without them, the instance itself as its primary interface). */
export function awsInstances(doc: YamlDoc, file: string): CloudScope[] {
  const out: CloudScope[] = [];
  listAt(doc, file, asObj(doc.value).Reservations, ['Reservations'], false).forEach((r, ri) => {
    const res = objectAt(doc, file, r, ['Reservations', ri]);
    listAt(doc, file, res.Instances, ['Reservations', ri, 'Instances'], false).forEach((x, ii) => {
      const ip: Path = ['Reservations', ri, 'Instances', ii];
      const inst = objectAt(doc, file, x, ip);
      const instanceId = idAt(doc, file, inst, 'InstanceId', ip);
      const inherit = { instanceId, ...(str(inst.SubnetId) ? { subnetId: str(inst.SubnetId)! } : {}), ...(str(inst.VpcId) ? { vpcId: str(inst.VpcId)! } : {}) };
      const nics = listAt(doc, file, inst.NetworkInterfaces, [...ip, 'NetworkInterfaces']);
      if (nics.length) nics.forEach((n, ni) => out.push(interfaceScope(file, readInterface(doc, file, n, [...ip, 'NetworkInterfaces', ni], inherit))));
      else
        out.push(
          interfaceScope(file, {
            id: instanceId,
            instanceId,
            deviceIndex: 0,
            ...(inherit.subnetId ? { subnetId: inherit.subnetId } : {}),
            ...(inherit.vpcId ? { vpcId: inherit.vpcId } : {}),
            groups: groupsOf(doc, file, inst.SecurityGroups, [...ip, 'SecurityGroups']),
            addresses: addressesOf(inst),
            origin: origin(doc, file, [...ip, 'InstanceId']),
          }),
        );
    });
  });
  return out;
}

/** The route's next hop, in words, and whether it leaves the VPC. */
const TARGETS: [string, string][] = [
  ['GatewayId', 'gateway'],
  ['NatGatewayId', 'NAT gateway'],
  ['TransitGatewayId', 'transit gateway'],
  ['VpcPeeringConnectionId', 'VPC peering'],
  ['NetworkInterfaceId', 'network interface'],
  ['InstanceId', 'instance'],
  ['EgressOnlyInternetGatewayId', 'egress-only internet gateway'],
  ['CarrierGatewayId', 'carrier gateway'],
  ['LocalGatewayId', 'local gateway'],
  ['CoreNetworkArn', 'core network'],
];

function targetOf(r: Obj): string {
  for (const [k] of TARGETS) if (str(r[k])) return r[k] === 'local' ? 'local (inside the VPC)' : String(r[k]);
  return 'no target';
}

/**
 * `aws ec2 describe-route-tables`: each table is one filter. Routes are longest-prefix: sorted from the
 * most specific, each route accepts (an active route) or drops (a blackhole: its target is gone) the
 * destinations it covers; a destination no route covers is unreachable. Prefix-list routes (gateway
 * endpoints for S3/DynamoDB) are opaque: their addresses are not in the listing. Link-local platform
 * addresses (IMDS, Amazon DNS, Time Sync) are not routed by the table.
 */
export function awsRouteTables(doc: YamlDoc, file: string): CloudScope[] {
  const tables = listAt(doc, file, asObj(doc.value).RouteTables, ['RouteTables'], false);
  return tables.map((t, ti) => {
    const tp: Path = ['RouteTables', ti];
    const tbl = objectAt(doc, file, t, tp);
    const id = idAt(doc, file, tbl, 'RouteTableId', tp);
    const assocs = listAt(doc, file, tbl.Associations, [...tp, 'Associations']).map((a, ai) => objectAt(doc, file, a, [...tp, 'Associations', ai]));
    const main = assocs.some((a) => a.Main === true);
    const subnets = assocs.map((a) => str(a.SubnetId)).filter((x): x is string => !!x);
    const label = `AWS route table ${id}${main ? ' (main)' : ''}`;
    const at = (p: Path) => origin(doc, file, p);
    const routes = listAt(doc, file, tbl.Routes, [...tp, 'Routes']).map((r, ri) => {
      const rp: Path = [...tp, 'Routes', ri];
      const o = objectAt(doc, file, r, rp);
      const dst = str(o.DestinationCidrBlock) ?? str(o.DestinationIpv6CidrBlock);
      const key = str(o.DestinationCidrBlock) ? 'DestinationCidrBlock' : str(o.DestinationIpv6CidrBlock) ? 'DestinationIpv6CidrBlock' : 'DestinationPrefixListId';
      const pl = str(o.DestinationPrefixListId);
      if (!dst && !pl) fail(doc, file, rp, 'a route without DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId');
      if (dst && !validCidr(dst)) fail(doc, file, [...rp, key], `not a CIDR: ${JSON.stringify(dst)}`);
      const state = str(o.State) ?? 'active';
      return { o, dst, pl, size: dst ? parsePrefix(dst)!.hi - parsePrefix(dst)!.lo : 0n, blackhole: state === 'blackhole', origin: at([...rp, key]) };
    });
    const rules: NormRule[] = AWS_PLATFORM.map((p) => rule({ dst: { values: [p.cidr] } }, 'accept', `platform: ${p.what}, link-local (not routed by the route table)`, at([...tp, 'RouteTableId'])));
    // A drop says which route table and which blackhole route decide (the fix of a blocked endpoint speaks of routes).
    const dropping = (r: NormRule, blackhole?: string): NormRule => ({ ...r, verdict: { ...r.verdict, route: { table: label, ...(blackhole ? { blackhole } : {}) } } });
    // Prefix lists first (their prefixes' lengths are unknown), then the most specific route first.
    for (const r of routes.filter((x) => x.pl)) {
      const route = `route ${r.pl} → ${targetOf(r.o)}`;
      const made = rule({ opaque: [`prefix list ${r.pl} (its addresses are not in the listing)`] }, r.blackhole ? 'drop' : 'accept', `${route}${r.blackhole ? ' is a blackhole' : ''}`, r.origin);
      rules.push(r.blackhole ? dropping(made, route) : made);
    }
    for (const r of routes.filter((x) => x.dst).sort((a, b) => (a.size < b.size ? -1 : a.size > b.size ? 1 : 0))) {
      const route = `route ${r.dst} → ${targetOf(r.o)}`;
      const made = rule({ dst: { values: [r.dst!] } }, r.blackhole ? 'drop' : 'accept', r.blackhole ? `${route} is a blackhole (its target is gone): dropped` : route, r.origin);
      rules.push(r.blackhole ? dropping(made, route) : made);
    }
    rules.push(dropping(rule({}, 'drop', 'no route to the destination: unreachable from this route table', at([...tp, 'RouteTableId']))));
    return {
      label,
      id,
      kind: 'aws-route',
      ruleset: scopeRuleset(file, label, rules, 'drop', at([...tp, 'RouteTableId'])),
      assoc: { ...(str(tbl.VpcId) ? { vpcId: str(tbl.VpcId)! } : {}), subnets, isDefault: main },
    };
  });
}
