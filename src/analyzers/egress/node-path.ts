import { basename, dirname, resolve } from 'node:path';
import type { Target } from '../../model/target.js';
import { withDecidedFamilies } from './decided-families.js';
import type { NormRuleset } from './model.js';

/**
 * The host packet filter on the path of a workload's traffic: a pod's packets leave through its node's
 * FORWARD path (nat PREROUTING, filter FORWARD with the KUBE-*, cali-*, CILIUM_* chains, nat
 * POSTROUTING), a compose service's through the host's (DOCKER-USER first), a host-network one through
 * the host's OUTPUT path. Which dump is the node's follows the rule of the cloud layers
 * (src/analyzers/egress/paths.ts): what `egress.contexts[].behind` names (a dump's file name or path, or
 * the host's directory), else — with no `behind` — the dumps in the workload file's own directory.
 */

export interface HostFilter {
  /** Absolute directory of the dumps (the host's identity, as the netfilter targets give it). */
  host: string;
  targetIds: string[];
  /** Display paths of its dumps. */
  files: string[];
  rulesets: NormRuleset[];
}

/** The data of a host packet filter target (iptables-save, ip6tables-save, nft dumps). */
export interface NetfilterData {
  layer: 'host-netfilter';
  host: string;
  rulesets: NormRuleset[];
}

export function isNetfilter(t: Target<object>): t is Target<NetfilterData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'host-netfilter';
}

/** The hosts of the scan with at least one table (ipset contents alone filter nothing). */
export function hostFiltersOf(targets: readonly Target<object>[], decide: (rs: NormRuleset[]) => NormRuleset[] = withDecidedFamilies): HostFilter[] {
  const by = new Map<string, Target<NetfilterData>[]>();
  for (const t of targets) {
    if (!isNetfilter(t)) continue;
    const l = by.get(t.data.host) ?? [];
    l.push(t);
    by.set(t.data.host, l);
  }
  const out: HostFilter[] = [];
  for (const [host, ts] of by) {
    if (!ts.some((t) => t.data.rulesets.some((r) => r.tables.length > 0))) continue;
    out.push({ host, targetIds: ts.map((t) => t.id), files: ts.map((t) => t.file ?? '?'), rulesets: decide(ts.flatMap((t) => t.data.rulesets)) });
  }
  return out;
}

/** `behind: [rules.v4]`, `[node-a/rules.v4]`, `[node-a]` (the directory) all name the host of node-a/rules.v4. */
export function hostNamed(h: HostFilter, name: string): boolean {
  if (h.files.some((f) => f === name || basename(f) === name || resolve(f) === resolve(name))) return true;
  return h.host === resolve(name) || basename(h.host) === name.replace(/\/+$/, '');
}

/** The host filters on a workload's path (one per node it may run on; usually none or one). */
export function hostsOnPath(behind: readonly string[] | undefined, file: string | null | undefined, hosts: readonly HostFilter[]): HostFilter[] {
  if (behind?.length) return hosts.filter((h) => behind.some((n) => hostNamed(h, n)));
  if (!file) return [];
  const dir = dirname(resolve(file));
  return hosts.filter((h) => h.host === dir);
}

/** A `behind` entry names a host filter of the scan (it is not a missing cloud layer). */
export function namesAHost(name: string, hosts: readonly HostFilter[]): boolean {
  return hosts.some((h) => hostNamed(h, name));
}
