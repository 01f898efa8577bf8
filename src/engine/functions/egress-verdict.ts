import { readFileSync } from 'node:fs';
import { analyzeHost, impliedContexts, type Allowlist, type EgressFinding, type FindingCode, type HostAnalysis } from '../../analyzers/egress/analyze.js';
import { analyzeComposeNetworks, composeBridgesByHost, isComposeNetwork, type ComposeServiceAnalysis } from '../../analyzers/egress/compose-networks.js';
import type { EgressContext, NormChain, NormRule, NormRuleset, Origin } from '../../analyzers/egress/model.js';
import { contextLabel } from '../../analyzers/egress/model.js';
import { cloudLayers, cloudScopesOf, type ScopeRef } from '../../analyzers/egress/paths.js';
import { analyzeInterfacesAlone, noteFinding } from '../../analyzers/egress/cloud-findings.js';
import { hostFiltersOf, hostsOnPath, isNetfilter, namesAHost, type HostFilter, type NetfilterData } from '../../analyzers/egress/node-path.js';
import { withDecidedFamilies } from '../../analyzers/egress/decided-families.js';
import { endpointPeerFindings, workloadPods } from '../../analyzers/egress/endpoint-peers.js';
import type { CloudScope } from '../../inputs/cloud/rules.js';
import type { SysctlEgressData } from '../../inputs/sysctl/handler.js';
import { calicoSelectorMatches, selectorMatches, type CalicoPolicyData, type CalicoTierData, type NetworkPolicyData } from '../../inputs/networkpolicy/objects.js';
import type { WorkloadData } from '../../model/workload.js';
import type { EgressConfig, SandcheckConfig } from '../../config/types.js';
import { locate, type Target } from '../../model/target.js';
import type { CloudEgressData } from '../../inputs/cloud/handler.js';
import type { KubernetesWorkloadData } from '../../inputs/kubernetes/handler.js';
import { NOT_APPLICABLE, type Inventory, type RuleFunction } from '../types.js';
import { pushAll } from '../../util/arrays.js';

/**
 * Egress verdicts over every host packet filter of the scan. Files in one directory are one host; its
 * IPv4 and IPv6 rulesets (iptables-save, ip6tables-save, nft) are judged together, once per inventory,
 * and each finding is reported on the file that holds the responsible rule.
 */

export const EGRESS_CODES: FindingCode[] = ['no-default-deny', 'allow-any', 'excess', 'ipv6-open', 'dns', 'metadata', 'internal', 'required-blocked', 'opaque', 'delegated'];

export function allowlistOf(cfg: EgressConfig | undefined): Allowlist {
  return {
    allow: (cfg?.allow ?? []).map((a) => ({ cidr: a.cidr, host: a.host, proto: a.proto, ports: a.ports })),
    internal: (cfg?.internal ?? []).map((a) => ({ cidr: a.cidr, proto: a.proto, ports: a.ports })),
    resolvers: cfg?.dns?.resolvers ?? [],
    resolverFiltersNames: cfg?.dns?.resolverFiltersNames ?? false,
    ipv6: cfg?.ipv6 ?? 'auto',
  };
}

export function contextsOf(cfg: EgressConfig | undefined): EgressContext[] {
  return (cfg?.contexts ?? []).map((c) => ({ ...(c as unknown as EgressContext), origin: 'configured in sandcheck.yaml' }));
}

/** The first line of sandcheck.yaml that names `text` (the config keeps no positions for egress entries). */
function lineNaming(file: string | null | undefined, text: string): number {
  if (!file) return 1;
  try {
    const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
    return i >= 0 ? i + 1 : 1;
  } catch {
    return 1;
  }
}

/** A `behind` entry that names no cloud scope of the scan: its layer counts as allow-all, and the report says so. */
function missingLayerFinding(name: string, ctx: EgressContext, config: SandcheckConfig, key: string): EgressFinding {
  const label = contextLabel(ctx);
  return {
    code: 'opaque',
    verdict: 'warn',
    context: label,
    family: null,
    message: `${label} is behind ${name} (egress.contexts[].behind), which no input of the scan lists; that layer counts as allow-all`,
    location: { file: config.file ?? 'sandcheck.yaml', line: lineNaming(config.file, name) },
    key: `${key}|behind|${name}`,
    evidence: { context: label, behind: name },
  };
}

/**
 * A hostNetwork pod that no `behind` places is in its node's network namespace: when the scan holds a
 * host filter with rules, the host analysis judges it with the host processes (analyzeInventory), else
 * its own path does (analyzePolicies: no NetworkPolicy applies, absent layers allow).
 */
function judgedWithHostProcesses(pod: Pod, hosts: readonly HostFilter[]): boolean {
  return pod.hostNetwork && !pod.behind && hosts.length > 0;
}

/**
 * Groups the netfilter targets of a scan by host and analyses each host once, each context on the
 * intersection of the host's rulesets and the cloud scopes in front of it (src/analyzers/egress/paths.ts).
 * `pods`, `podRuns` and `filters`: the scan's pods, their analyses and its host filters (egressRun).
 */
