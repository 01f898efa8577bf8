import { analyzeHost, type Allowlist, type EgressFinding, type FindingCode, type HostAnalysis } from '../../analyzers/egress/analyze.js';
import type { EgressContext, NormRuleset } from '../../analyzers/egress/model.js';
import type { EgressConfig, SandcheckConfig } from '../../config/types.js';
import type { Target } from '../../model/target.js';
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
    if (!isNetfilter(ctx.target)) return NOT_APPLICABLE;
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
