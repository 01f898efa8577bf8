import { addressSet, rangeToCidrs, parsePrefix, type Family } from '../../analyzers/egress/address.js';
import { formatPorts } from '../../analyzers/egress/describe.js';
import { protoName } from '../../analyzers/egress/header-space.js';
import { IntervalSet } from '../../analyzers/egress/interval-set.js';
import type { MatchSpec, NormRule, Origin } from '../../analyzers/egress/model.js';
import type { Location } from '../../model/location.js';
import type { Target } from '../../model/target.js';
import { OBJECT_HANDLERS, SUPPRESS_ANNOTATION, type ObjectContext } from '../kubernetes/handler.js';
import type { SourcePath } from '../source-locator.js';
import { asObj, type Obj } from '../../util/objects.js';

/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) and CiliumNetworkPolicy → `egress` targets. The
 * policy's egress rules are normalized into ordered-filter rules (one accept per peer × port), so the
 * same analyzer judges them once they are attached to the pods they select (egress-verdict.ts).
 */

const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface NetworkPolicyData {
  layer: 'k8s-networkpolicy';
  kind: 'NetworkPolicy' | 'CiliumNetworkPolicy';
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  /** Effective policyTypes after the API defaulting (no policyTypes → Ingress, plus Egress if egress rules exist). */
  policyTypes: string[];
  policyTypesDefaulted: boolean;
  /** Accept rules, then (Cilium egressDeny) drop rules; each with the location of its source rule. */
  rules: NormRule[];
  denyRules: NormRule[];
  /** Peers sandcheck does not turn into addresses (pod/namespace selectors, FQDNs, entities), in words. */
  inClusterPeers: string[];
  /** Cilium toFQDNs names and patterns (other than "*"), judged against the `host` of egress.allow entries. */
  /** `ports`: in the notation of every egress message (`tcp/443,8443`, `udp/53, tcp/53`, `any port`); `port`: the first port, for a witness. */
  fqdns: { name: string; pattern: boolean; ports: string; port?: number; origin: Origin; rule: string }[];
  /** Cilium toEndpoints: the in-cluster pods a rule lets the selected pods reach (matched against the workloads of the scan). */
  endpointPeers?: EndpointPeer[];
  origin: Origin;
}

export interface EndpointPeer {
  /** The selector with Cilium's `k8s:` / `any:` source prefixes removed, without the namespace label. */
  selector: LabelSelector;
  /** `k8s:io.kubernetes.pod.namespace` of the selector, else the policy's namespace; null: any namespace. */
  namespace: string | null;
  /** `tcp/5432`, `udp/53, tcp/53` or `any port` (see ciliumPortsText). */
  ports: string;
  /** Only DNS ports (53): the peer is a resolver. */
  dnsOnly: boolean;
  /** toPorts rules.dns name patterns (a DNS proxy that filters query names), if any. */
  dnsNames: string[];
  origin: Origin;
  rule: string;
}

const NS_LABEL = 'io.kubernetes.pod.namespace';

/** A Cilium endpoint selector as a pod label selector: source prefixes removed, the namespace label split off. */
function endpointSelector(v: unknown, policyNamespace: string): { selector: LabelSelector; namespace: string | null } | null {
  const sel = selectorOf(v);
  const strip = (k: string): string | null => {
    const m = /^(k8s|any|container):(.*)$/.exec(k);
    if (m) return m[2]!;
    return /^[a-z0-9-]+:/.test(k) && !k.includes('/') ? null : k;
  };
  let namespace: string | null = policyNamespace;
  const matchLabels: Record<string, string> = {};
  for (const [k, v2] of Object.entries(sel.matchLabels ?? {})) {
    const key = strip(k);
    if (key === null) return null; // reserved:… entities are not pods
    if (key === NS_LABEL) namespace = v2;
    else matchLabels[key] = v2;
  }
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  for (const e of sel.matchExpressions ?? []) {
    const key = strip(e.key);
    if (key === null) return null;
    if (key === NS_LABEL) {
      if (e.operator === 'In' && e.values?.length === 1) namespace = e.values[0]!;
      else namespace = null;
      continue;
    }
    matchExpressions.push({ ...e, key });
  }
  return { selector: { matchLabels, ...(matchExpressions.length ? { matchExpressions } : {}) }, namespace };
}

