import { analyzeHost, type Allowlist, type EgressFinding, type FindingCode, type HostAnalysis } from '../../analyzers/egress/analyze.js';
import type { EgressContext, NormChain, NormRule, NormRuleset, Origin } from '../../analyzers/egress/model.js';
import { selectorMatches, type LabelSelector } from '../../inputs/networkpolicy/objects.js';
import type { WorkloadData } from '../../model/workload.js';
import type { EgressConfig, SandcheckConfig } from '../../config/types.js';
import { locate, type Target } from '../../model/target.js';
import type { CloudEgressData } from '../../inputs/cloud/handler.js';
import { NOT_APPLICABLE, type Inventory, type RuleFunction } from '../types.js';

/**
 * Egress verdicts over every host packet filter of the scan. Files in one directory are one host; its
 * IPv4 and IPv6 rulesets (iptables-save, ip6tables-save, nft) are judged together, once per inventory,
 * and each finding is reported on the file that holds the responsible rule.
 */

export const EGRESS_CODES: FindingCode[] = ['no-default-deny', 'allow-any', 'excess', 'ipv6-open', 'dns', 'metadata', 'internal', 'required-blocked', 'opaque', 'delegated'];

interface NetfilterData {
  layer: 'host-netfilter';
  host: string;
  rulesets: NormRuleset[];
}

function isNetfilter(t: Target<object>): t is Target<NetfilterData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'host-netfilter';
}

export function allowlistOf(cfg: EgressConfig | undefined): Allowlist {
  return {
    allow: (cfg?.allow ?? []).map((a) => ({ cidr: a.cidr, host: a.host, proto: a.proto, ports: a.ports })),
    internal: (cfg?.internal ?? []).map((a) => ({ cidr: a.cidr, proto: a.proto, ports: a.ports })),
    resolvers: cfg?.dns?.resolvers ?? [],
    ipv6: cfg?.ipv6 ?? 'auto',
  };
}

export function contextsOf(cfg: EgressConfig | undefined): EgressContext[] {
  return (cfg?.contexts ?? []).map((c) => ({ ...(c as unknown as EgressContext), origin: 'configured in sandcheck.yaml' }));
}

/** Groups the netfilter targets of a scan by host and analyses each host once. */
export function analyzeInventory(targets: readonly Target<object>[], config: SandcheckConfig): Map<string, { analysis: HostAnalysis; targets: Target<NetfilterData>[] }> {
  const hosts = new Map<string, Target<NetfilterData>[]>();
  for (const t of targets) {
    if (!isNetfilter(t)) continue;
    const list = hosts.get(t.data.host) ?? [];
    list.push(t);
    hosts.set(t.data.host, list);
  }
  const out = new Map<string, { analysis: HostAnalysis; targets: Target<NetfilterData>[] }>();
  for (const [host, ts] of hosts) {
    // ipset contents alone are no firewall evidence.
    if (!ts.some((t) => t.data.rulesets.some((r) => r.tables.length > 0))) continue;
    const analysis = analyzeHost({ rulesets: ts.flatMap((t) => t.data.rulesets), contexts: contextsOf(config.egress), allowlist: allowlistOf(config.egress) });
    out.set(host, { analysis, targets: ts });
  }
  return out;
}

const cache = new WeakMap<Inventory, Map<string, EgressFinding[]>>();

function findingsByTarget(inventory: Inventory): Map<string, EgressFinding[]> {
  let byTarget = cache.get(inventory);
  if (byTarget) return byTarget;
  byTarget = new Map();
  for (const { analysis, targets } of analyzeInventory(inventory.byKind('egress'), inventory.config).values()) {
    for (const f of analysis.findings) {
      const owner = targets.find((t) => t.file === f.location.file) ?? targets[0]!;
      const list = byTarget.get(owner.id) ?? [];
      list.push(f);
      byTarget.set(owner.id, list);
    }
  }
  for (const t of inventory.byKind('egress')) {
    if (!isCloud(t)) continue;
    for (const { analysis } of analyzeCloud(t, inventory.config)) {
      const list = byTarget.get(t.id) ?? [];
      list.push(...analysis.findings);
      byTarget.set(t.id, list);
    }
  }
  const policies = inventory.byKind('egress').filter(isPolicy);
  for (const { analysis } of analyzePolicies(inventory.targets, inventory.config)) {
    for (const f of analysis.findings) {
      const owner = policies.find((t) => t.file === f.location.file) ?? policies[0]!;
      const list = byTarget.get(owner.id) ?? [];
      list.push(f);
      byTarget.set(owner.id, list);
    }
  }
  cache.set(inventory, byTarget);
  return byTarget;
}

