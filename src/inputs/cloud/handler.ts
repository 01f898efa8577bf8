import { addressSet, rangeToCidrs } from '../../analyzers/egress/address.js';
import type { MatchSpec, NormRule, Origin } from '../../analyzers/egress/model.js';
import type { YamlDoc } from '../../util/yaml-source.js';
import { InputError, type InputHandler, type SourceFile } from '../types.js';
import { hostOf, wholeFileTarget } from '../file-target.js';
import { awsInstances, awsInterfaces, awsRouteTables } from './aws-network.js';
import { gcpInstances } from './gcp-instances.js';
import { replyRules, type InboundEntry } from './nacl-replies.js';
import { AWS_PLATFORM, asArr, asObj, portRanges, protoSpec, rule, scopeRuleset, validCidr, type CloudScope } from './rules.js';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

export interface CloudEgressData {
  layer: 'cloud';
  provider: 'aws' | 'gcp' | 'azure';
  /** The directory of the listing (absolute): a host's rule dumps beside it are behind these scopes. */
  host: string;
  scopes: CloudScope[];
}

type Kind = 'aws-sg' | 'aws-nacl' | 'aws-eni' | 'aws-instances' | 'aws-route' | 'gcp' | 'gcp-vm' | 'azure';

function kindOf(v: unknown): Kind | null {
  const o = asObj(v);
  if (Array.isArray(o.SecurityGroups)) return 'aws-sg';
  if (Array.isArray(o.NetworkAcls)) return 'aws-nacl';
  // The other AWS listings are told by their top-level key, whatever their content (a malformed one is an InputError).
  if ('NetworkInterfaces' in o) return 'aws-eni';
  if ('Reservations' in o) return 'aws-instances';
  if ('RouteTables' in o) return 'aws-route';
  const list = Array.isArray(v) ? v : null;
  const first = asObj(list?.[0] ?? v);
  if (first.kind === 'compute#instance' || ('networkInterfaces' in first && ('machineType' in first || 'serviceAccounts' in first || 'tags' in first))) return 'gcp-vm';
  if (first.kind === 'compute#firewall' || (('allowed' in first || 'denied' in first) && 'network' in first)) return 'gcp';
  if ('securityRules' in first || 'defaultSecurityRules' in first || String(first.type ?? '').toLowerCase() === 'microsoft.network/networksecuritygroups') return 'azure';
  return null;
}

function origin(doc: YamlDoc, file: string, path: Path): Origin {
  return { file, line: doc.positionOf(path).line };
}

export function awsSecurityGroups(doc: YamlDoc, file: string): CloudScope[] {
  return asArr(asObj(doc.value).SecurityGroups).map((g, gi) => {
    const sg = asObj(g);
    const gp: Path = ['SecurityGroups', gi];
    const label = `AWS security group ${String(sg.GroupId ?? gi)}${sg.GroupName ? ` (${String(sg.GroupName)})` : ''}`;
    const at = (p: Path) => origin(doc, file, p);
    const rules: NormRule[] = AWS_PLATFORM.map((p) =>
      rule({ dst: { values: [p.cidr] } }, 'accept', `platform: ${p.what}, never filtered by security groups`, at([...gp, 'GroupId'])),
    );
    asArr(sg.IpPermissionsEgress).forEach((perm, pi) => {
      const p = asObj(perm);
      const pp: Path = [...gp, 'IpPermissionsEgress', pi];
      const proto = protoSpec(p.IpProtocol as string);
      const base: MatchSpec = {};
      if (proto === null) base.opaque = [`IpProtocol ${String(p.IpProtocol)}`];
      else if (proto !== 'all') {
        base.proto = { values: proto };
        const from = Number(p.FromPort ?? -1);
        const to = Number(p.ToPort ?? -1);
        if ((proto[0] === 6 || proto[0] === 17) && from >= 0 && to >= from) base.dport = { values: [[from, to]] };
      }
      const what = `${String(p.IpProtocol) === '-1' ? 'all traffic' : `${String(p.IpProtocol)}${p.FromPort !== undefined ? ` ${String(p.FromPort)}-${String(p.ToPort)}` : ''}`}`;
      asArr(p.IpRanges).forEach((r, k) => {
        const c = String(asObj(r).CidrIp ?? '');
        if (!validCidr(c)) throw new InputError(file, `security group ${String(sg.GroupId ?? gi)}, egress rule: not a CIDR: ${JSON.stringify(c)}`, at([...pp, 'IpRanges', k, 'CidrIp']).line);
        rules.push(rule({ ...base, dst: { values: [c] } }, 'accept', `egress ${what} to ${c}`, at([...pp, 'IpRanges', k, 'CidrIp'])));
      });
      asArr(p.Ipv6Ranges).forEach((r, k) => {
        const c = String(asObj(r).CidrIpv6 ?? '');
        if (!validCidr(c)) throw new InputError(file, `security group ${String(sg.GroupId ?? gi)}, egress rule: not a CIDR: ${JSON.stringify(c)}`, at([...pp, 'Ipv6Ranges', k, 'CidrIpv6']).line);
        rules.push(rule({ ...base, dst: { values: [c] } }, 'accept', `egress ${what} to ${c}`, at([...pp, 'Ipv6Ranges', k, 'CidrIpv6'])));
      });
      asArr(p.Unresolved).forEach((r, k) => {
        const expr = String(asObj(r).Expr ?? '?');
        rules.push(rule({ ...base, opaque: [...(base.opaque ?? []), `destination ${expr} (not resolved; give \`terraform show -json\` output)`] }, 'accept', `egress ${what} to ${expr}`, at([...pp, 'Unresolved', k])));
      });
      asArr(p.PrefixListIds).forEach((r, k) => {
        const id = String(asObj(r).PrefixListId ?? '');
        rules.push(rule({ ...base, opaque: [...(base.opaque ?? []), `prefix list ${id} (contents not given; an AWS-managed list covers a whole service)`] }, 'accept', `egress ${what} to prefix list ${id}`, at([...pp, 'PrefixListIds', k])));
      });
      // UserIdGroupPairs: members of another security group — in-VPC destinations, not public egress.
    });
    return { label, id: String(sg.GroupId ?? gi), ...(sg.GroupName ? { name: String(sg.GroupName) } : {}), kind: 'aws-sg', ruleset: scopeRuleset(file, label, rules, 'drop', at([...gp, 'GroupId'])) };
  });
}