export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !vals.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function selectorOf(v: unknown): LabelSelector {
  const o = asObj(v);
  const out: LabelSelector = {};
  if (o.matchLabels) out.matchLabels = Object.fromEntries(Object.entries(asObj(o.matchLabels)).map(([k, x]) => [k, String(x)]));
  if (o.matchExpressions)
    out.matchExpressions = asArr(o.matchExpressions).map((e) => {
      const x = asObj(e);
      return { key: String(x.key), operator: String(x.operator), values: asArr(x.values).map(String) };
    });
  return out;
}

/** `cidr` minus `except`, as CIDR strings of its family. */
function ipBlockCidrs(cidr: string, except: string[]): { family: Family; cidrs: string[] } | null {
  const p = parsePrefix(cidr);
  if (!p) return null;
  const set = addressSet(p.family, [cidr]).subtract(addressSet(p.family, except));
  const cidrs: string[] = [];
  for (const [lo, hi] of set.ranges()) cidrs.push(...rangeToCidrs(p.family, lo, hi));
  return { family: p.family, cidrs };
}

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

interface PortSpec {
  proto?: number;
  range?: [number, number];
  opaque?: string;
}

/**
 * Cilium toPorts in the notation of the rest of the egress output (describeSpace): one `proto/ports` group
 * per protocol (`tcp/80,443`, `udp/53, tcp/53`); protocol ANY is every protocol with ports
 * (`tcp/udp/sctp/443`); `any port` when some entry names no port.
 */
function ciliumPortsText(ports: readonly PortSpec[]): string {
  if (!ports.every((p) => p.range)) return 'any port';
  const groups = new Map<string, [bigint, bigint][]>();
  for (const p of ports) {
    const name = p.proto === undefined ? 'tcp/udp/sctp' : protoName(p.proto);
    const list = groups.get(name) ?? [];
    list.push([BigInt(p.range![0]), BigInt(p.range![1])]);
    groups.set(name, list);
  }
  return [...groups].map(([name, list]) => `${name}/${formatPorts(IntervalSet.of(list))}`).join(', ');
}

function portsOf(v: unknown): PortSpec[] {
  const list = asArr(v);
  if (list.length === 0) return [{}];
  return list.map((p) => {
    const o = asObj(p);
    const proto = PROTO[String(o.protocol ?? 'TCP').toUpperCase()];
    if (o.port === undefined) return { proto };
    if (typeof o.port === 'string' && !/^\d+$/.test(o.port)) return { proto, opaque: `named port "${o.port}" (resolved through the destination pod; never matches an external address)` };
    const lo = Number(o.port);
    const hi = o.endPort !== undefined ? Number(o.endPort) : lo;
    return { proto, range: [lo, hi] };
  });
}

function specFor(port: PortSpec): MatchSpec | null {
  const m: MatchSpec = {};
  if (port.proto !== undefined) m.proto = { values: [port.proto] };
  if (port.range) m.dport = { values: [port.range] };
  if (port.opaque) return null;
  return m;
}