export const egressVerdict: RuleFunction<{ code: FindingCode }> = {
  name: 'egressVerdict',
  description: 'One egress verdict (no default deny, allow-any, excess destinations, …) of the host packet filters in the scan, judged against the egress allowlist of sandcheck.yaml; each finding carries a witness flow and the rule path.',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['code'],
    properties: {
      code: { enum: EGRESS_CODES, description: 'Which verdict this rule reports.' },
    },
  },
  run(_node, options, ctx) {
    if (!isNetfilter(ctx.target) && !isPolicy(ctx.target) && !isCloud(ctx.target)) return NOT_APPLICABLE;
    const mine = (findingsByTarget(ctx.inventory).get(ctx.target.id) ?? []).filter((f) => f.code === options.code);
    return mine.map((f) => ({
      message: f.message.replace(/\{\{/g, '{ {'),
      verdict: f.verdict,
      key: f.key,
      location: { file: f.location.file, line: f.location.line },
      evidence: f.evidence,
    }));
  },
};

// ---------------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy / CiliumNetworkPolicy: each pod of the scan gets the rules of the policies
// that select it, as one ordered filter (deny rules, then accepts, then DROP if any policy isolates it
// for egress, else ACCEPT).

interface PolicyData {
  layer: 'k8s-networkpolicy';
  kind: string;
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  policyTypes: string[];
  policyTypesDefaulted: boolean;
  rules: NormRule[];
  denyRules: NormRule[];
  origin: Origin;
}

function isPolicy(t: Target<object>): t is Target<PolicyData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'k8s-networkpolicy';
}

interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  hostNetwork: boolean;
  origin: Origin;
}

function podsOf(targets: readonly Target<object>[], config: SandcheckConfig): Pod[] {
  const pods: Pod[] = [];
  for (const t of targets) {
    if (t.kind !== 'workload' || t.platform !== 'kubernetes') continue;
    const d = t.data as WorkloadData;
    const loc = locate(t, '/labels');
    pods.push({ name: `${d.namespace ?? 'default'}/${d.kind}/${d.name}`, namespace: d.namespace ?? 'default', labels: d.labels, hostNetwork: d.hostNetwork, origin: { file: loc.file ?? t.file ?? '?', line: loc.line ?? 1 } });
  }
  const wanted = (config.egress?.contexts ?? []).filter((c) => c.kind === 'pod') as { namespace?: string; labels?: Record<string, string> }[];
  if (wanted.length === 0) return pods;
  const out: Pod[] = [];
  for (const w of wanted) {
    const hit = pods.filter((p) => (!w.namespace || p.namespace === w.namespace) && selectorMatches({ matchLabels: w.labels ?? {} }, p.labels));
    if (hit.length) out.push(...hit);
    else out.push({ name: `${w.namespace ?? 'default'}/(configured pod ${Object.entries(w.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')})`, namespace: w.namespace ?? 'default', labels: w.labels ?? {}, hostNetwork: false, origin: { file: config.file ?? 'sandcheck.yaml', line: 1 } });
  }
  return out;
}

export function analyzePolicies(targets: readonly Target<object>[], config: SandcheckConfig): { pod: Pod; analysis: HostAnalysis }[] {
  const policies = targets.filter(isPolicy);
  if (policies.length === 0) return [];
  const out: { pod: Pod; analysis: HostAnalysis }[] = [];
  for (const pod of podsOf(targets, config)) {
    const selecting = policies.filter((p) => p.data.namespace === pod.namespace && selectorMatches(p.data.podSelector, pod.labels));
    const egress = selecting.filter((p) => p.data.policyTypes.includes('Egress'));
    const isolated = egress.length > 0 && !pod.hostNetwork;
    const ingressOnly = selecting.find((p) => p.data.policyTypesDefaulted && !p.data.policyTypes.includes('Egress'));
    let chainName = pod.name;
    if (pod.hostNetwork) chainName += ' (hostNetwork: NetworkPolicy does not apply)';
    else if (!isolated && ingressOnly) chainName += ` (${ingressOnly.data.kind} ${ingressOnly.data.name} selects it but has no policyTypes, so it is Ingress-only)`;
    else if (!isolated) chainName += ' (no NetworkPolicy selects it for Egress)';
    const chain: NormChain = {
      name: chainName,
      base: true,
      hook: 'forward',
      priority: 0,
      policy: isolated ? 'drop' : 'accept',
      type: 'filter',
      rules: isolated ? [...egress.flatMap((p) => p.data.denyRules), ...egress.flatMap((p) => p.data.rules)] : [],
      origin: isolated ? egress[0]!.data.origin : ingressOnly ? ingressOnly.data.origin : pod.origin,
    };
    const rs: NormRuleset = { source: 'k8s-networkpolicy', file: egress[0]?.file ?? pod.origin.file, backend: null, families: ['ipv4', 'ipv6'], tables: [{ name: 'NetworkPolicy', families: ['ipv4', 'ipv6'], chains: [chain] }], notes: [] };
    const analysis = analyzeHost({ rulesets: [rs], contexts: [{ kind: 'pod', namespace: pod.namespace, labels: pod.labels, name: pod.name, origin: 'a workload in the scan' }], allowlist: allowlistOf(config.egress) });
    out.push({ pod, analysis });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Cloud firewalls (AWS security groups and NACLs, GCP firewall rules, Azure NSGs): each scope alone.

function isCloud(t: Target<object>): t is Target<CloudEgressData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'cloud';
}

export function analyzeCloud(t: Target<CloudEgressData>, config: SandcheckConfig): { label: string; analysis: HostAnalysis }[] {
  return t.data.scopes.map((s) => ({
    label: s.label,
    analysis: analyzeHost({ rulesets: [s.ruleset], contexts: [{ kind: 'host-process', name: `instances behind ${s.label}`, origin: 'the scope of this rule list' }], allowlist: allowlistOf(config.egress) }),
  }));
}