/** One NACL entry's protocol and ports (`-1`: every protocol, whatever PortRange says; ports only for TCP/UDP). */
function entryMatch(e: Obj): { proto: number[] | 'all' | null; ports?: [number, number] } {
  const proto = protoSpec(e.Protocol as string);
  if (proto === null || proto === 'all') return { proto };
  const pr = asObj(e.PortRange);
  if (pr.From !== undefined && (proto[0] === 6 || proto[0] === 17)) return { proto, ports: [Number(pr.From), Number(pr.To ?? pr.From)] };
  return { proto };
}

/** A NACL entry the evaluation can rely on: a rule number, a direction, an action and a CIDR (an entry dropped silently could hide a deny). */
function checkedEntry(doc: YamlDoc, file: string, v: unknown, path: Path): Obj {
  const e = asObj(v);
  const bad = (what: string, at: Path = path): never => {
    throw new InputError(file, `${path.join('.')}: ${what}`, doc.positionOf(at).line);
  };
  if (!Number.isInteger(e.RuleNumber) || (e.RuleNumber as number) < 1) bad(`RuleNumber ${JSON.stringify(e.RuleNumber ?? null)} is not a rule number`);
  if (typeof e.Egress !== 'boolean') bad('Egress must be true or false');
  if (!/^(allow|deny)$/i.test(String(e.RuleAction))) bad(`RuleAction ${JSON.stringify(e.RuleAction ?? null)} is neither allow nor deny`);
  const c = e.CidrBlock ?? e.Ipv6CidrBlock;
  if (typeof c !== 'string' || !validCidr(c)) bad(`not a CIDR: ${JSON.stringify(c ?? null)}`, [...path, e.CidrBlock !== undefined ? 'CidrBlock' : 'Ipv6CidrBlock']);
  return e;
}

