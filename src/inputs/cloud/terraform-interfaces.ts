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

/** `aws_security_group.x.id` → `aws_security_group.x`; a literal id as is. */
function address(v: unknown, type: string): string {
  const s = text(v).replace(/^"\$\{(.*)\}"$/, '$1');
  const m = new RegExp(`^${type}\\.([\\w-]+)\\.id$`).exec(s);
  return m ? `${type}.${m[1]}` : s;
}

export function terraformInterfaces(resources: readonly TfResource[], file: string): CloudScope[] {
  const out: CloudInterface[] = [];
  const at = (r: TfResource, sub: (string | number)[]): Origin => ({ file, line: r.lineOf(sub) });
  const groups = (r: TfResource, key: string): CloudInterface['groups'] => list(r.values[key]).map((g, i) => ({ id: address(g, 'aws_security_group'), origin: at(r, [key, i]) }));
  const subnet = (r: TfResource): { subnetId?: string } => (r.values.subnet_id !== undefined ? { subnetId: address(r.values.subnet_id, 'aws_subnet') } : {});
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