function policyData(obj: Obj, path: SourcePath, ctx: ObjectContext): Target<NetworkPolicyData> {
  const meta = asObj(obj.metadata);
  const name = String(meta.name ?? '(unnamed)');
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  const kind = obj.kind === 'CiliumNetworkPolicy' ? 'CiliumNetworkPolicy' : 'NetworkPolicy';
  const spec = asObj(obj.spec);
  const at = (p: SourcePath): Origin => {
    const l = ctx.locator.at(p);
    return { file: l.file ?? ctx.file.path, line: l.line ?? 1 };
  };
  const rules: NormRule[] = [];
  const denyRules: NormRule[] = [];
  const inClusterPeers: string[] = [];
  const fqdns: NetworkPolicyData['fqdns'] = [];
  const endpointPeers: EndpointPeer[] = [];
  let policyTypes: string[];
  let defaulted = false;
  let podSelector: LabelSelector;

  if (kind === 'NetworkPolicy') {
    podSelector = selectorOf(spec.podSelector);
    const egress = asArr(spec.egress);
    if (Array.isArray(spec.policyTypes) && spec.policyTypes.length) policyTypes = spec.policyTypes.map(String);
    else {
      defaulted = true;
      policyTypes = ['Ingress', ...(egress.length ? ['Egress'] : [])];
    }
    egress.forEach((r, i) => {
      const rule = asObj(r);
      const rp: SourcePath = [...path, 'spec', 'egress', i];
      const ports = portsOf(rule.ports);
      const to = rule.to === undefined ? null : asArr(rule.to);
      const label = `${kind} ${namespace}/${name} egress[${i}]`;
      const push = (dst: string[] | null, where: SourcePath, what: string): void => {
        for (const p of ports) {
          const m = specFor(p);
          if (!m) continue;
          if (dst) m.dst = { values: dst };
          rules.push({ match: [m], verdict: { kind: 'accept', text: `${label}${what}` }, origin: at(where), text: `${label}${what}` });
        }
      };
      if (to === null) push(null, rp, ' (any destination)');
      else
        to.forEach((peer, k) => {
          const pe = asObj(peer);
          const pp: SourcePath = [...rp, 'to', k];
          if (pe.ipBlock) {
            const b = asObj(pe.ipBlock);
            const r2 = ipBlockCidrs(String(b.cidr ?? ''), asArr(b.except).map(String));
            if (r2) push(r2.cidrs, [...pp, 'ipBlock', 'cidr'], ` to ipBlock ${String(b.cidr)}${asArr(b.except).length ? ` except ${asArr(b.except).join(',')}` : ''}`);
          } else inClusterPeers.push(`${label}.to[${k}] (${pe.namespaceSelector ? 'namespaceSelector' : ''}${pe.namespaceSelector && pe.podSelector ? ' + ' : ''}${pe.podSelector ? 'podSelector' : ''})`);
        });
    });
  } else {
    // CiliumNetworkPolicy: endpointSelector; egress / egressDeny with toCIDR, toCIDRSet, toEntities, toFQDNs, toPorts.
    podSelector = selectorOf(spec.endpointSelector);
    const egress = asArr(spec.egress);
    const deny = asArr(spec.egressDeny);
    policyTypes = egress.length || deny.length ? ['Egress'] : [];
    const convert = (list: unknown[], key: 'egress' | 'egressDeny', out: NormRule[], verdict: 'accept' | 'drop'): void => {
      list.forEach((r, i) => {
        const rule = asObj(r);
        const rp: SourcePath = [...path, 'spec', key, i];
        const label = `${kind} ${namespace}/${name} ${key}[${i}]`;
        const ports: PortSpec[] = asArr(rule.toPorts).length
          ? asArr(rule.toPorts).flatMap((tp) => asArr(asObj(tp).ports).map((p) => { const o = asObj(p); return { proto: o.protocol && String(o.protocol).toUpperCase() !== 'ANY' ? PROTO[String(o.protocol).toUpperCase()] : undefined, range: o.port !== undefined ? ([Number(o.port), Number(o.endPort ?? o.port)] as [number, number]) : undefined }; }))
          : [{}];
        const dsts: { cidrs: string[] | null; what: string; where: SourcePath }[] = [];
        asArr(rule.toCIDR).forEach((c, k) => dsts.push({ cidrs: [String(c)], what: ` to ${String(c)}`, where: [...rp, 'toCIDR', k] }));
        asArr(rule.toCIDRSet).forEach((c, k) => {
          const o = asObj(c);
          const r2 = ipBlockCidrs(String(o.cidr ?? ''), asArr(o.except).map(String));
          if (r2) dsts.push({ cidrs: r2.cidrs, what: ` to ${String(o.cidr)}`, where: [...rp, 'toCIDRSet', k] });
        });
        asArr(rule.toEntities).forEach((e, k) => {
          const ent = String(e);
          if (ent === 'world' || ent === 'all') dsts.push({ cidrs: null, what: ` to entity ${ent}`, where: [...rp, 'toEntities', k] });
          else inClusterPeers.push(`${label}.toEntities ${ent}`);
        });
        asArr(rule.toFQDNs).forEach((f, k) => {
          const o = asObj(f);
          if (o.matchPattern === '*') dsts.push({ cidrs: null, what: ' to any FQDN (matchPattern "*")', where: [...rp, 'toFQDNs', k] });
          else if (key === 'egress') {
            const pattern = o.matchPattern !== undefined;
            const first = ports.find((p) => p.range)?.range?.[0];
            fqdns.push({ name: String(o.matchName ?? o.matchPattern), pattern, ports: ciliumPortsText(ports), ...(first !== undefined ? { port: first } : {}), origin: at([...rp, 'toFQDNs', k]), rule: `${label}.toFQDNs[${k}]` });
          }
        });
        if (rule.toServices) inClusterPeers.push(`${label} (toServices)`);
        if (key === 'egress')
          asArr(rule.toEndpoints).forEach((e, k) => {
            const sel = endpointSelector(e, namespace);
            if (!sel) {
              inClusterPeers.push(`${label}.toEndpoints[${k}] (reserved entity)`);
              return;
            }
            const portsText = ciliumPortsText(ports);
            const dnsOnly = ports.every((p) => p.range && p.range[0] === 53 && p.range[1] === 53);
            const dnsNames = asArr(rule.toPorts).flatMap((tp) => asArr(asObj(asObj(tp).rules).dns).map((d) => String(asObj(d).matchName ?? asObj(d).matchPattern ?? '')));
            endpointPeers.push({ ...sel, ports: portsText, dnsOnly, dnsNames, origin: at([...rp, 'toEndpoints', k]), rule: `${label}.toEndpoints[${k}]` });
          });
        const noPeer = !rule.toCIDR && !rule.toCIDRSet && !rule.toEntities && !rule.toFQDNs && !rule.toEndpoints && !rule.toServices;
        if (noPeer && rule.toPorts) dsts.push({ cidrs: null, what: ' (any destination)', where: rp });
        for (const d of dsts)
          for (const p of ports) {
            const m = specFor(p)!;
            if (d.cidrs) m.dst = { values: d.cidrs };
            out.push({ match: [m], verdict: { kind: verdict, text: `${verdict === 'accept' ? '' : 'deny: '}${label}${d.what}` }, origin: at(d.where), text: `${label}${d.what}` });
          }
      });
    };
    convert(egress, 'egress', rules, 'accept');
    convert(deny, 'egressDeny', denyRules, 'drop');
  }

  const origin = at([...path, 'metadata', 'name']);
  const loc: Location = { file: origin.file, line: origin.line };
  return {
    kind: 'egress',
    id: `k8s:${namespace}/${kind}/${name}`,
    name: `${namespace}/${kind}/${name}`,
    platform: 'kubernetes',
    file: ctx.file.path,
    boundary: namespace,
    data: { layer: 'k8s-networkpolicy', kind, name, namespace, podSelector, policyTypes, policyTypesDefaulted: defaulted, rules, denyRules, inClusterPeers, fqdns, endpointPeers, origin },
    locations: new Map([['', loc]]),
    suppressions: Object.entries(asObj(meta.annotations))
      .filter(([k]) => k.startsWith(SUPPRESS_ANNOTATION))
      .map(([k, v]) => ({ ruleId: k.slice(SUPPRESS_ANNOTATION.length), reason: String(v ?? '').trim() || null, source: 'annotation' as const, location: ctx.locator.at([...path, 'metadata', 'annotations', k]) })),
  };
}

