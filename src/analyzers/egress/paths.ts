import { dirname, resolve } from 'node:path';
import type { CloudScope } from '../../inputs/cloud/rules.js';
import type { Target } from '../../model/target.js';
import { chainForInstance, interfaceNamed, interfaceOfDirectory, interfacesOf, topologyOf, vmNamed, vmNetworks, vmsOf, type PathNote } from './cloud-interfaces.js';
import type { EgressContext, NormChain, NormRule, NormRuleset } from './model.js';
import { PATH_HOOK } from './walk.js';

/**
 * The layers on a context's path. A flow leaves only if every enforcement point it crosses lets it
 * through, so a context is judged on the intersection: its host packet filter (or its pod's network
 * policy) and the cloud firewall scopes in front of it. A scope is on a context's path when
 * `egress.contexts[].behind` names it, or — for host contexts — when its listing sits in the host's
 * directory (files in one directory describe one host). The security groups of one path are unioned,
 * as AWS unions the groups of one network interface; every other scope (network ACL, route table, GCP
 * network, Azure NSG) is a layer of its own. A network interface (AWS) decides which groups, ACL and
 * route table are on its path. A scope on no path is judged alone (route tables never are: they are no
 * firewall).
 */

export interface ScopeRef {
  scope: CloudScope;
  /** The cloud target holding it. */
  targetId: string;
  file: string;
  /** Absolute directory of its file. */
  dir: string;
}

interface CloudData {
  layer: 'cloud';
  host: string;
  scopes: CloudScope[];
}

export function cloudScopesOf(targets: readonly Target<object>[]): ScopeRef[] {
  const out: ScopeRef[] = [];
  for (const t of targets) {
    if (t.kind !== 'egress' || (t.data as { layer?: string }).layer !== 'cloud') continue;
    const file = t.file ?? '?';
    const d = t.data as CloudData;
    for (const scope of d.scopes) out.push({ scope, targetId: t.id, file, dir: d.host ?? dirname(resolve(file)) });
  }
  return out;
}

export function scopeNamed(ref: ScopeRef, name: string): boolean {
  return ref.scope.id === name || ref.scope.name === name || ref.scope.label === name;
}

export interface PathLayers {
  /** Rulesets to evaluate after the context's own layer, in path order. */
  rulesets: NormRuleset[];
  /** The scopes on the path (judged as part of it, not alone). */
  used: ScopeRef[];
  /** `behind` names no input of the scan lists: that layer counts as allow-all. */
  missing: string[];
  /** What the report should say about the path (a layer missing from the scan, an instance with several interfaces). */
  notes: PathNote[];
}

/** A scope's chain, moved to the path hook (after the host's own hooks), order kept by position. */
function onPath(chain: NormChain, position: number, rules = chain.rules, name = chain.name): NormChain {
  return { ...chain, name, rules, hook: PATH_HOOK, priority: position, base: true };
}

function asRuleset(file: string, chain: NormChain): NormRuleset {
  return { source: 'cloud', file, backend: null, families: ['ipv4', 'ipv6'], tables: [{ name: 'cloud', families: ['ipv4', 'ipv6'], chains: [chain] }], notes: [] };
}

function only(rs: NormRuleset): NormChain {
  return rs.tables[0]!.chains[0]!;
}

/** What one path collects before its rulesets are built. */
class PathBuilder {
  readonly used: ScopeRef[] = [];
  readonly missing: string[] = [];
  readonly notes: PathNote[] = [];
  /** Security groups of a listed interface that the scan does not give: they may allow anything. */
  readonly unknownGroups: NormRule[] = [];
  readonly unknownGroupIds: string[] = [];
  /** A GCP instance on the path: its network's targeted rules are resolved for it. */
  vm: ScopeRef | null = null;

  add(s: ScopeRef): void {
    if (!this.used.includes(s)) this.used.push(s);
  }