export function awsNacls(doc: YamlDoc, file: string): CloudScope[] {
  return asArr(asObj(doc.value).NetworkAcls).map((n, ni) => {
    const acl = asObj(n);
    const np: Path = ['NetworkAcls', ni];
    const label = `AWS network ACL ${String(acl.NetworkAclId ?? ni)}${acl.IsDefault ? ' (default)' : ''}`;
    const at = (p: Path) => origin(doc, file, p);
    const sorted = asArr(acl.Entries)
      .map((e, ei) => ({ e: checkedEntry(doc, file, e, [...np, 'Entries', ei]), ei }))
      .sort((a, b) => Number(a.e.RuleNumber) - Number(b.e.RuleNumber));
    const rules: NormRule[] = AWS_PLATFORM.map((p) => rule({ dst: { values: [p.cidr] } }, 'accept', `platform: ${p.what}, never filtered by NACLs`, at([...np, 'NetworkAclId'])));
    // Stateless: an outbound flow also needs its reply allowed by the inbound entries.
    const inbound: InboundEntry[] = [];
    for (const { e, ei } of sorted) {
      if (e.Egress !== false) continue;
      const c = String(e.CidrBlock ?? e.Ipv6CidrBlock ?? '');
      const m = entryMatch(e);
      if (!validCidr(c) || m.proto === null) continue;
      inbound.push({ cidr: c, proto: m.proto, ...(m.ports ? { ports: m.ports } : {}), allow: String(e.RuleAction).toLowerCase() === 'allow', ruleNumber: Number(e.RuleNumber), origin: at([...np, 'Entries', ei, 'RuleNumber']) });
    }
    rules.push(...replyRules(inbound, at([...np, 'NetworkAclId'])));
    for (const { e, ei } of sorted) {
      if (e.Egress !== true) continue;
      const c = String(e.CidrBlock ?? e.Ipv6CidrBlock ?? '');
      if (!validCidr(c)) continue;
      const spec: MatchSpec = { dst: { values: [c] } };
      const em = entryMatch(e);
      if (em.proto === null) spec.opaque = [`Protocol ${String(e.Protocol)}`];
      else if (em.proto !== 'all') {
        spec.proto = { values: em.proto };
        if (em.ports) spec.dport = { values: [em.ports] };
      }
      const action = String(e.RuleAction).toLowerCase() === 'allow' ? 'accept' : 'drop';
      rules.push(rule(spec, action, `rule ${String(e.RuleNumber)} ${String(e.RuleAction)} ${c}`, at([...np, 'Entries', ei, 'RuleNumber']), Number(e.RuleNumber)));
    }
    const subnets = asArr(acl.Associations).map((a) => asObj(a).SubnetId).filter((x): x is string => typeof x === 'string');
    return {
      label,
      id: String(acl.NetworkAclId ?? ni),
      kind: 'aws-nacl',
      ruleset: scopeRuleset(file, label, rules, 'drop', at([...np, 'NetworkAclId'])),
      assoc: { ...(typeof acl.VpcId === 'string' ? { vpcId: acl.VpcId } : {}), subnets, isDefault: acl.IsDefault === true },
    };
  });
}

export function gcpFirewalls(doc: YamlDoc, file: string): CloudScope[] {
  const list = Array.isArray(doc.value) ? doc.value : [doc.value];
  const byNetwork = new Map<string, { r: Obj; i: number }[]>();
  list.forEach((r, i) => {
    const o = asObj(r);
    const net = String(o.network ?? 'default').split('/').pop()!;
    // A network listed only with ingress rules still has the implied allow-egress rule.
    if (!byNetwork.has(net)) byNetwork.set(net, []);
    if (String(o.direction ?? 'INGRESS').toUpperCase() !== 'EGRESS' || o.disabled === true) return;
    byNetwork.get(net)!.push({ r: o, i });
  });
  const out: CloudScope[] = [];
  for (const [net, rs] of byNetwork) {
    const label = `GCP network ${net}`;
    // Lowest priority number first; at equal priority deny wins.
    rs.sort((a, b) => Number(a.r.priority ?? 1000) - Number(b.r.priority ?? 1000) || (a.r.denied ? 0 : 1) - (b.r.denied ? 0 : 1));
    // VPC firewall rules never apply to the metadata server (it also answers DNS and NTP): reachable whatever they say.
    const rules: NormRule[] = [rule({ dst: { values: ['169.254.169.254/32'] } }, 'accept', 'platform: metadata server (metadata.google.internal, also DNS and NTP), never filtered by VPC firewall rules', origin(doc, file, []))];
    const targeted: NonNullable<CloudScope['gcpTargets']> = [];
    for (const { r, i } of rs) {
      const at = origin(doc, file, Array.isArray(doc.value) ? [i, 'name'] : ['name']);
      const action = r.denied ? 'drop' : 'accept';
      const ranges = asArr(r.destinationRanges).map((x) => (typeof x === 'string' ? x : `${String(asObj(x).unresolved ?? '?')}`));
      const bad = ranges.filter((x) => !validCidr(x));
      const dst = ranges.length ? ranges.filter(validCidr) : ['0.0.0.0/0'];
      const targets = [...asArr(r.targetTags), ...asArr(r.targetServiceAccounts)].map(String);
      for (const a of asArr(r.allowed ?? r.denied)) {
        const ao = asObj(a);
        const proto = protoSpec(ao.IPProtocol as string);
        const m: MatchSpec = bad.length ? { opaque: [`destination ${bad.join(', ')} (not resolved)`] } : { dst: { values: dst } };
        if (targets.length) m.opaque = [...(m.opaque ?? []), `applies only to instances with ${targets.join(', ')}`];
        if (proto === null) m.opaque = [...(m.opaque ?? []), `protocol ${String(ao.IPProtocol)}`];
        else if (proto !== 'all') {
          m.proto = { values: proto };
          const pr = portRanges(asArr(ao.ports).map(String));
          if (pr && pr.length) m.dport = { values: pr };
        }
        if (targets.length) targeted.push({ rule: rules.length, tags: asArr(r.targetTags).map(String), serviceAccounts: asArr(r.targetServiceAccounts).map(String) });
        rules.push(rule(m, action, `${String(r.name)} (priority ${String(r.priority ?? 1000)}) ${action === 'accept' ? 'allow' : 'deny'}`, at, Number(r.priority ?? 1000)));
      }
    }
    // The implied allow-egress rule (priority 65535) is the chain's policy: it is the default.
    out.push({ label, id: net, kind: 'gcp', ruleset: scopeRuleset(file, `${label} (implied allow egress at priority 65535)`, rules, 'accept', origin(doc, file, [])), ...(targeted.length ? { gcpTargets: targeted } : {}) });
  }
  return out;
}

