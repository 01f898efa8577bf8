import type { YamlDoc } from '../../util/yaml-source.js';
import { awsSecurityGroups, azureNsgs, gcpFirewalls, type CloudEgressData } from '../cloud/handler.js';
import type { CloudScope } from '../cloud/rules.js';
import { planReferences, terraformInterfaces } from '../cloud/terraform-interfaces.js';
import { subnetVpcs, terraformNetworkScopes } from '../cloud/terraform-network.js';
import type { InputHandler, SourceFile } from '../types.js';
import { hostOf, wholeFileTarget } from '../file-target.js';
import { parseHcl, type HclBlock, type HclValue } from './hcl.js';

/**
 * Terraform network resources → the same scopes as the cloud CLI JSON: `aws_security_group` (+ inline
 * egress, `aws_security_group_rule`, `aws_vpc_security_group_egress_rule`), `google_compute_firewall`,
 * `azurerm_network_security_group` (+ `azurerm_network_security_rule`). Read from `.tf` files (values
 * that need evaluation stay unresolved and make their rule opaque) or from `terraform show -json`
 * (plan or state; values resolved). Terraform revokes AWS's default allow-all egress rule, so a
 * security group without egress rules has none.
 */

const TYPES = /(aws_security_group|aws_security_group_rule|aws_vpc_security_group_egress_rule|aws_instance|aws_network_interface|aws_network_acl|aws_default_network_acl|aws_route|aws_default_route_table|aws_main_route_table_association|aws_vpc|aws_subnet|google_compute_firewall|azurerm_network_security_group|azurerm_network_security_rule)/;
/** Firewall resources, route tables, or instances and interfaces that say which security groups they use: a file worth reading. */
const FIREWALLS = /(aws_security_group|"aws_(default_)?network_acl|"aws_(default_)?route_table"|google_compute_firewall|azurerm_network_security_)/;
const relevantText = (text: string): boolean => FIREWALLS.test(text) || (/"aws_(instance|network_interface)"/.test(text) && /(vpc_security_group_ids|security_groups)/.test(text));

/** A resource with its values and the line of each value (and of nested block items). */
interface Res {
  type: string;
  name: string;
  line: number;
  values: Record<string, unknown>;
  lines: Map<string, number>;
}

type Path = (string | number)[];

function fromHcl(b: HclBlock): Res {
  const lines = new Map<string, number>();
  const conv = (blk: HclBlock, prefix: Path): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    lines.set(JSON.stringify(prefix), blk.line);
    for (const [k, a] of Object.entries(blk.attrs)) {
      out[k] = a.value;
      lines.set(JSON.stringify([...prefix, k]), a.line);
    }
    const counts = new Map<string, number>();
    for (const nb of blk.blocks) {
      const i = counts.get(nb.type) ?? 0;
      counts.set(nb.type, i + 1);
      const list = (out[nb.type] as unknown[]) ?? [];
      list.push(conv(nb, [...prefix, nb.type, i]));
      out[nb.type] = list;
    }
    return out;
  };
  return { type: b.labels[0]!, name: b.labels[1] ?? '?', line: b.line, values: conv(b, []), lines };
}

const isUnresolved = (v: unknown): v is { unresolved: string } => !!v && typeof v === 'object' && 'unresolved' in (v as object);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const text = (v: unknown): string => (isUnresolved(v) ? v.unresolved : String(v ?? ''));

/** A minimal YamlDoc over converted values, answering positions from the recorded lines. */
function fakeDoc(value: unknown, lineOf: (path: Path) => number): YamlDoc {
  const positionOf = (path: readonly (string | number)[]) => ({ line: lineOf([...path]), column: 1, exact: true, depth: path.length });
  return { index: 0, value, positionOf, line: (p) => lineOf([...p]) };
}

function lookupLine(res: Res, sub: Path): number {
  for (let k = sub.length; k >= 0; k--) {
    const l = res.lines.get(JSON.stringify(sub.slice(0, k)));
    if (l !== undefined) return l;
  }
  return res.line;
}