  /** An interface: its groups (unioned), its subnet's network ACL and route table. */
  addInterface(eni: ScopeRef, scopes: readonly ScopeRef[]): void {
    const t = topologyOf(eni, scopes);
    const i = eni.scope.iface!;
    for (const s of t.interfaces) this.add(s);
    for (const g of t.groups) this.add(g);
    if (t.unknownGroups.length && t.groups.length === 0)
      this.notes.push({
        text: `the security groups of ${eni.scope.label} (${t.unknownGroups.map((g) => g.id).join(', ')}) are in no listing of the scan, or not resolved: that layer counts as allow-all (add \`aws ec2 describe-security-groups\` output, or \`terraform show -json\` for Terraform)`,
        origin: t.unknownGroups[0]!.origin,
        key: `groups-missing|${i.id}`,
      });
    else
      for (const g of t.unknownGroups) {
        this.unknownGroupIds.push(g.id);
        this.unknownGroups.push({
          match: [{ opaque: [`security group ${g.id} of ${i.id} (not in the scan: its rules are unknown)`] }],
          verdict: { kind: 'accept', text: `security group ${g.id} (not in the scan)` },
          origin: g.origin,
          text: `security group ${g.id} of ${i.id}`,
        });
      }
    if (t.nacl) this.add(t.nacl);
    if (t.routes) this.add(t.routes);
  }

  /** A GCP instance: its network's firewall rules, those limited to target tags or service accounts resolved for it. */
  addVm(vm: ScopeRef, scopes: readonly ScopeRef[]): void {
    this.add(vm);
    this.vm = vm;
    for (const n of vmNetworks(vm, scopes)) this.add(n);
  }

  build(): PathLayers {
    const rulesets: NormRuleset[] = [];
    const groups = this.used.filter((u) => u.scope.kind === 'aws-sg');
    if (groups.length) {
      // The security groups of one interface: a flow any of them allows is allowed (each has its own platform rules).
      // One group may come from several listings of the scan (main.tf, plan.json, state.json): named once.
      const ids = [...new Set([...groups.map((g) => g.scope.id), ...this.unknownGroupIds])];
      const label = ids.length === 1 && !this.unknownGroups.length ? groups[0]!.scope.label : `AWS security groups ${ids.join(' ∪ ')}`;
      const first = only(groups[0]!.scope.ruleset);
      rulesets.push(asRuleset(groups[0]!.file, onPath(first, 0, [...groups.flatMap((g) => only(g.scope.ruleset).rules), ...this.unknownGroups], label)));
    }
    // Then the network ACL, the route table and every other scope, each a layer of its own.
    this.used
      .filter((u) => u.scope.kind !== 'aws-sg' && u.scope.kind !== 'aws-eni' && u.scope.kind !== 'gcp-vm')
      .forEach((u, i) => {
        const chain = only(u.scope.ruleset);
        const vm = this.vm?.scope.vm;
        rulesets.push(asRuleset(u.file, onPath(u.scope.kind === 'gcp' && vm ? chainForInstance(chain, u.scope.gcpTargets ?? [], vm) : chain, i + 1)));
      });
    return { rulesets, used: this.used, missing: this.missing, notes: this.notes };
  }
}

/**
 * The cloud layers in front of one context. `hostDir`: the host's directory for host and container
 * contexts (listings beside its rule dumps are on its path); null for pods. A network interface or
 * instance (`eni-…`, `i-…`) in `behind`, or the one interface a host's directory lists, brings its own
 * groups, network ACL and route table.
 */
export function cloudLayers(ctx: EgressContext, scopes: readonly ScopeRef[], hostDir: string | null): PathLayers {
  const p = new PathBuilder();
  if (ctx.behind?.length) {
    for (const name of ctx.behind) {
      const eni = interfaceNamed(name, scopes);
      if (eni) {
        p.addInterface(eni.eni, scopes);
        p.notes.push(...eni.notes);
        continue;
      }
      const vm = vmNamed(name, scopes);
      if (vm) {
        p.addVm(vm, scopes);
        continue;
      }
      const hit = scopes.filter((s) => s.scope.kind !== 'aws-eni' && s.scope.kind !== 'gcp-vm' && scopeNamed(s, name));
      if (hit.length === 0) p.missing.push(name);
      for (const h of hit) p.add(h);
    }
  } else if (hostDir !== null) {
    const here = scopes.filter((s) => s.dir === hostDir);
    const dirIface = interfaceOfDirectory(here);
    const dirVms = vmsOf(here);
    if (dirIface && 'eni' in dirIface) {
      p.addInterface(dirIface.eni, scopes);
      p.notes.push(...dirIface.notes);
    } else if (!dirIface && dirVms.length === 1) {
      p.addVm(dirVms[0]!, scopes);
      for (const s of here) if (s.scope.kind !== 'gcp-vm' && s.scope.kind !== 'gcp') p.add(s);
    } else {
      // Which route table applies depends on the subnet: without an interface that says so, none is taken (an absent layer allows).
      for (const s of here) if (s.scope.kind !== 'aws-eni' && s.scope.kind !== 'gcp-vm' && s.scope.kind !== 'aws-route') p.add(s);
      if (dirVms.length > 1)
        p.notes.push({
          text: `the host's directory lists ${dirVms.length} GCP instances (${dirVms.map((s) => s.scope.vm!.name).join(', ')}), and which one is this host is not known: rules limited to target tags or service accounts stay opaque. Name its instance in egress.contexts[].behind`,
          origin: dirVms[0]!.scope.vm!.origin,
          key: `dir-vms|${hostDir}`,
        });
      if (dirIface)
        p.notes.push({
          text: `the host's directory lists ${dirIface.ambiguous.length} network interfaces (${dirIface.ambiguous.map((s) => s.scope.iface!.id).join(', ')}), and which one is this host's is not known: its security groups and network ACLs are all taken as on its path (unioned, intersected), its route tables none. Name its interface in egress.contexts[].behind`,
          origin: dirIface.ambiguous[0]!.scope.iface!.origin,
          key: `dir-interfaces|${hostDir}`,
        });
    }
  }
  return p.build();
}