const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
/** The `Internet` service tag: the address space outside private ranges (a deny on it leaves the VNet reachable). */
// Worked out on first use: bigint arithmetic that a start-up without Azure input need not pay for.
let internet: string[] | undefined;
const INTERNET = (): string[] =>
  (internet ??= (['ipv4', 'ipv6'] as const).flatMap((f) =>
    [...addressSet(f, [f === 'ipv4' ? '0.0.0.0/0' : '::/0']).subtract(addressSet(f, f === 'ipv4' ? PRIVATE_V4 : ['fc00::/7'])).ranges()].flatMap(([lo, hi]) => rangeToCidrs(f, lo, hi)),
  ));

const AZURE_TAGS: Record<string, string[] | null> = {
  '*': ['0.0.0.0/0', '::/0'],
  any: ['0.0.0.0/0', '::/0'],
  get internet() {
    return INTERNET();
  },
  '0.0.0.0/0': ['0.0.0.0/0'],
  virtualnetwork: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
};

export function azureNsgs(doc: YamlDoc, file: string): CloudScope[] {
  const list = Array.isArray(doc.value) ? doc.value : [doc.value];
  return list.map((n, ni) => {
    const nsg = asObj(n);
    const base: Path = Array.isArray(doc.value) ? [ni] : [];
    const label = `Azure NSG ${String(nsg.name ?? ni)}`;
    const all = [
      ...asArr(nsg.securityRules).map((r, i) => ({ r: asObj(asObj(r).properties ?? r), name: String(asObj(r).name ?? i), path: [...base, 'securityRules', i, 'name'] as Path })),
      ...asArr(nsg.defaultSecurityRules).map((r, i) => ({ r: asObj(asObj(r).properties ?? r), name: String(asObj(r).name ?? i), path: [...base, 'defaultSecurityRules', i, 'name'] as Path })),
    ].filter(({ r }) => String(r.direction).toLowerCase() === 'outbound');
    const hasDefaults = asArr(nsg.defaultSecurityRules).length > 0;
    const at = (p: Path) => origin(doc, file, p);
    if (!hasDefaults) {
      // Terraform and templates omit the platform defaults; the NSG still has them.
      const here = at([...base, 'name']);
      all.push({ r: { priority: 65000, access: 'Allow', protocol: '*', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '*' }, name: 'AllowVnetOutBound (implicit default)', path: [...base, 'name'] });
      all.push({ r: { priority: 65001, access: 'Allow', protocol: '*', destinationAddressPrefix: 'Internet', destinationPortRange: '*' }, name: 'AllowInternetOutBound (implicit default)', path: [...base, 'name'] });
      all.push({ r: { priority: 65500, access: 'Deny', protocol: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }, name: 'DenyAllOutBound (implicit default)', path: [...base, 'name'] });
      void here;
    }
    all.sort((a, b) => Number(a.r.priority) - Number(b.r.priority));
    const rules: NormRule[] = [];
    for (const { r, name, path } of all) {
      const prefixes = [...asArr(r.destinationAddressPrefixes), ...(r.destinationAddressPrefix !== undefined ? [r.destinationAddressPrefix] : [])].map(String);
      const m: MatchSpec = {};
      const dst: string[] = [];
      const opaque: string[] = [];
      for (const p of prefixes) {
        const tag = AZURE_TAGS[p.toLowerCase()];
        if (tag) dst.push(...tag);
        else if (validCidr(p)) dst.push(p);
        else if (/^[A-Za-z][\w.]*$/.test(p)) opaque.push(`service tag ${p} (every address it stands for; broad tags such as AzureCloud or Storage include addresses anyone can rent)`);
        else opaque.push(`destination ${p} (not resolved)`);
      }
      if (opaque.length) m.opaque = opaque;
      if (dst.length) m.dst = { values: dst };
      else if (!opaque.length) continue;
      const proto = protoSpec(r.protocol as string);
      if (proto === null) m.opaque = [...(m.opaque ?? []), `protocol ${String(r.protocol)}`];
      else if (proto !== 'all') m.proto = { values: proto };
      const ports = [...asArr(r.destinationPortRanges), ...(r.destinationPortRange !== undefined ? [r.destinationPortRange] : [])].map(String);
      const pr = portRanges(ports);
      if (pr && pr.length && proto !== 'all') m.dport = { values: pr };
      const action = String(r.access).toLowerCase() === 'allow' ? 'accept' : 'drop';
      rules.push(rule(m, action, `${name} (priority ${String(r.priority)}) ${String(r.access)}`, at(path), Number(r.priority)));
    }
    return { label, id: String(nsg.name ?? ni), kind: 'azure', ruleset: scopeRuleset(file, label, rules, 'drop', at([...base, 'name'])) };
  });
}

