import type { Origin } from '../../analyzers/egress/model.js';
import { scopeRuleset, type CloudInterface, type CloudScope } from './rules.js';

/**
 * Terraform `aws_instance` and `aws_network_interface` → the same interface scopes as the CLI listings:
 * which security groups (`vpc_security_group_ids`, `security_groups`) and subnet (`subnet_id`) apply.
 * References to resources of the scan become their Terraform address (`aws_security_group.sandbox`), as
 * the security group scopes of the Terraform input are named; a value that needs evaluation stays as
 * written and matches nothing (the group is then unknown: opaque on the interface's path).
 */

export interface TfResource {
  type: string;
  name: string;
  values: Record<string, unknown>;
  /** The line of a value (by its path under `values`), or of the resource. */
  lineOf: (sub: (string | number)[]) => number;
}

const isUnresolved = (v: unknown): v is { unresolved: string } => !!v && typeof v === 'object' && 'unresolved' in (v as object);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const text = (v: unknown): string => (isUnresolved(v) ? v.unresolved : String(v ?? ''));

/** What the interfaces need from the rest of the input. */
export interface TfContext {
  /** Security group ids of a state (`sg-…`) → the group's Terraform address, as its scope is named. */
  groupIds?: Map<string, string>;
  /** Plan: the references of values not known before apply, by resource address and attribute. */
  references?: Map<string, Record<string, string[]>>;
  /** `aws_subnet.x` → its VPC's address (the VPC picks the default network ACL and the main route table). */
  subnetVpcs?: Map<string, string>;
}

/** `aws_security_group.x.id` → `aws_security_group.x`; a state's `sg-…` → its group's address; any other value as is. */
function address(v: unknown, type: string, ctx: TfContext = {}): string {
  const s = text(v).replace(/^"\$\{(.*)\}"$/, '$1');
  const m = new RegExp(`^${type}\\.([\\w-]+)\\.id$`).exec(s);
  return m ? `${type}.${m[1]}` : (ctx.groupIds?.get(s) ?? s);
}

const REFERENCED = ['vpc_security_group_ids', 'security_groups', 'subnet_id'];

/**
 * `terraform show -json` of a plan leaves out values known only after apply (the id of a group created
 * by the same plan); its `configuration` keeps the references they come from.
 */
export function planReferences(plan: unknown): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  const root = (plan as { configuration?: { root_module?: { resources?: unknown[] } } } | null)?.configuration?.root_module?.resources;
  for (const r of Array.isArray(root) ? root : []) {
    const o = r as { address?: string; expressions?: Record<string, { references?: unknown }> };
    if (typeof o.address !== 'string' || !o.expressions) continue;
    const refs: Record<string, string[]> = {};
    for (const k of REFERENCED) {
      const list = o.expressions[k]?.references;
      if (Array.isArray(list)) refs[k] = list.filter((x): x is string => typeof x === 'string' && x.endsWith('.id'));
    }
    if (Object.keys(refs).length) out.set(o.address, refs);
  }
  return out;
}

export function terraformInterfaces(resources: readonly TfResource[], file: string, ctx: TfContext = {}): CloudScope[] {
  const out: CloudInterface[] = [];
  const at = (r: TfResource, sub: (string | number)[]): Origin => ({ file, line: r.lineOf(sub) });
  const value = (r: TfResource, key: string): unknown => r.values[key] ?? ctx.references?.get(`${r.type}.${r.name}`)?.[key];
  const groups = (r: TfResource, key: string): CloudInterface['groups'] => list(value(r, key)).map((g, i) => ({ id: address(g, 'aws_security_group', ctx), origin: at(r, [key, i]) }));
  const subnet = (r: TfResource): { subnetId?: string; vpcId?: string } => {
    const v = value(r, 'subnet_id');
    const one = Array.isArray(v) ? v[0] : v;
    if (one === undefined) return {};
    const subnetId = address(one, 'aws_subnet');
    const vpcId = ctx.subnetVpcs?.get(subnetId);
    return { subnetId, ...(vpcId ? { vpcId } : {}) };
  };
  // Interfaces attached by an instance's network_interface block: instance and device index.
  const attachedBy = new Map<string, { instanceId: string; deviceIndex?: number }>();
  for (const r of resources) {
    if (r.type !== 'aws_instance') continue;
    const nics = list(r.values.network_interface) as Record<string, unknown>[];
    for (const n of nics) attachedBy.set(address(n.network_interface_id, 'aws_network_interface'), { instanceId: `aws_instance.${r.name}`, ...(typeof n.device_index === 'number' ? { deviceIndex: n.device_index } : {}) });
    // An instance launched with its own primary interface: the groups and subnet are the instance's.
    if (nics.length === 0) out.push({ id: `aws_instance.${r.name}`, instanceId: `aws_instance.${r.name}`, deviceIndex: 0, ...subnet(r), groups: [...groups(r, 'vpc_security_group_ids'), ...groups(r, 'security_groups')], addresses: [], origin: at(r, []) });
  }
  for (const r of resources) {
    if (r.type !== 'aws_network_interface') continue;
    const id = `aws_network_interface.${r.name}`;
    const att = (list(r.values.attachment)[0] ?? {}) as Record<string, unknown>;
    const by = attachedBy.get(id) ?? (att.instance !== undefined ? { instanceId: address(att.instance, 'aws_instance'), ...(typeof att.device_index === 'number' ? { deviceIndex: att.device_index } : {}) } : undefined);
    out.push({ id, ...(by ?? {}), ...subnet(r), groups: groups(r, 'security_groups'), addresses: list(r.values.private_ips).map(text), origin: at(r, []) });
  }
  return out.map((iface) => {
    const label = iface.instanceId === iface.id ? `AWS instance ${iface.id}` : `AWS network interface ${iface.id}${iface.instanceId ? ` (instance ${iface.instanceId})` : ''}`;
    return { label, id: iface.id, kind: 'aws-eni', ruleset: scopeRuleset(file, label, [], 'accept', iface.origin), iface };
  });
}