function analyzeInventory(targets: readonly Target<object>[], config: SandcheckConfig, pods: readonly Pod[], podRuns: readonly PodAnalysis[], filters: readonly HostFilter[]): Map<string, HostRun> {
  const scopes = cloudScopesOf(targets);
  const hosts = new Map<string, Target<NetfilterData>[]>();
  for (const t of targets) {
    if (!isNetfilter(t)) continue;
    const list = hosts.get(t.data.host) ?? [];
    list.push(t);
    hosts.set(t.data.host, list);
  }
  const out = new Map<string, HostRun>();
  const bridgesByHost = composeBridgesByHost(targets, config);
  // Host directories of the node filters some pod of the scan is judged behind (see node-path.ts).
  const podNodes = new Set(podRuns.flatMap((p) => p.nodes.map((n) => n.host)));
  const hostNetworkPods = pods.filter((p) => judgedWithHostProcesses(p, filters)).map((pod) => ({ pod, hosts: hostsOnPath(undefined, pod.origin.file, filters).map((h) => h.host) }));
  for (const [host, ts] of hosts) {
    // ipset contents alone are no firewall evidence.
    if (!ts.some((t) => t.data.rulesets.some((r) => r.tables.length > 0))) continue;
    const used: ScopeRef[] = [];
    const missing: EgressFinding[] = [];
    const pathLayers = (ctx: EgressContext): NormRuleset[] => {
      const p = cloudLayers(ctx, scopes, host);
      for (const u of p.used) if (!used.includes(u)) used.push(u);
      // A `behind` entry naming a host filter of the scan (a compose bridge's host) is no missing cloud layer.
      for (const m of p.missing) if (!namesAHost(m, filters)) missing.push(missingLayerFinding(m, ctx, config, host));
      for (const n of p.notes) missing.push(noteFinding(n, contextLabel(ctx)));
      return p.rulesets;
    };
    const v6 = ipv6Evidence(targets, host, config);
    // Configured pod contexts whose pods run behind this host are judged on that path (policy ∩ node), not here.
    const configured = contextsOf(config.egress);
    let contexts = podNodes.has(host) ? configured.filter((c) => c.kind !== 'pod') : configured;
    if (configured.length > 0 && contexts.length === 0) continue;
    // Bridges of compose services judged on this host's path are not judged again as "containers on <bridge>".
    const bridges = bridgesByHost.get(host);
    const rulesets = withDecidedFamilies(ts.flatMap((t) => t.data.rulesets));
    if (configured.length === 0 && bridges) contexts = impliedContexts(rulesets).filter((c) => !(c.kind === 'container' && c.interface && bridges.has(c.interface)));
    const allowlist = allowlistOf(config.egress);
    // Evidence beats the assertion: a host whose sysctl turns IPv6 on is judged on IPv6 whatever sandcheck.yaml says.
    if (v6.on) allowlist.ipv6 = 'auto';
    const podsHere = hostNetworkPods.filter((p) => p.hosts.length === 0 || p.hosts.includes(host));
    if (configured.length > 0 && podsHere.length > 0) contexts = hostNetworkContexts(contexts, pods, podsHere.map((p) => p.pod));
    // `--explain` names the hostNetwork pods beside the host-process context that judges them.
    const named = podsHere.length ? `; also pod ${podsHere.map((p) => `${p.pod.name} (${p.pod.hostNetworkBy ?? 'hostNetwork: true'})`).join(', ')}` : '';
    const judgedContexts = (contexts.length ? contexts : impliedContexts(rulesets)).map((c) => (c.kind === 'host-process' && !c.name && named ? { ...c, origin: `${c.origin ?? ''}${named}` } : c));
    const hostProcessNote = podsHere.length ? hostNetworkNote(podsHere.map((p) => p.pod)) : undefined;
    const analysis = analyzeHost({ rulesets, contexts: named ? judgedContexts : contexts, allowlist, pathLayers, ...(v6.off ? { ipv6OffEvidence: v6.off } : {}), ...(hostProcessNote ? { hostProcessNote } : {}) });
    analysis.findings.push(...missing, ...v6.findings);
    out.set(host, { analysis, targets: ts, scopes: used });
  }
  return out;
}

/**
 * The configured contexts of a host that judges hostNetwork pods (`here`): their traffic leaves by the host's
 * OUTPUT path, so a configured pod context that selects only such pods is no FORWARD context of the host (its
 * input interface would be unknown and nothing would say why), and they are judged as host processes — by the
 * configured host-process context, else by one named after them.
 */
function hostNetworkContexts(contexts: readonly EgressContext[], pods: readonly Pod[], here: readonly Pod[]): EgressContext[] {
  const judgedHere = new Set(here);
  const out = contexts.filter((c) => {
    if (c.kind !== 'pod') return true;
    const selected = pods.filter((p) => p.targetId !== undefined && (!c.namespace || p.namespace === c.namespace) && selectorMatches({ matchLabels: c.labels ?? {} }, p.labels));
    return !(selected.length > 0 && selected.every((p) => judgedHere.has(p)));
  });
  if (out.some((c) => c.kind === 'host-process')) return out;
  const names = here.map((p) => p.name);
  const name = `${names.length > 1 ? 'pods' : 'pod'} ${names.join(', ')} (hostNetwork)`;
  return [...out, { kind: 'host-process', name, origin: "in the host's network namespace: judged as a host process, on the host's OUTPUT chain" }];
}