function scopes(resources: Res[], file: string, references?: Map<string, Record<string, string[]>>): { provider: CloudEgressData['provider']; scopes: CloudScope[] }[] {
  const out: { provider: CloudEgressData['provider']; scopes: CloudScope[] }[] = [];
  const pathMap = new Map<string, { res: Res; sub: Path }>();
  const at = (res: Res, sub: Path, outPath: Path): void => {
    pathMap.set(JSON.stringify(outPath), { res, sub });
  };
  const lineOf = (path: Path): number => {
    for (let k = path.length; k >= 0; k--) {
      const hit = pathMap.get(JSON.stringify(path.slice(0, k)));
      if (hit) return lookupLine(hit.res, hit.sub);
    }
    return 1;
  };

  // AWS
  const sgs = resources.filter((r) => r.type === 'aws_security_group');
  const sgRules = resources.filter((r) => (r.type === 'aws_security_group_rule' && text(r.values.type) === 'egress') || r.type === 'aws_vpc_security_group_egress_rule');
  if (sgs.length || sgRules.length) {
    const groups: Record<string, unknown>[] = [];
    const byRef = new Map<string, Record<string, unknown>>();
    sgs.forEach((sg) => {
      const gi = groups.length;
      const g: Record<string, unknown> = { GroupId: `aws_security_group.${sg.name}`, GroupName: text(sg.values.name) || sg.name, IpPermissionsEgress: [] };
      groups.push(g);
      byRef.set(`aws_security_group.${sg.name}`, g);
      at(sg, [], ['SecurityGroups', gi]);
      at(sg, [], ['SecurityGroups', gi, 'GroupId']);
      list(sg.values.egress).forEach((e, ei) => addPerm(g, gi, sg, e as Record<string, unknown>, ['egress', ei]));
    });
    function addPerm(g: Record<string, unknown>, gi: number, res: Res, e: Record<string, unknown>, sub: Path): void {
      const perms = g.IpPermissionsEgress as unknown[];
      const pi = perms.length;
      const vpcRule = res.type === 'aws_vpc_security_group_egress_rule';
      const proto = text(vpcRule ? e.ip_protocol : e.protocol);
      const perm: Record<string, unknown> = { IpProtocol: proto === 'all' ? '-1' : proto, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], Unresolved: [] };
      if (e.from_port !== undefined && !isUnresolved(e.from_port)) perm.FromPort = Number(e.from_port);
      if (e.to_port !== undefined && !isUnresolved(e.to_port)) perm.ToPort = Number(e.to_port);
      const base: Path = ['SecurityGroups', gi, 'IpPermissionsEgress', pi];
      at(res, sub, base);
      const add = (field: string, key: string, vals: unknown, attr: string): void => {
        const entries = isUnresolved(vals) ? [vals] : list(vals);
        entries.forEach((v) => {
          if (isUnresolved(v)) {
            const arr = perm.Unresolved as unknown[];
            at(res, [...sub, attr], [...base, 'Unresolved', arr.length]);
            arr.push({ Expr: v.unresolved });
          } else {
            const arr = perm[field] as unknown[];
            at(res, [...sub, attr], [...base, field, arr.length, key]);
            arr.push({ [key]: String(v) });
          }
        });
      };
      add('IpRanges', 'CidrIp', vpcRule ? e.cidr_ipv4 : e.cidr_blocks, vpcRule ? 'cidr_ipv4' : 'cidr_blocks');
      add('Ipv6Ranges', 'CidrIpv6', vpcRule ? e.cidr_ipv6 : e.ipv6_cidr_blocks, vpcRule ? 'cidr_ipv6' : 'ipv6_cidr_blocks');
      add('PrefixListIds', 'PrefixListId', vpcRule ? e.prefix_list_id : e.prefix_list_ids, vpcRule ? 'prefix_list_id' : 'prefix_list_ids');
      perms.push(perm);
    }
    for (const r of sgRules) {
      const ref = /aws_security_group\.([\w-]+)\.id/.exec(text(r.values.security_group_id))?.[1];
      let g = ref ? byRef.get(`aws_security_group.${ref}`) : undefined;
      let gi = g ? groups.indexOf(g) : -1;
      if (!g) {
        gi = groups.length;
        g = { GroupId: `${r.type}.${r.name}`, GroupName: `security group ${text(r.values.security_group_id) || '?'} (not in the scan)`, IpPermissionsEgress: [] };
        groups.push(g);
        at(r, [], ['SecurityGroups', gi]);
      }
      addPerm(g, gi, r, r.values, []);
    }
    const value = { SecurityGroups: groups };
    out.push({ provider: 'aws', scopes: awsSecurityGroups(fakeDoc(value, lineOf), file) });
  }
  // AWS instances and interfaces: which of those groups apply to which interface.
  const groupIds = new Map(sgs.filter((r) => typeof r.values.id === 'string').map((r) => [r.values.id as string, `aws_security_group.${r.name}`]));
  const tf = resources.map((r) => ({ ...r, lineOf: (sub: Path) => lookupLine(r, sub) }));
  const ifaces = [
    ...terraformInterfaces(tf.filter((r) => r.type === 'aws_instance' || r.type === 'aws_network_interface'), file, { groupIds, subnetVpcs: subnetVpcs(tf), ...(references ? { references } : {}) }),
    ...terraformNetworkScopes(tf, file),
  ];
  if (ifaces.length) {
    const aws = out.find((o) => o.provider === 'aws');
    if (aws) aws.scopes.push(...ifaces);
    else out.push({ provider: 'aws', scopes: ifaces });
  }

  // GCP
  const fws = resources.filter((r) => r.type === 'google_compute_firewall');
  if (fws.length) {
    const value = fws.map((r, i) => {
      at(r, [], [i]);
      at(r, [], [i, 'name']);
      const v = r.values;
      const conv = (xs: unknown) => list(xs).map((a) => ({ IPProtocol: text((a as Record<string, unknown>).protocol), ports: list((a as Record<string, unknown>).ports).map(text) }));
      return {
        name: text(v.name) || r.name,
        network: (text(v.network) || 'default').replace(/^google_compute_network\.([\w-]+)\.(name|id|self_link)$/, '$1'),
        direction: text(v.direction) || 'INGRESS',
        priority: v.priority === undefined || isUnresolved(v.priority) ? 1000 : Number(v.priority),
        destinationRanges: isUnresolved(v.destination_ranges) ? [v.destination_ranges] : list(v.destination_ranges).map((x) => (isUnresolved(x) ? x : String(x))),
        ...(v.allow ? { allowed: conv(v.allow) } : {}),
        ...(v.deny ? { denied: conv(v.deny) } : {}),
        disabled: v.disabled === true,
        targetTags: list(v.target_tags).map(text),
        targetServiceAccounts: list(v.target_service_accounts).map(text),
      };
    });
    out.push({ provider: 'gcp', scopes: gcpFirewalls(fakeDoc(value, lineOf), file) });
  }

  // Azure
  const nsgs = resources.filter((r) => r.type === 'azurerm_network_security_group');
  const nsgRules = resources.filter((r) => r.type === 'azurerm_network_security_rule');
  if (nsgs.length || nsgRules.length) {
    const value: Record<string, unknown>[] = [];
    const byName = new Map<string, Record<string, unknown>>();
    const conv = (s: Record<string, unknown>) => ({
      name: text(s.name),
      priority: Number(isUnresolved(s.priority) ? 4096 : s.priority),
      direction: text(s.direction),
      access: text(s.access),
      protocol: text(s.protocol),
      ...(s.destination_address_prefix !== undefined ? { destinationAddressPrefix: text(s.destination_address_prefix) } : {}),
      ...(s.destination_address_prefixes !== undefined ? { destinationAddressPrefixes: list(s.destination_address_prefixes).map(text) } : {}),
      ...(s.destination_port_range !== undefined ? { destinationPortRange: text(s.destination_port_range) } : {}),
      ...(s.destination_port_ranges !== undefined ? { destinationPortRanges: list(s.destination_port_ranges).map(text) } : {}),
    });
    nsgs.forEach((r) => {
      const ni = value.length;
      const rules = list(r.values.security_rule).map((s, si) => {
        at(r, ['security_rule', si], [ni, 'securityRules', si, 'name']);
        return conv(s as Record<string, unknown>);
      });
      const nsg = { name: text(r.values.name) || r.name, securityRules: rules };
      at(r, [], [ni, 'name']);
      value.push(nsg);
      byName.set(`azurerm_network_security_group.${r.name}`, nsg);
      byName.set(nsg.name, nsg);
    });
    for (const r of nsgRules) {
      const ref = text(r.values.network_security_group_name);
      const m = /azurerm_network_security_group\.([\w-]+)\.name/.exec(ref);
      let nsg = byName.get(m ? `azurerm_network_security_group.${m[1]}` : ref);
      if (!nsg) {
        nsg = { name: `${ref || '?'} (not in the scan)`, securityRules: [] };
        at(r, [], [value.length, 'name']);
        value.push(nsg);
        byName.set(ref, nsg);
      }
      const ni = value.indexOf(nsg);
      const rules = nsg.securityRules as unknown[];
      at(r, [], [ni, 'securityRules', rules.length, 'name']);
      rules.push(conv(r.values));
    }
    out.push({ provider: 'azure', scopes: azureNsgs(fakeDoc(value, lineOf), file) });
  }
  return out;
}