export function parseCloud(file: SourceFile): CloudScope[] | null {
  const docs = file.fastYaml().docs;
  const doc = docs[0];
  if (!doc) return null;
  const kind = kindOf(doc.value);
  if (!kind) return null;
  switch (kind) {
    case 'aws-sg':
      return awsSecurityGroups(doc, file.path);
    case 'aws-nacl':
      return awsNacls(doc, file.path);
    case 'aws-eni':
      return awsInterfaces(doc, file.path);
    case 'aws-instances':
      return awsInstances(doc, file.path);
    case 'aws-route':
      return awsRouteTables(doc, file.path);
    case 'gcp':
      return gcpFirewalls(doc, file.path);
    case 'gcp-vm':
      return gcpInstances(doc, file.path);
    case 'azure':
      return azureNsgs(doc, file.path);
  }
}

const STRONG_KEYS = /"(SecurityGroups|IpPermissionsEgress|NetworkAcls|NetworkInterfaces|RouteTables|securityRules|defaultSecurityRules|compute#firewall)"/;

export const cloudHandler: InputHandler = {
  format: 'cloud-firewall',
  items: ['egress-control'],
  detect(file) {
    if (!/\.json$/i.test(file.path) && file.absPath !== null) return false;
    if (!/"(SecurityGroups|NetworkAcls|NetworkInterfaces|Reservations|RouteTables|networkInterfaces|securityRules|defaultSecurityRules|compute#firewall|destinationRanges|allowed|denied)"/.test(file.text.slice(0, 100_000))) return false;
    try {
      return kindOf(file.fastYaml().docs[0]?.value) !== null;
    } catch {
      // A listing cut short or broken is an input error (its layer would otherwise vanish from the
      // path unnoticed), when its keys leave no doubt about what it was meant to be.
      return STRONG_KEYS.test(file.text.slice(0, 100_000));
    }
  },
  parse(file) {
    const scopes = parseCloud(file);
    if (!scopes) throw new InputError(file.path, 'not a security group, network ACL, network interface, instance or route table listing, GCP firewall or instance listing, or Azure NSG listing');
    const kind = kindOf(file.fastYaml().docs[0]!.value)!;
    const provider = kind.startsWith('aws') ? 'aws' : kind === 'gcp-vm' ? 'gcp' : (kind as 'gcp' | 'azure');
    const what = kind === 'aws-eni' || kind === 'aws-instances' || kind === 'aws-route' || kind === 'gcp-vm' ? 'network' : 'firewall';
    const data: CloudEgressData = { layer: 'cloud', provider, host: hostOf(file), scopes };
    return { targets: [wholeFileTarget(file, { kind: 'egress', id: `egress:cloud:${file.path}`, name: `${provider} ${what} ${file.path}`, platform: 'cloud', data })] };
  },
};