/**
 * The host-process findings of a host also judge the hostNetwork pods that run on it (in the manifest's
 * directory, or anywhere in the scan when no host filter is in that directory): each says so, as the
 * report would otherwise speak only of host processes.
 */
function hostNetworkNote(pods: readonly Pod[]): { text: string; evidence: Record<string, string> } {
  const names = pods.map((pod) => `pod ${pod.name} (${pod.hostNetworkBy ?? 'hostNetwork: true'}, ${pod.hostNetworkOrigin?.file ?? pod.origin.file}:${pod.hostNetworkOrigin?.line ?? pod.origin.line})`);
  return {
    text: `${names.join(', ')} ${names.length > 1 ? 'use' : 'uses'} the host's network namespace, so ${names.length > 1 ? 'they are' : 'it is'} judged here as a host process, on the host's OUTPUT chain`,
    evidence: { hostNetworkPods: pods.map((pod) => pod.name).join(', ') },
  };
}

/**
 * What the host's sysctl files (src/inputs/sysctl) say about IPv6: `off` when
 * net.ipv6.conf.all.disable_ipv6 = 1 (evidence: IPv6 is not judged), `on` when it is 0 — which
 * overrides `egress.ipv6: disabled` and says so in a warning.
 */
function ipv6Evidence(targets: readonly Target<object>[], host: string, config: SandcheckConfig): { off?: string; on?: boolean; findings: EgressFinding[] } {
  let all: { value: string; origin: Origin } | undefined;
  for (const t of targets) {
    if (t.kind !== 'egress') continue;
    const d = t.data as Partial<SysctlEgressData>;
    if (d.layer === 'sysctl' && d.host === host && d.disableIpv6?.all) all = d.disableIpv6.all;
  }
  if (!all) return { findings: [] };
  const where = `net.ipv6.conf.all.disable_ipv6 = ${all.value} (${all.origin.file}:${all.origin.line})`;
  if (all.value === '1') return { off: where, findings: [] };
  if (all.value !== '0' || config.egress?.ipv6 !== 'disabled') return { findings: [] };
  return {
    on: true,
    findings: [
      {
        code: 'opaque',
        verdict: 'warn',
        context: 'all',
        family: 'ipv6',
        message: `This host sets ${where}, but sandcheck.yaml asserts that IPv6 is disabled (egress.ipv6: disabled): IPv6 egress is judged`,
        location: all.origin,
        key: `${host}|ipv6-assertion-contradicted`,
        evidence: { sysctl: where },
      },
    ],
  };
}

export type HostRun = { analysis: HostAnalysis; targets: Target<NetfilterData>[]; scopes: ScopeRef[] };

/** Every egress analysis of one scan: what the rules report and what `sandcheck egress --explain` prints. */
export interface EgressRun {
  /** Per host directory: its packet filter, each context on its path. */
  hosts: Map<string, HostRun>;
  pods: PodAnalysis[];
  /** AWS interfaces and GCP instances on no context's path, each on its own path. */
  interfaces: { label: string; analysis: HostAnalysis; used: ScopeRef[] }[];
  /** Cloud scopes on no path, each judged alone. */
  cloud: { target: Target<CloudEgressData>; label: string; analysis: HostAnalysis }[];
  compose: ComposeServiceAnalysis[];
  /** Cloud scopes judged on some path (not again alone). */
  onPath: Set<CloudScope>;
}

const runCache = new WeakMap<readonly Target<object>[], { config: SandcheckConfig; run: EgressRun }>();

/** The egress analysis of a scan, computed once per scan (targets and config) and shared by the rules and `--explain`. */
export function egressRun(targets: readonly Target<object>[], config: SandcheckConfig): EgressRun {
  const hit = runCache.get(targets);
  if (hit && hit.config === config) return hit.run;
  const onPath = new Set<CloudScope>();
  const filters = hostFiltersOf(targets);
  const scanPods = podsOf(targets, config);
  const pods = analyzePolicies(targets, config, scanPods, filters);
  const hosts = analyzeInventory(targets, config, scanPods, pods, filters);
  for (const { scopes } of hosts.values()) for (const s of scopes) onPath.add(s.scope);
  for (const { scopes } of pods) for (const s of scopes) onPath.add(s.scope);
  const egressTargets = targets.filter((t) => t.kind === 'egress');
  // AWS interfaces on no path: each on its own path (groups ∪, ∩ ACL, ∩ routes); their scopes are not judged again alone.
  const interfaces = analyzeInterfacesAlone(cloudScopesOf(egressTargets), onPath, allowlistOf(config.egress));
  for (const { used } of interfaces) for (const u of used) onPath.add(u.scope);
  const cloud = egressTargets.filter(isCloud).flatMap((target) => analyzeCloud(target, config, onPath).map(({ label, analysis }) => ({ target, label, analysis })));
  const run: EgressRun = { hosts, pods, interfaces, cloud, compose: analyzeComposeNetworks(targets, config), onPath };
  runCache.set(targets, { config, run });
  return run;
}