/** Registers the NetworkPolicy kinds with the Kubernetes handler (imported for effect by the registry). */
export function registerNetworkPolicyObjects(): void {
  OBJECT_HANDLERS.set('NetworkPolicy', (obj, path, ctx) => [policyData(obj, path, ctx)]);
  OBJECT_HANDLERS.set('CiliumNetworkPolicy', (obj, path, ctx) => [policyData(obj, path, ctx)]);
}
registerNetworkPolicyObjects();

// ---------------------------------------------------------------------------------------------------
// Calico (projectcalico.org/v3) NetworkPolicy and GlobalNetworkPolicy: ordered, with tiers and Pass.

export interface CalicoPolicyData {
  layer: 'calico-policy';
  kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
  name: string;
  /** null for GlobalNetworkPolicy. */
  namespace: string | null;
  tier: string;
  order: number;
  selector: string;
  namespaceSelector: string | null;
  types: string[];
  /** Egress rules in order; Pass is a `return` (to the next tier), Log a `continue`. */
  rules: NormRule[];
  origin: Origin;
}

export interface CalicoTierData {
  layer: 'calico-tier';
  name: string;
  order: number;
  defaultAction: 'Deny' | 'Pass';
}

/**
 * Calico selector expressions: all(), has(k), !has(k), k == 'v', k != 'v', k in {'a','b'},
 * k not in {…}, joined by && and ||. Returns null for syntax this reader does not handle.
 */
