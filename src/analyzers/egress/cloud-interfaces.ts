import type { CloudInterface, CloudScope, GcpInstance } from '../../inputs/cloud/rules.js';
import type { MatchSpec, NormChain, NormRule, Origin } from './model.js';
import type { ScopeRef } from './paths.js';

/**
 * AWS topology of one network interface: the security groups attached to it, the network ACL of its
 * subnet (the association, else the VPC's default ACL) and the route table of its subnet (the
 * association, else the VPC's main table). Listings come from separate CLI calls, so they are matched by
 * id across the whole scan.
 */

/** Something on a path that the report should say (a missing layer, a choice sandcheck made). */
export interface PathNote {
  text: string;
  origin: Origin;
  /** Distinguishes notes (fingerprint key). */
  key: string;
}

export interface InterfaceTopology {
  /** The interface's scopes (one per listing that names it). */
  interfaces: ScopeRef[];
  groups: ScopeRef[];
  /** Groups of the interface that no listing of the scan gives. */
  unknownGroups: CloudInterface['groups'];
  nacl?: ScopeRef;
  routes?: ScopeRef;
}

const ifaceOf = (s: ScopeRef): CloudInterface => s.scope.iface!;

/** One interface scope per interface id (an interface can be listed by describe-network-interfaces and describe-instances). */
export function interfacesOf(scopes: readonly ScopeRef[]): ScopeRef[] {
  const seen = new Map<string, ScopeRef>();
  for (const s of scopes) if (s.scope.kind === 'aws-eni' && !seen.has(ifaceOf(s).id)) seen.set(ifaceOf(s).id, s);
  return [...seen.values()];
}

/** The primary interface of a set (lowest device index; an interface without one last). */
function primary(list: readonly ScopeRef[]): ScopeRef {
  return [...list].sort((a, b) => (ifaceOf(a).deviceIndex ?? 1e9) - (ifaceOf(b).deviceIndex ?? 1e9))[0]!;
}

/**
 * The interface `name` designates: an interface id, or an instance id (its primary interface: the
 * instance's own traffic leaves there unless its routing says otherwise). Null when no listing has it.
 */
export function interfaceNamed(name: string, scopes: readonly ScopeRef[]): { eni: ScopeRef; notes: PathNote[] } | null {
  const all = interfacesOf(scopes);
  const byId = all.find((s) => ifaceOf(s).id === name);
  if (byId) return { eni: byId, notes: [] };
  const ofInstance = all.filter((s) => ifaceOf(s).instanceId === name);
  if (ofInstance.length === 0) return null;
  return { eni: primary(ofInstance), notes: instanceNotes(name, ofInstance) };
}

function instanceNotes(instance: string, ofInstance: readonly ScopeRef[]): PathNote[] {
  if (ofInstance.length < 2) return [];
  const p = primary(ofInstance);
  return [
    {
      text: `instance ${instance} has ${ofInstance.length} network interfaces (${ofInstance.map((s) => ifaceOf(s).id).join(', ')}); it is judged on its primary interface ${ifaceOf(p).id}. Name another interface in egress.contexts[].behind to judge the path through it`,
      origin: ifaceOf(p).origin,
      key: `instance-interfaces|${instance}`,
    },
  ];
}

/**
 * The interface a host's directory describes, when its listings name exactly one (or only the
 * interfaces of one instance: its primary). `ambiguous` lists them when there are several.
 */
export function interfaceOfDirectory(here: readonly ScopeRef[]): { eni: ScopeRef; notes: PathNote[] } | { ambiguous: ScopeRef[] } | null {
  const list = interfacesOf(here);
  if (list.length === 0) return null;
  if (list.length === 1) return { eni: list[0]!, notes: [] };
  const instances = new Set(list.map((s) => ifaceOf(s).instanceId));
  const only = [...instances][0];
  if (instances.size === 1 && only) return { eni: primary(list), notes: instanceNotes(only, list) };
  return { ambiguous: list };
}

export function topologyOf(eni: ScopeRef, scopes: readonly ScopeRef[]): InterfaceTopology {
  const i = ifaceOf(eni);
  const interfaces = scopes.filter((s) => s.scope.kind === 'aws-eni' && ifaceOf(s).id === i.id);
  const groups: ScopeRef[] = [];
  const unknownGroups: CloudInterface['groups'] = [];
  for (const g of i.groups) {
    const hit = scopes.filter((s) => s.scope.kind === 'aws-sg' && s.scope.id === g.id);
    if (hit.length === 0) unknownGroups.push(g);
    for (const h of hit) if (!groups.includes(h)) groups.push(h);
  }
  const bySubnet = (kind: 'aws-nacl' | 'aws-route'): ScopeRef | undefined =>
    (i.subnetId ? scopes.find((s) => s.scope.kind === kind && s.scope.assoc?.subnets.includes(i.subnetId!)) : undefined) ??
    (i.vpcId ? scopes.find((s) => s.scope.kind === kind && s.scope.assoc?.isDefault && s.scope.assoc.vpcId === i.vpcId) : undefined);
  const nacl = bySubnet('aws-nacl');
  const routes = bySubnet('aws-route');
  return { interfaces, groups, unknownGroups, ...(nacl ? { nacl } : {}), ...(routes ? { routes } : {}) };
}

// ---------------------------------------------------------------------------------------------------
// GCP: an instance's network tags and service accounts decide which targeted firewall rules apply.

/** GCP instance scopes, one per name. */
export function vmsOf(scopes: readonly ScopeRef[]): ScopeRef[] {
  const seen = new Map<string, ScopeRef>();
  for (const s of scopes) if (s.scope.kind === 'gcp-vm' && !seen.has(s.scope.vm!.name)) seen.set(s.scope.vm!.name, s);
  return [...seen.values()];
}

/** The GCP instance `name` designates (its name or numeric id). */
export function vmNamed(name: string, scopes: readonly ScopeRef[]): ScopeRef | null {
  return vmsOf(scopes).find((s) => s.scope.vm!.name === name || s.scope.vm!.id === name) ?? null;
}

/** The firewall scopes of the instance's network (nic0). */
export function vmNetworks(vm: ScopeRef, scopes: readonly ScopeRef[]): ScopeRef[] {
  return scopes.filter((s) => s.scope.kind === 'gcp' && s.scope.id === vm.scope.vm!.network);
}

const TARGET_NOTE = 'applies only to instances with ';

/**
 * A GCP network's chain as it applies to one instance: a rule limited to target tags or service
 * accounts applies when the instance has one of them (then it is no longer opaque) and is left out
 * otherwise.
 */
export function chainForInstance(chain: NormChain, targets: NonNullable<CloudScope['gcpTargets']>, vm: GcpInstance): NormChain {
  const byRule = new Map(targets.map((t) => [t.rule, t]));
  const rules: NormRule[] = [];
  chain.rules.forEach((r, i) => {
    const t = byRule.get(i);
    if (!t) return void rules.push(r);
    const applies = t.tags.some((x) => vm.tags.includes(x)) || t.serviceAccounts.some((x) => vm.serviceAccounts.includes(x));
    if (!applies) return;
    const match: MatchSpec[] = r.match.map((m) => {
      const opaque = (m.opaque ?? []).filter((o) => !o.startsWith(TARGET_NOTE));
      const { opaque: _drop, ...rest } = m;
      return opaque.length ? { ...rest, opaque } : rest;
    });
    rules.push({ ...r, match, index: r.index ?? i + 1 });
  });
  return { ...chain, rules, name: chain.name.replace(/^(GCP network \S+)/, `$1 for instance ${vm.name}`) };
}
