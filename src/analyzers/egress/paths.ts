import { dirname, resolve } from 'node:path';
import type { CloudScope } from '../../inputs/cloud/rules.js';
import type { Target } from '../../model/target.js';
import type { EgressContext, NormChain, NormRuleset } from './model.js';
import { PATH_HOOK } from './walk.js';

/**
 * The layers on a context's path. A flow leaves only if every enforcement point it crosses lets it
 * through, so a context is judged on the intersection: its host packet filter (or its pod's network
 * policy) and the cloud firewall scopes in front of it. A scope is on a context's path when
 * `egress.contexts[].behind` names it, or — for host contexts — when its listing sits in the host's
 * directory (files in one directory describe one host). The security groups of one path are unioned,
 * as AWS unions the groups of one network interface; every other scope (network ACL, GCP network,
 * Azure NSG) is a layer of its own. A scope on no path is judged alone.
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

/**
 * The cloud layers in front of one context. `hostDir`: the host's directory for host and container
 * contexts (listings beside its rule dumps are on its path); null for pods.
 */
export function cloudLayers(ctx: EgressContext, scopes: readonly ScopeRef[], hostDir: string | null): PathLayers {
  const used: ScopeRef[] = [];
  const missing: string[] = [];
  if (ctx.behind?.length) {
    for (const name of ctx.behind) {
      const hit = scopes.filter((s) => scopeNamed(s, name));
      if (hit.length === 0) missing.push(name);
      for (const h of hit) if (!used.includes(h)) used.push(h);
    }
  } else if (hostDir !== null) {
    for (const s of scopes) if (s.dir === hostDir) used.push(s);
  }
  const rulesets: NormRuleset[] = [];
  const groups = used.filter((u) => u.scope.kind === 'aws-sg');
  if (groups.length) {
    // The security groups of one interface: a flow any of them allows is allowed (each has its own platform rules).
    const label = groups.length === 1 ? groups[0]!.scope.label : `AWS security groups ${groups.map((g) => g.scope.id).join(' ∪ ')}`;
    const first = only(groups[0]!.scope.ruleset);
    rulesets.push(asRuleset(groups[0]!.file, onPath(first, 0, groups.flatMap((g) => only(g.scope.ruleset).rules), label)));
  }
  used
    .filter((u) => u.scope.kind !== 'aws-sg')
    .forEach((u, i) => rulesets.push(asRuleset(u.file, onPath(only(u.scope.ruleset), i + 1))));
  return { rulesets, used, missing };
}