export function calicoSelectorMatches(expr: string, labels: Record<string, string>): boolean | null {
  const e = expr.trim();
  if (e === '' || e === 'all()') return true;
  // Parentheses other than has(…)/all() (grouping) are not handled.
  if (/[()]/.test(e.replace(/has\(\s*[\w./-]+\s*\)|all\(\)/g, ''))) return null;
  const ors = e.split('||');
  let any = false;
  for (const or of ors) {
    let all = true;
    for (const raw of or.split('&&')) {
      const t = raw.trim();
      let m: RegExpExecArray | null;
      let v: boolean;
      if (t === 'all()') v = true;
      else if ((m = /^(!?)\s*has\(\s*([\w./-]+)\s*\)$/.exec(t))) v = (m[2]! in labels) !== (m[1] === '!');
      else if ((m = /^([\w./-]+)\s*(==|!=)\s*['"]([^'"]*)['"]$/.exec(t))) v = (labels[m[1]!] === m[3]) === (m[2] === '==');
      else if ((m = /^([\w./-]+)\s+(not\s+in|in)\s*\{([^}]*)\}$/.exec(t))) {
        const vals = m[3]!.split(',').map((x) => x.trim().replace(/^['"]|['"]$/g, ''));
        const has = m[1]! in labels && vals.includes(labels[m[1]!]!);
        v = m[2] === 'in' ? has : !has;
      } else return null;
      if (!v) all = false;
    }
    if (all) any = true;
  }
  return any;
}

function calicoPorts(list: unknown[]): [number, number][] | null {
  const out: [number, number][] = [];
  for (const p of list) {
    if (typeof p === 'number') out.push([p, p]);
    else if (typeof p === 'string' && /^\d+(:\d+)?$/.test(p)) {
      const [a, b] = p.split(':');
      out.push([Number(a), Number(b ?? a)]);
    } else return null;
  }
  return out;
}

function calicoPolicy(obj: Obj, path: SourcePath, ctx: ObjectContext): Target<CalicoPolicyData> {
  const meta = asObj(obj.metadata);
  const spec = asObj(obj.spec);
  const kind = obj.kind === 'GlobalNetworkPolicy' ? 'GlobalNetworkPolicy' : 'NetworkPolicy';
  const namespace = kind === 'GlobalNetworkPolicy' ? null : typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  const name = String(meta.name ?? '(unnamed)');
  const at = (p: SourcePath): Origin => {
    const l = ctx.locator.at(p);
    return { file: l.file ?? ctx.file.path, line: l.line ?? 1 };
  };
  const egress = asArr(spec.egress);
  const types = Array.isArray(spec.types) && spec.types.length ? spec.types.map(String) : [...(asArr(spec.ingress).length || !egress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])];
  const label = `Calico ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  const rules: NormRule[] = [];
  egress.forEach((r, i) => {
    const rule = asObj(r);
    const rp: SourcePath = [...path, 'spec', 'egress', i];
    const action = String(rule.action ?? 'Allow');
    const dest = asObj(rule.destination);
    const m: MatchSpec = {};
    const opaque: string[] = [];
    if (rule.protocol !== undefined) {
      const p = PROTO[String(rule.protocol).toUpperCase()] ?? (String(rule.protocol).toUpperCase() === 'ICMP' ? 1 : String(rule.protocol).toUpperCase() === 'ICMPV6' ? 58 : /^\d+$/.test(String(rule.protocol)) ? Number(rule.protocol) : undefined);
      if (p === undefined) opaque.push(`protocol ${String(rule.protocol)}`);
      else m.proto = { values: [p] };
    }
    if (dest.nets) m.dst = { values: asArr(dest.nets).map(String) };
    if (dest.notNets) {
      if (m.dst) opaque.push('nets combined with notNets');
      else m.dst = { values: asArr(dest.notNets).map(String), negate: true };
    }
    if (dest.ports) {
      const pr = calicoPorts(asArr(dest.ports));
      if (pr) m.dport = { values: pr };
      else opaque.push(`named ports ${JSON.stringify(dest.ports)}`);
    }
    if (dest.notPorts) {
      const pr = calicoPorts(asArr(dest.notPorts));
      if (pr && !m.dport) m.dport = { values: pr, negate: true };
      else opaque.push('notPorts');
    }
    // Selector-based destinations are in-cluster endpoints; domains need the Enterprise DNS policy.
    if (dest.selector || dest.namespaceSelector || dest.serviceAccounts || dest.services) opaque.push('destination selected by labels, service or service account (in-cluster endpoints)');
    if (dest.domains) opaque.push(`domains ${asArr(dest.domains).join(',')} (resolved at run time)`);
    if (opaque.length) m.opaque = opaque;
    const kindOf = action === 'Allow' ? 'accept' : action === 'Deny' ? 'drop' : action === 'Pass' ? 'return' : 'continue';
    rules.push({ match: [m], verdict: { kind: kindOf, text: `${action} (${label} egress[${i}])` }, origin: at(rp), text: `${label} egress[${i}]` });
  });
  const tierName = String(spec.tier ?? 'default');
  return {
    kind: 'egress',
    id: `calico:${namespace ?? ''}/${kind}/${name}`,
    name: `${namespace ? `${namespace}/` : ''}Calico${kind}/${name}`,
    platform: 'kubernetes',
    file: ctx.file.path,
    data: {
      layer: 'calico-policy',
      kind,
      name,
      namespace,
      tier: tierName,
      order: spec.order === undefined ? Number.POSITIVE_INFINITY : Number(spec.order),
      selector: String(spec.selector ?? 'all()'),
      namespaceSelector: spec.namespaceSelector === undefined ? null : String(spec.namespaceSelector),
      types,
      rules,
      origin: at([...path, 'metadata', 'name']),
    },
    locations: new Map([['', { file: ctx.file.path, line: at([...path, 'metadata', 'name']).line }]]),
    suppressions: [],
  };
}

function calicoTier(obj: Obj, _path: SourcePath, ctx: ObjectContext): Target<CalicoTierData> {
  const meta = asObj(obj.metadata);
  const spec = asObj(obj.spec);
  const name = String(meta.name ?? 'default');
  return {
    kind: 'egress',
    id: `calico:/Tier/${name}`,
    name: `CalicoTier/${name}`,
    platform: 'kubernetes',
    file: ctx.file.path,
    data: { layer: 'calico-tier', name, order: spec.order === undefined ? Number.POSITIVE_INFINITY : Number(spec.order), defaultAction: spec.defaultAction === 'Pass' ? 'Pass' : 'Deny' },
    locations: new Map(),
    suppressions: [],
  };
}

/** Registers the Calico kinds. The Kubernetes handler dispatches by kind, so `NetworkPolicy` of both API groups arrives at one handler. */
export function registerCalicoObjects(): void {
  const k8sNp = OBJECT_HANDLERS.get('NetworkPolicy')!;
  OBJECT_HANDLERS.set('NetworkPolicy', (obj, path, ctx) => (String(obj.apiVersion ?? '').startsWith('projectcalico.org/') ? [calicoPolicy(obj, path, ctx)] : k8sNp(obj, path, ctx)));
  OBJECT_HANDLERS.set('GlobalNetworkPolicy', (obj, path, ctx) => [calicoPolicy(obj, path, ctx)]);
  OBJECT_HANDLERS.set('Tier', (obj, path, ctx) => [calicoTier(obj, path, ctx)]);
}
registerCalicoObjects();