/**
 * The egress findings of an inventory by owning target, and `judged`: the targets whose layer was actually
 * judged (a host with rules, a policy that selects a pod, a cloud scope). Computed once per inventory.
 */
interface InventoryFindings {
  byTarget: Map<string, EgressFinding[]>;
  judged: Set<string>;
}

const cache = new WeakMap<Inventory, InventoryFindings>();

function findingsByTarget(inventory: Inventory): InventoryFindings {
  const hit = cache.get(inventory);
  if (hit) return hit;
  const byTarget = new Map<string, EgressFinding[]>();
  const seen = new Set<string>();
  const run = egressRun(inventory.targets, inventory.config);
  const egressTargets = inventory.byKind('egress');
  for (const { analysis, targets, scopes } of run.hosts.values()) {
    for (const t of targets) seen.add(t.id);
    // A finding located in a cloud listing on the path belongs to that listing's target.
    const owners: Target<object>[] = [...targets, ...egressTargets.filter((t) => scopes.some((s) => s.targetId === t.id))];
    for (const f of analysis.findings) {
      const owner = owners.find((t) => t.file === f.location.file) ?? targets[0]!;
      const list = byTarget.get(owner.id) ?? [];
      list.push(f);
      byTarget.set(owner.id, list);
    }
  }
  const policies = egressTargets.filter((t) => isPolicy(t) || isCalico(t));
  for (const { analysis } of run.interfaces) {
    for (const f of analysis.findings) {
      const owner = egressTargets.find((t) => t.file === f.location.file);
      if (!owner) continue;
      byTarget.set(owner.id, [...(byTarget.get(owner.id) ?? []), f]);
    }
  }
  for (const t of egressTargets) {
    if (!isCloud(t)) continue;
    // A listing is judged when a scope of it is on some path or is a firewall judged alone (route tables and interfaces alone are no evidence).
    if (t.data.scopes.some((s) => run.onPath.has(s) || judgedAlone(s))) seen.add(t.id);
    for (const { analysis } of run.cloud.filter((c) => c.target === t)) {
      const list = byTarget.get(t.id) ?? [];
      pushAll(list, analysis.findings);
      byTarget.set(t.id, list);
    }
  }
  if (run.pods.length) for (const p of policies) seen.add(p.id);
  for (const { analysis, scopes, nodes } of run.pods) {
    const nodeTargets = egressTargets.filter((t) => nodes.some((n) => n.targetIds.includes(t.id)));
    for (const t of nodeTargets) seen.add(t.id);
    const owners: Target<object>[] = [...policies, ...nodeTargets, ...egressTargets.filter((t) => scopes.some((s) => s.targetId === t.id))];
    for (const f of analysis.findings) {
      // A pod no policy isolates: the finding belongs to the workload (no policy is at fault).
      if (f.owner) seen.add(f.owner);
      const ownerId = f.owner ?? (owners.find((t) => t.file === f.location.file) ?? policies[0])?.id;
      if (!ownerId) continue;
      const list = byTarget.get(ownerId) ?? [];
      // A node's input notes are reported once, whether its host analysis or a pod's path found them.
      if (!list.some((x) => x.key === f.key)) list.push(f);
      byTarget.set(ownerId, list);
    }
  }
  // Compose services: each judged on its own network attachment (src/analyzers/egress/compose-networks.ts).
  for (const a of run.compose) {
    seen.add(a.target.id);
    byTarget.set(a.target.id, a.analysis.findings);
  }
  const out = { byTarget, judged: seen };
  cache.set(inventory, out);
  return out;
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
    const workload = ctx.target.kind === 'workload' && ctx.target.platform === 'kubernetes';
    if (!workload && !isNetfilter(ctx.target) && !isPolicy(ctx.target) && !isCloud(ctx.target) && !isCalico(ctx.target) && !isComposeNetwork(ctx.target)) return NOT_APPLICABLE;
    const { byTarget, judged } = findingsByTarget(ctx.inventory);
    // Evidence that judged nothing (ipset contents alone, policies that select no pod of the scan) is no pass.
    if (!judged.has(ctx.target.id)) return NOT_APPLICABLE;
    const mine = (byTarget.get(ctx.target.id) ?? []).filter((f) => f.code === options.code);
    return mine.map((f) => ({
      // Capitalised like every other rule's message (the analyzer writes them mid-sentence style).
      message: (f.message.charAt(0).toUpperCase() + f.message.slice(1)).replace(/\{\{/g, '{ {'),
      verdict: f.verdict,
      key: f.key,
      location: { file: f.location.file, line: f.location.line },
      evidence: f.evidence,
      ...(f.fix ? { remediation: f.fix.replace(/\{\{/g, '{ {') } : {}),
    }));
  },
};

// ---------------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy / CiliumNetworkPolicy: each pod of the scan gets the rules of the policies
// that select it, as one ordered filter (deny rules, then accepts, then DROP if any policy isolates it
// for egress, else ACCEPT).

/** The policy targets of src/inputs/networkpolicy (NetworkPolicy, CiliumNetworkPolicy). */
type PolicyData = NetworkPolicyData;

/** `*.example.com` style patterns (Cilium matchPattern) as a test on one host name. */
function hostMatches(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[-a-zA-Z0-9_.]*')}$`, 'i');
  return re.test(host);
}

/**
 * Cilium toFQDNs: a name or pattern outside the `host` of every egress.allow entry is an excess
 * destination; a pattern broader than the allowlisted names covers hosts nobody declared.
 */
function fqdnFindings(pod: Pod, policies: Target<PolicyData>[], config: SandcheckConfig): EgressFinding[] {
  const hosts = (config.egress?.allow ?? []).map((a) => a.host).filter((h): h is string => !!h);
  const out: EgressFinding[] = [];
  for (const p of policies)
    for (const f of p.data.fqdns ?? []) {
      const allowed = f.pattern ? hosts.some((h) => h === f.name) : hosts.some((h) => hostMatches(h, f.name));
      if (allowed) continue;
      const label = `pod ${pod.name}`;
      const what = f.pattern ? `any host matching ${f.name}` : f.name;
      out.push({
        code: 'excess',
        verdict: 'fail',
        context: label,
        family: null,
        message: `${label} can reach ${what} on ${f.ports}, not in egress.allow${hosts.length ? ` (${hosts.join(', ')})` : ''}: allowed by ${f.rule} (${f.origin.file}:${f.origin.line})`,
        witness: `${f.pattern ? f.name.replace(/\*/g, 'x') : f.name}${f.port !== undefined ? `:${f.port}` : ''} by name`,
        path: `${f.rule} (${f.origin.file}:${f.origin.line})`,
        location: f.origin,
        key: `${label}|fqdn|${f.name}`,
        evidence: { context: label, fqdn: f.name, rule: f.rule },
      });
    }
  return out;
}

function isPolicy(t: Target<object>): t is Target<PolicyData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'k8s-networkpolicy';
}

interface Pod {
  name: string;
  /** The workload target (absent for a configured pod context that matches no workload of the scan). */
  targetId?: string;
  /** The line that puts it in the node's network namespace, when hostNetwork is true. */
  hostNetworkOrigin?: Origin;
  /** What puts it there, as the manifest says it: `hostNetwork: true`, or a HostProcess container's `windowsOptions.hostProcess: true`. */
  hostNetworkBy?: string;
  /** securityContext.sysctls net.ipv6.conf.all.disable_ipv6 = 1: IPv6 is off in the pod's network namespace (evidence). */
  ipv6Off?: string;
  namespace: string;
  labels: Record<string, string>;
  hostNetwork: boolean;
  origin: Origin;
  /** Cloud scopes in front of it (`behind` of the configured pod context that names it). */
  behind?: string[];
  /** The configured context's interface / sourceCidr (decide the node filter's `-i` / `-s` rules). */
  interface?: string;
  sourceCidr?: string;
}

/** `net.ipv6.conf.all.disable_ipv6 = 1` in the pod's sysctls, with where it is written. */
function podIpv6Off(t: Target<object>, d: WorkloadData): { ipv6Off?: string } {
  const key = 'net.ipv6.conf.all.disable_ipv6';
  if (d.sysctls?.[key] !== '1') return {};
  const l = locate(t, `/sysctls/${key}`);
  return { ipv6Off: `securityContext.sysctls ${key} = 1 in the pod (${l.file ?? t.file ?? '?'}:${l.line ?? 1})` };
}

/**
 * Whether a Kubernetes workload is in its node's network namespace, and what says so. A Windows HostProcess
 * container always is: the API requires `hostNetwork: true` with it, but a manifest can leave it out (the
 * handler then sets `hostProcessNetwork`, at the hostProcess field). Every egress decision asks this.
 */
function hostNetworkOf(t: Target<object>): { by: string; pointer: string } | null {
  if (t.kind !== 'workload' || t.platform !== 'kubernetes') return null;
  const d = t.data as KubernetesWorkloadData;
  if (d.hostNetwork) return { by: 'hostNetwork: true', pointer: '/hostNetwork' };
  if (d.hostProcessNetwork) return { by: 'windowsOptions.hostProcess: true, a HostProcess container', pointer: '/hostProcessNetwork' };
  return null;
}

function podsOf(targets: readonly Target<object>[], config: SandcheckConfig): Pod[] {
  const pods: Pod[] = [];
  for (const t of targets) {
    if (t.kind !== 'workload' || t.platform !== 'kubernetes') continue;
    const d = t.data as WorkloadData;
    const loc = locate(t, '/labels');
    const host = hostNetworkOf(t);
    const hn = host ? locate(t, host.pointer) : undefined;
    pods.push({
      name: `${d.namespace ?? 'default'}/${d.kind}/${d.name}`,
      targetId: t.id,
      namespace: d.namespace ?? 'default',
      labels: d.labels,
      hostNetwork: host !== null,
      origin: { file: loc.file ?? t.file ?? '?', line: loc.line ?? 1 },
      ...(host ? { hostNetworkBy: host.by } : {}),
      ...(hn ? { hostNetworkOrigin: { file: hn.file ?? loc.file ?? t.file ?? '?', line: hn.line ?? loc.line ?? 1 } } : {}),
      ...podIpv6Off(t, d),
    });
  }
  const wanted = (config.egress?.contexts ?? []).filter((c) => c.kind === 'pod') as { namespace?: string; labels?: Record<string, string>; behind?: string[]; interface?: string; sourceCidr?: string }[];
  if (wanted.length === 0) return pods;
  const out: Pod[] = [];
  for (const w of wanted) {
    const behind = { ...(w.behind?.length ? { behind: w.behind } : {}), ...(w.interface ? { interface: w.interface } : {}), ...(w.sourceCidr ? { sourceCidr: w.sourceCidr } : {}) };
    const hit = pods.filter((p) => (!w.namespace || p.namespace === w.namespace) && selectorMatches({ matchLabels: w.labels ?? {} }, p.labels));
    if (hit.length) out.push(...hit.map((p) => ({ ...p, ...behind })));
    else out.push({ name: `${w.namespace ?? 'default'}/(configured pod ${Object.entries(w.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')})`, namespace: w.namespace ?? 'default', labels: w.labels ?? {}, hostNetwork: false, origin: { file: config.file ?? 'sandcheck.yaml', line: 1 }, ...behind });
  }
  return out;
}

export interface PodAnalysis {
  pod: Pod;
  analysis: HostAnalysis;
  scopes: ScopeRef[];
  /** The node packet filter on the pod's path (its FORWARD path, or OUTPUT for a hostNetwork pod). */
  nodes: HostFilter[];
}

/**
 * Each pod of the scan on its path: its policies, its node's packet filter, the cloud scopes in front of it.
 * `pods` and `hosts` are the scan's (egressRun computes them once for this and the host analysis).
 */
export function analyzePolicies(targets: readonly Target<object>[], config: SandcheckConfig, pods: readonly Pod[] = podsOf(targets, config), hosts: readonly HostFilter[] = hostFiltersOf(targets)): PodAnalysis[] {
  const policies = targets.filter(isPolicy);
  const calico = targets.filter(isCalico);
  // Without any policy in the scan only hostNetwork pods, and pods whose node filter is in the scan, are
  // judged: no NetworkPolicy can ever apply to the former; the latter are judged on their node's filter.
  const noPolicies = policies.length === 0 && calico.length === 0;
  if (noPolicies && hosts.length === 0 && !targets.some((t) => hostNetworkOf(t) !== null)) return [];
  const allPods = workloadPods(targets);
  const cloud = cloudScopesOf(targets);
  const tierInfo = new Map<string, CalicoTierData>();
  for (const t of targets) if (t.kind === 'egress' && (t.data as { layer?: string }).layer === 'calico-tier') tierInfo.set((t.data as CalicoTierData).name, t.data as CalicoTierData);
  const out: PodAnalysis[] = [];
  for (const pod of pods) {
    // A hostNetwork pod's egress is the node's: a host firewall in the scan judges it (as host processes).
    if (judgedWithHostProcesses(pod, hosts)) continue;
    // A hostNetwork pod's node filter is the one its `behind` names (without it, no host filter with rules is in the scan).
    const nodes = hostsOnPath(pod.behind, pod.origin.file, hosts);
    if (noPolicies && !pod.hostNetwork && nodes.length === 0) continue;
    const selecting = policies.filter((p) => p.data.namespace === pod.namespace && selectorMatches(p.data.podSelector, pod.labels));
    const egress = selecting.filter((p) => p.data.policyTypes.includes('Egress'));
    const nsLabels = { 'kubernetes.io/metadata.name': pod.namespace, 'projectcalico.org/name': pod.namespace };
    const calicoHere = calico.filter(
      (c) =>
        c.data.types.includes('Egress') &&
        (c.data.namespace === null ? c.data.namespaceSelector === null || calicoSelectorMatches(c.data.namespaceSelector, nsLabels) === true : c.data.namespace === pod.namespace) &&
        calicoSelectorMatches(c.data.selector, pod.labels) === true,
    );
    // Tiers in order; Kubernetes policies sit in the default tier at order 1000, as Calico places them.
    const tiers = new Map<string, { order: number; defaultAction: 'Deny' | 'Pass'; policies: { order: number; name: string; rules: NormRule[]; origin: Origin }[] }>();
    const tierOf = (name: string) => {
      let t = tiers.get(name);
      if (!t) tiers.set(name, (t = { order: tierInfo.get(name)?.order ?? (name === 'default' ? 1_000_000 : Number.POSITIVE_INFINITY), defaultAction: tierInfo.get(name)?.defaultAction ?? 'Deny', policies: [] }));
      return t;
    };
    if (!pod.hostNetwork) {
      for (const p of egress) tierOf('default').policies.push({ order: 1000, name: p.data.name, rules: [...p.data.denyRules, ...p.data.rules], origin: p.data.origin });
      for (const c of calicoHere) tierOf(c.data.tier).policies.push({ order: c.data.order, name: c.data.name, rules: c.data.rules, origin: c.data.origin });
    }
    const isolated = tiers.size > 0;
    const ingressOnly = selecting.find((p) => p.data.policyTypesDefaulted && !p.data.policyTypes.includes('Egress'));
    let chainName = pod.name;
    if (pod.hostNetwork) chainName += ' (hostNetwork: NetworkPolicy does not apply)';
    else if (!isolated && ingressOnly) chainName += ` (${ingressOnly.data.kind} ${ingressOnly.data.name} selects it but has no policyTypes, so it is Ingress-only)`;
    else if (!isolated) chainName += ' (no NetworkPolicy selects it for Egress)';
    const chains: NormChain[] = [];
    const base: NormChain = { name: chainName, base: true, hook: 'forward', priority: 0, policy: 'accept', type: 'filter', rules: [], origin: ingressOnly ? ingressOnly.data.origin : pod.origin };
    chains.push(base);
    let firstOrigin: Origin | null = null;
    for (const [name, t] of [...tiers].sort((a, b) => a[1].order - b[1].order || a[0].localeCompare(b[0]))) {
      const ps = [...t.policies].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
      const origin = ps[0]!.origin;
      firstOrigin ??= origin;
      const rules = ps.flatMap((p) => p.rules);
      if (t.defaultAction === 'Deny') rules.push({ match: [{}], verdict: { kind: 'drop', text: `end of tier ${name}: no policy allowed it` }, origin, text: `end of tier ${name}`, index: rules.length + 1 });
      const tierChain = `tier ${name}`;
      chains.push({ name: tierChain, base: false, rules, origin });
      base.rules.push({ match: [{}], verdict: { kind: 'jump', target: tierChain, text: tierChain }, origin, text: `tier ${name}` });
    }
    if (firstOrigin && tiers.size === 1 && tiers.has('default') && calicoHere.length === 0) {
      // Plain Kubernetes NetworkPolicy: one ordered list, isolated → DROP at its end.
      const only = chains[1]!;
      base.rules = only.rules.slice(0, -1);
      base.policy = 'drop';
      base.origin = only.origin;
      chains.length = 1;
    }
    const rs: NormRuleset = { source: 'k8s-networkpolicy', file: firstOrigin?.file ?? pod.origin.file, backend: null, families: ['ipv4', 'ipv6'], tables: [{ name: 'NetworkPolicy', families: ['ipv4', 'ipv6'], chains }], notes: [] };
    // The pod's policies, then the cloud scopes in front of it (egress.contexts[].behind): their intersection.
    const podCtx: EgressContext = {
      kind: 'pod',
      namespace: pod.namespace,
      labels: pod.labels,
      name: pod.name,
      origin: 'a workload in the scan',
      ...(pod.behind ? { behind: pod.behind } : {}),
      ...(pod.interface ? { interface: pod.interface } : {}),
      ...(pod.sourceCidr ? { sourceCidr: pod.sourceCidr } : {}),
    };
    const path = cloudLayers(podCtx, cloud, null);
    // The pod's policy, then its node's forward path (nat PREROUTING, filter FORWARD, nat POSTROUTING), then
    // the cloud scopes: a flow leaves only if every layer lets it through. A hostNetwork pod is a process of
    // its node: the node's OUTPUT path.
    // A pod that may run on any of several nodes is judged behind each (findings of one rule are kept once).
    for (const node of nodes.length ? nodes : [null]) {
      const ctx: EgressContext = pod.hostNetwork && node ? { kind: 'host-process', name: `pod ${pod.name} (hostNetwork)`, origin: "in its node's network namespace: judged as a host process, on the node's OUTPUT chain" } : podCtx;
      const rulesets = pod.hostNetwork && node ? node.rulesets : [rs, ...(node?.rulesets ?? [])];
      // A hostNetwork pod is in the node's network namespace: its own sysctls say nothing about it.
      const v6 = pod.ipv6Off && !pod.hostNetwork ? { ipv6OffEvidence: pod.ipv6Off } : {};
      const analysis = analyzeHost({ rulesets, contexts: [ctx], allowlist: allowlistOf(config.egress), pathLayers: () => path.rulesets, ...v6, ...(node && !isolated ? { locateAt: 'decisive' as const } : {}), ...(pod.hostNetwork && node ? { hostProcessNote: hostNetworkNote([pod]) } : {}) });
      if (!isolated && !ingressOnly && !(pod.hostNetwork && node)) analysis.findings = unisolatedPodFindings(analysis.findings, pod, node);
      for (const m of path.missing) if (!namesAHost(m, hosts)) analysis.findings.push(missingLayerFinding(m, podCtx, config, pod.name));
      for (const n of path.notes) analysis.findings.push(noteFinding(n, contextLabel(podCtx)));
      if (!pod.hostNetwork) {
        analysis.findings.push(...fqdnFindings(pod, egress, config));
        analysis.findings.push(...endpointPeerFindings(pod, egress.flatMap((p) => p.data.endpointPeers ?? []), allPods, config.egress));
        // An allowlisted endpoint reached by name (toFQDNs) is not blocked, whatever its addresses.
        const byName = (config.egress?.allow ?? []).map((a, i) => (a.host && egress.some((p) => (p.data.fqdns ?? []).some((f) => (f.pattern ? hostMatches(f.name, a.host!) : f.name === a.host))) ? i : -1)).filter((i) => i >= 0);
        analysis.findings = analysis.findings.filter((f) => !(f.code === 'required-blocked' && byName.some((i) => f.key.endsWith(`|required|${i}`))));
      }
      out.push({ pod, analysis, scopes: path.used, nodes: node ? [node] : [] });
    }
  }
  return out;
}

/**
 * A pod no egress policy isolates: its policy layer allows everything, judged as an absent layer (as a
 * compose service on an open network): one no-default-deny per family, on the workload itself, with the
 * fix for that layer in the message (the rule's remediation speaks of host firewalls). Findings at a
 * cloud layer on its path stay where they are.
 */
function unisolatedPodFindings(findings: EgressFinding[], pod: Pod, node: HostFilter | null = null): EgressFinding[] {
  const atPod = (f: EgressFinding): boolean => f.location.file === pod.origin.file && f.location.line === pod.origin.line;
  const why = pod.hostNetwork
    ? `${pod.hostNetworkBy ?? 'hostNetwork: true'} puts it in the node's network namespace, where NetworkPolicy does not apply, and no host firewall of its node is among the inputs (an absent layer counts as allow-all)`
    : `no egress NetworkPolicy selects it (no NetworkPolicy or Calico policy with Egress in policyTypes selects its labels in namespace ${pod.namespace})${node ? `, and its node's packet filter (${node.files.join(', ')}) does not stop it either` : ''}`;
  const fix = pod.hostNetwork
    ? `run it ${pod.hostNetworkBy?.startsWith('windowsOptions') ? 'as an ordinary container, not a HostProcess one,' : 'without hostNetwork'} and isolate it with an egress NetworkPolicy, or filter the node's egress (OUTPUT policy DROP) and give its iptables-save/nft output to sandcheck`
    : `add a default-deny egress NetworkPolicy in namespace ${pod.namespace} (podSelector: {}, policyTypes: [Egress]) and allow only the endpoints the pod needs`;
  const out: EgressFinding[] = [];
  for (const f of findings) {
    if (!atPod(f)) {
      out.push(f);
      continue;
    }
    // Behind a node that restricts IPv4 but not IPv6, the open layers leave IPv6 open: that finding stays, on the workload.
    if (f.code === 'ipv6-open' && node) {
      const v6Rules = node.rulesets.some((r) => r.families.includes('ipv6') && r.tables.length > 0);
      const message = `${f.message}; no egress NetworkPolicy selects it${v6Rules ? '' : `, and its node's dumps (${node.files.join(', ')}) hold no IPv6 rules`}`;
      out.push({ ...f, message, location: pod.hostNetworkOrigin ?? pod.origin, ...(pod.targetId ? { owner: pod.targetId } : {}) });
      continue;
    }
    if (f.code !== 'no-default-deny' || !f.family) continue;
    out.push({
      ...f,
      message: `No default deny for ${f.family === 'ipv4' ? 'IPv4' : 'IPv6'} egress of pod ${pod.name}: ${why}${f.witness ? ` (e.g. ${f.witness}${node && f.path ? `, allowed by ${f.path}` : ''})` : ''}. Fix: ${fix}`,
      location: pod.hostNetworkOrigin ?? pod.origin,
      ...(pod.targetId ? { owner: pod.targetId } : {}),
      evidence: { ...f.evidence, reason: why, fix },
    });
  }
  return out;
}

function isCalico(t: Target<object>): t is Target<CalicoPolicyData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'calico-policy';
}

// ---------------------------------------------------------------------------------------------------
// Cloud firewalls (AWS security groups and NACLs, GCP firewall rules, Azure NSGs): each scope alone.

/** Route tables, network interfaces and GCP instances are no firewall: they are judged only on a path. */
const judgedAlone = (s: CloudScope): boolean => s.kind !== 'aws-route' && s.kind !== 'aws-eni' && s.kind !== 'gcp-vm';

function isCloud(t: Target<object>): t is Target<CloudEgressData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'cloud';
}

/** Each scope of a cloud listing judged alone, except those on some context's path (`onPath`), judged there. */
export function analyzeCloud(t: Target<CloudEgressData>, config: SandcheckConfig, onPath: ReadonlySet<CloudScope> = new Set()): { label: string; analysis: HostAnalysis }[] {
  return t.data.scopes.filter((s) => !onPath.has(s) && judgedAlone(s)).map((s) => ({
    label: s.label,
    analysis: analyzeHost({ rulesets: [s.ruleset], contexts: [{ kind: 'host-process', name: `instances behind ${s.label}`, origin: 'the scope of this rule list' }], allowlist: allowlistOf(config.egress) }),
  }));
}
