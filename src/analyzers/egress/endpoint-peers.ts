import type { EgressConfig } from '../../config/types.js';
import { selectorMatches, type EndpointPeer } from '../../inputs/networkpolicy/objects.js';
import type { EgressFinding } from './analyze.js';

/**
 * Cilium `toEndpoints`: in-cluster pods a policy lets its pods reach. They have no addresses in the
 * inputs, so they are not part of the reachable address set; they are named from the workloads of the
 * scan the selector matches (in the policy's namespace, or the one `k8s:io.kubernetes.pod.namespace`
 * names) and reported as internal reach (a warning: lateral movement). A peer reached only on port 53
 * is a resolver: it resolves any name, so with host names in egress.allow it is the DNS exfiltration
 * warning instead, unless the rule's DNS proxy (`toPorts.rules.dns`) or egress.dns.resolverFiltersNames
 * limits the names.
 */

export interface PeerPod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

export function endpointPeerFindings(pod: PeerPod, peers: readonly EndpointPeer[], workloads: readonly PeerPod[], cfg: EgressConfig | undefined): EgressFinding[] {
  const label = `pod ${pod.name}`;
  const out: EgressFinding[] = [];
  const named = [...new Set((cfg?.allow ?? []).map((a) => a.host).filter((h): h is string => !!h))];
  for (const p of peers) {
    const where = `${p.rule} (${p.origin.file}:${p.origin.line})`;
    const hits = workloads.filter((w) => (p.namespace === null || w.namespace === p.namespace) && w !== pod && w.name !== pod.name && selectorMatches(p.selector, w.labels));
    const sel = Object.entries(p.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    const scope = p.namespace === null ? 'in any namespace' : `in namespace ${p.namespace}`;
    const who = hits.length ? `pods ${hits.map((h) => h.name).join(', ')}` : `pods ${sel.length ? `labelled ${sel.join(',')} ` : ''}${scope} (no workload of the scan matches)`;
    if (p.dnsOnly) {
      const filtered = p.dnsNames.length > 0 && !p.dnsNames.includes('*');
      if (!named.length || filtered || cfg?.dns?.resolverFiltersNames === true) continue;
      out.push({
        code: 'dns',
        verdict: 'warn',
        context: label,
        family: null,
        message: `${label} can query the in-cluster resolver (${who}) on ${p.ports}, allowed by ${where}; it resolves any name, so data can leave in query names (<data>.attacker.example) although egress.allow names only ${named.join(', ')} (list the names in the rule's toPorts rules.dns, or set egress.dns.resolverFiltersNames: true only if the resolver answers for them alone)`,
        location: p.origin,
        key: `${label}|endpoints-dns|${p.origin.file}:${p.origin.line}`,
        evidence: { context: label, rule: p.rule, peers: who, ports: p.ports },
      });
      continue;
    }
    out.push({
      code: 'internal',
      verdict: 'warn',
      context: label,
      family: null,
      message: `${label} can reach in-cluster ${who} ${hits.length ? `${scope} ` : ''}on ${p.ports}, allowed by ${where}`,
      location: p.origin,
      key: `${label}|endpoints|${p.origin.file}:${p.origin.line}`,
      evidence: { context: label, rule: p.rule, peers: who, ports: p.ports },
    });
  }
  return out;
}

/** The Kubernetes workloads of the scan, as toEndpoints selectors see them. */
export function workloadPods(targets: readonly { kind: string; platform?: string; data: object }[]): PeerPod[] {
  return targets
    .filter((t) => t.kind === 'workload' && t.platform === 'kubernetes')
    .map((t) => {
      const d = t.data as { namespace: string | null; kind: string; name: string; labels: Record<string, string> };
      return { name: `${d.namespace ?? 'default'}/${d.kind}/${d.name}`, namespace: d.namespace ?? 'default', labels: d.labels };
    });
}