/** Resources of `terraform show -json` (plan: planned_values, state: values), child modules included. */
function planResources(doc: YamlDoc): Res[] {
  const root = doc.value as Record<string, unknown>;
  const out: Res[] = [];
  const visit = (mod: unknown, path: Path): void => {
    const m = (mod ?? {}) as Record<string, unknown>;
    (Array.isArray(m.resources) ? m.resources : []).forEach((r, i) => {
      const o = r as Record<string, unknown>;
      if (o.mode && o.mode !== 'managed') return;
      const rp: Path = [...path, 'resources', i];
      const lines = new Map<string, number>();
      const values = (o.values ?? {}) as Record<string, unknown>;
      const record = (v: unknown, sub: Path): void => {
        if (sub.length) lines.set(JSON.stringify(sub), doc.positionOf([...rp, 'values', ...sub]).line);
        if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as object)) record(x, [...sub, Array.isArray(v) ? Number(k) : k]);
      };
      record(values, []);
      out.push({ type: String(o.type), name: String(o.name), line: doc.positionOf(rp).line, values, lines });
    });
    (Array.isArray(m.child_modules) ? m.child_modules : []).forEach((c, i) => visit(c, [...path, 'child_modules', i]));
  };
  if (root.planned_values) visit((root.planned_values as Record<string, unknown>).root_module, ['planned_values', 'root_module']);
  else if (root.values) visit((root.values as Record<string, unknown>).root_module, ['values', 'root_module']);
  return out;
}