/** The path of one interface alone (no host or pod in front of it). */
export function interfacePath(eni: ScopeRef, scopes: readonly ScopeRef[]): PathLayers {
  const p = new PathBuilder();
  p.addInterface(eni, scopes);
  return p.build();
}

/** The path of one GCP instance alone: its network's firewall rules as they apply to it. */
export function vmPath(vm: ScopeRef, scopes: readonly ScopeRef[]): PathLayers {
  const p = new PathBuilder();
  p.addVm(vm, scopes);
  return p.build();
}

/**
 * Interfaces (AWS) and instances (GCP) on no context's path, each judged on its own path (its groups ∪,
 * ∩ its ACL, ∩ its routes; its network's rules that target it) when at least one of those layers is in
 * the scan. Interfaces whose paths hold the same rules are judged once, together (an account lists
 * hundreds of interfaces that share a few group sets and subnets).
 */
export function interfacePathsAlone(scopes: readonly ScopeRef[], onPathAlready: ReadonlySet<CloudScope>): { eni: ScopeRef; label: string; path: PathLayers }[] {
  const groups = new Map<string, { members: ScopeRef[]; path: PathLayers; notes: PathNote[] }>();
  const add = (member: ScopeRef, path: PathLayers): void => {
    if (path.rulesets.length === 0) return;
    const key = `${member.scope.kind}|${path.rulesets.map((rs) => only(rs).rules.map((r) => `${r.origin.file}:${r.origin.line}:${r.verdict.kind}:${r.text}`).join(';')).join('|')}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { members: [member], path, notes: [...path.notes] });
    else {
      g.members.push(member);
      for (const u of path.used) if (!g.path.used.includes(u)) g.path.used.push(u);
      for (const n of path.notes) if (!g.notes.some((x) => x.key === n.key)) g.notes.push(n);
    }
  };
  for (const eni of interfacesOf(scopes)) if (!onPathAlready.has(eni.scope)) add(eni, interfacePath(eni, scopes));
  for (const vm of vmsOf(scopes)) if (!onPathAlready.has(vm.scope)) add(vm, vmPath(vm, scopes));
  return [...groups.values()].map(({ members, path, notes }) => ({ eni: members[0]!, label: labelOf(members), path: { ...path, notes } }));
}

function memberName(s: ScopeRef): string {
  if (s.scope.vm) return s.scope.vm.name;
  const i = s.scope.iface!;
  return i.instanceId === i.id ? `instance ${i.id}` : `${i.id}${i.instanceId ? ` (instance ${i.instanceId})` : ''}`;
}

function labelOf(members: readonly ScopeRef[]): string {
  const gcp = members[0]!.scope.kind === 'gcp-vm';
  if (members.length === 1) return gcp ? `GCP instance ${memberName(members[0]!)}` : members[0]!.scope.iface!.instanceId === members[0]!.scope.iface!.id ? memberName(members[0]!) : `interface ${memberName(members[0]!)}`;
  const names = members.slice(0, 3).map(memberName).join(', ');
  const more = members.length > 3 ? ` and ${members.length - 3} more` : '';
  return `${members.length} ${gcp ? 'GCP instances' : 'interfaces'} judged on the same rules (${names}${more})`;
}