function isPlan(file: SourceFile): boolean {
  return /^\s*\{/.test(file.text) && /"format_version"/.test(file.text.slice(0, 2000)) && /"root_module"/.test(file.text);
}

export const terraformHandler: InputHandler = {
  format: 'terraform',
  items: ['egress-control'],
  detect(file) {
    if (/\.tf$/i.test(file.path)) return /^\s*resource\s+"/m.test(file.text) && relevantText(file.text);
    if (/\.json$/i.test(file.path) || file.absPath === null) return isPlan(file) && relevantText(file.text);
    return false;
  },
  parse(file) {
    const resources = isPlan(file)
      ? planResources(file.yaml().docs[0]!)
      : parseHcl(file.text, file.path)
          .filter((b) => b.type === 'resource' && b.labels.length === 2)
          .map(fromHcl);
    const relevant = resources.filter((r) => TYPES.test(r.type));
    const targets = scopes(relevant, file.path, isPlan(file) ? planReferences(file.yaml().docs[0]!.value) : undefined).map(({ provider, scopes: sc }) =>
      wholeFileTarget<CloudEgressData>(file, { kind: 'egress', id: `egress:terraform:${provider}:${file.path}`, name: `terraform ${provider} ${file.path}`, platform: 'cloud', data: { layer: 'cloud', provider, host: hostOf(file), scopes: sc } }, { comments: !isPlan(file) }),
    );
    return { targets };
  },
};

export type { HclValue };
