import { FAMILIES, addressSet, parsePrefix, type Family } from './address.js';
import { interfaceAtomsOf, type InterfaceAtoms } from './compile.js';
import { describeSpace, familyLabel, formatFlow } from './describe.js';
import { DPORT, DST, OIF, PROTO, PROTO_NUMBERS, Space, cubeOf, pickFlow, type Flow } from './header-space.js';
import { IntervalSet } from './interval-set.js';
import { contextLabel, hookOf, type EgressContext, type NormRuleset, type Origin } from './model.js';
import { decisiveLayerOrigin, egressUniverse, evaluateHook, firstLayerOrigin, formatLayeredTrace, formatTrace, traceFlow, type Delegation, type HookResult, type Stage, type TraceStep } from './walk.js';

/**
 * Verdicts of one host's netfilter rulesets against the declared allowlist (§4.4 of the egress notes).
 * Every finding carries one concrete flow and the rule path that decides it.
 */

export interface AllowEntry {
  cidr?: string;
  host?: string;
  proto?: string;
  ports?: number[];
}

export interface Allowlist {
  allow: AllowEntry[];
  internal: AllowEntry[];
  resolvers: string[];
  /** `egress.dns.resolverFiltersNames`: the resolvers answer for the allowlisted names alone (no exfiltration in query names). */
  resolverFiltersNames?: boolean;
  ipv6: 'auto' | 'disabled';
}

export type FindingCode =
  | 'no-default-deny'
  | 'allow-any'
  | 'excess'
  | 'ipv6-open'
  | 'dns'
  | 'metadata'
  | 'internal'
  | 'required-blocked'
  | 'opaque'
  | 'delegated';

export interface EgressFinding {
  code: FindingCode;
  verdict: 'fail' | 'warn';
  context: string;
  family: Family | null;
  message: string;
  witness?: string;
  path?: string;
  location: Origin;
  /** Distinguishes findings of one code at one place (fingerprint key). */
  key: string;
  /** The target the finding belongs to when it is not the file's egress target (a pod no policy isolates). */
  owner?: string;
  /** The fix, when the rule's remediation does not fit what decides the finding (a route table is no firewall). */
  fix?: string;
  evidence: Record<string, string | number | boolean>;
}

export interface FamilyExplain {
  family: Family;
  rulesets: string[];
  defaultVerdict: 'accept' | 'drop';
  mayReach: string[];
  mustReach: string[];
  /** Reachable only if matches sandcheck cannot evaluate go one way (may \ must). */
  possibleReach: string[];
  /** The family has no ruleset among the inputs (nothing filters it). */
  absent: boolean;
  /** Why the family is not judged (IPv6 off by evidence or by assertion). */
  notJudged?: string;
  allowedBy: { rule: string; reaches: string[] }[];
  /** Reachable destinations left out of the sets above on purpose (loopback, multicast, AWS Time Sync…), with why. */
  notListed: string[];
  opaque: string[];
  delegations: string[];
  /** Base-chain policies taken as ACCEPT without the file giving them (a restore file), with why. */
  assumed?: string[];
}

export interface ContextExplain {
  context: EgressContext;
  label: string;
  families: FamilyExplain[];
}

export interface HostAnalysis {
  findings: EgressFinding[];
  /** Computed on first read (only `sandcheck egress --explain` needs it). */
  readonly explain: ContextExplain[];
  /** Layers seen, in words (`iptables-save (nf_tables) IPv4 from rules.v4`). */
  layers: string[];
}

/**
 * Cloud metadata services, which hand out the machine's or task's credentials over HTTP on tcp/80: AWS IMDS
 * (also Azure IMDS and GCP's metadata.google.internal at the same address), ECS task metadata, Alibaba.
 */
const META_V4 = ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32'];
const META_V6 = ['fd00:ec2::254/128'];
const META_PORTS = IntervalSet.point(80n);
/** Platform addresses judged by their own rules (metadata on tcp/80, DNS), never as internal ranges: Amazon DNS besides the metadata services. */
const PLATFORM_V4 = [...META_V4, '169.254.169.253/32'];
const PRIV_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];
const PRIV_V6 = ['fc00::/7', 'fe80::/10'];
const LOCAL_V4 = ['127.0.0.0/8', '0.0.0.0/32', '255.255.255.255/32', '224.0.0.0/4', '169.254.169.123/32'];
const LOCAL_V6 = ['::1/128', '::/128', 'ff00::/8', 'fe80::/10'];
/** Why each local range is not judged as egress (`--explain` says so when one is reachable). */
const LOCAL_WHY: Record<string, string> = {
  '127.0.0.0/8': 'loopback',
  '0.0.0.0/32': 'unspecified address',
  '255.255.255.255/32': 'limited broadcast',
  '224.0.0.0/4': 'multicast',
  '169.254.169.123/32': 'AWS Time Sync (link-local NTP on the instance, not a path out)',
  '::1/128': 'loopback',
  '::/128': 'unspecified address',
  'ff00::/8': 'multicast',
  'fe80::/10': 'link-local',
};
const NON_PUBLIC_V4 = [...PRIV_V4, ...LOCAL_V4, '0.0.0.0/8', '240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15'];
const NON_PUBLIC_V6 = [...PRIV_V6, ...LOCAL_V6, '::ffff:0:0/96', '64:ff9b::/96', '2001:db8::/32', '100::/64'];

function spaceOfCidrs(family: Family, cidrs: string[], extra: Partial<Record<number, IntervalSet>> = {}): Space {
  const set = addressSet(family, cidrs);
  if (set.isEmpty()) return Space.empty(family);
  return Space.of(family, [cubeOf(family, { [DST]: set, ...extra })]);
}

function entrySpace(family: Family, e: AllowEntry): Space {
  if (!e.cidr) return Space.empty(family);
  const proto = PROTO_NUMBERS[(e.proto ?? 'tcp').toLowerCase()];
  const dims: Partial<Record<number, IntervalSet>> = {};
  if (e.proto !== 'any' && proto !== undefined) dims[PROTO] = IntervalSet.point(BigInt(proto));
  if (e.ports && e.ports.length) dims[DPORT] = IntervalSet.of(e.ports.map((p) => [BigInt(p), BigInt(p)]));
  return spaceOfCidrs(family, [e.cidr], dims);
}

const DNS_PORTS = IntervalSet.of([
  [53n, 53n],
  [853n, 853n],
]);
const UDP_TCP = IntervalSet.of([
  [6n, 6n],
  [17n, 17n],
]);

interface Spaces {
  allow: Space;
  internal: Space;
  resolvers: Space;
  dnsAny: Space;
  /** The metadata services: their addresses on tcp/80. */
  meta: Space;
  /** Every port of the metadata and other platform addresses (left out of the internal ranges). */
  platform: Space;
  priv: Space;
  local: Space;
  public: Space;
}

function spacesFor(family: Family, al: Allowlist): Spaces {
  const all = Space.full(family);
  const allow = al.allow.reduce((s, e) => s.union(entrySpace(family, e)), Space.empty(family));
  const internal = al.internal.reduce((s, e) => s.union(entrySpace(family, e)), Space.empty(family));
  const dnsDims = { [PROTO]: UDP_TCP, [DPORT]: DNS_PORTS };
  return {
    allow,
    internal,
    resolvers: spaceOfCidrs(family, al.resolvers, dnsDims),
    dnsAny: Space.of(family, [cubeOf(family, dnsDims)]),
    meta: spaceOfCidrs(family, family === 'ipv4' ? META_V4 : META_V6, { [PROTO]: IntervalSet.point(6n), [DPORT]: META_PORTS }),
    platform: spaceOfCidrs(family, family === 'ipv4' ? PLATFORM_V4 : META_V6),
    priv: spaceOfCidrs(family, family === 'ipv4' ? PRIV_V4 : PRIV_V6),
    local: spaceOfCidrs(family, family === 'ipv4' ? LOCAL_V4 : LOCAL_V6),
    public: all.subtract(spaceOfCidrs(family, family === 'ipv4' ? NON_PUBLIC_V4 : NON_PUBLIC_V6)),
  };
}

/** kube-proxy's DNAT of a Service address to one of its endpoints (`KUBE-SEP-…` chains, iptables mode). */
function isKubeServiceDnat(d: Delegation): boolean {
  return d.rule.verdict.kind === 'dnat' && /^KUBE-(SEP|SVC|EXT|FW|XLB)-/.test(d.chain);
}

/**
 * A declared resolver or internal service given by its Kubernetes Service address is reached at the
 * endpoint kube-proxy DNATs it to: those endpoint flows count as the resolver or the internal service
 * (the flow was addressed to the Service, and later stages see the endpoint).
 */
function withServiceEndpoints(sp: Spaces, family: Family, delegations: readonly Delegation[]): Spaces {
  let { resolvers, internal } = sp;
  for (const d of delegations) {
    const to = d.rule.verdict.to;
    if (!isKubeServiceDnat(d) || !to?.addr) continue;
    const p = parsePrefix(to.addr);
    if (!p || p.family !== family) continue;
    const moved = (flows: Space): Space => Space.of(family, flows.cubes.map((c) => c.map((set, dim) => (dim === DST ? IntervalSet.range(p.lo, p.hi) : dim === DPORT && to.ports ? IntervalSet.range(BigInt(to.ports[0]), BigInt(to.ports[1])) : set))));
    const toResolver = d.flows.intersect(sp.resolvers);
    if (!toResolver.isEmpty()) resolvers = resolvers.union(moved(toResolver).project([DST, PROTO, DPORT]));
    const toInternal = d.flows.intersect(sp.internal);
    if (!toInternal.isEmpty()) internal = internal.union(moved(toInternal).project([DST, PROTO, DPORT]));
  }
  return resolvers === sp.resolvers && internal === sp.internal ? sp : { ...sp, resolvers, internal };
}

/** Addresses to prefer as witnesses: documentation ranges read as "some host on the internet". */
const WITNESS_TEXT: Record<Family, string[]> = {
  ipv4: ['198.51.100.7', '203.0.113.7', '93.184.215.14'],
  ipv6: ['2606:4700::1111', '2001:4860:4860::8888'],
};
// Parsed on first use, not at load: an IPv6 literal goes through ipaddr.js, a cost on every start.
const witnessCache: Partial<Record<Family, bigint[]>> = {};
const witnessAddrs = (family: Family): bigint[] => (witnessCache[family] ??= WITNESS_TEXT[family].map((a) => parsePrefix(a)!.lo));

interface FamilyEval {
  family: Family;
  present: boolean;
  result: HookResult | null;
  may: Space;
  must: Space;
  defaultAcc: Space;
  stages: Stage[];
}

export interface AnalyzeInput {
  rulesets: NormRuleset[];
  contexts: EgressContext[];
  allowlist: Allowlist;
  /** Layers further on a context's path (cloud firewall scopes), judged in intersection with the rulesets. */
  pathLayers?: (ctx: EgressContext) => NormRuleset[];
  /** Evidence that IPv6 is off on this host (`net.ipv6.conf.all.disable_ipv6 = 1 (sysctl.conf:3)`): IPv6 is not judged. */
  ipv6OffEvidence?: string;
  /**
   * Where a finding on a layered path is reported: at the first layer (default), or at the first layer
   * that decides by a rule (`decisive`: the context's own layer is open, so the host or node rule is the one responsible).
   */
  locateAt?: 'first' | 'decisive';
  /**
   * Said by every finding of a host-process context (hostNetwork pods judged with the host processes):
   * `text` is appended to the message, `evidence` added to the evidence.
   */
  hostProcessNote?: { text: string; evidence: Record<string, string> };
}

/** Contexts implied by the rulesets when sandcheck.yaml names none: host processes, and each bridge seen in FORWARD. */
export function impliedContexts(rulesets: readonly NormRuleset[]): EgressContext[] {
  const out: EgressContext[] = [{ kind: 'host-process', origin: 'every host ruleset has an output path' }];
  const ifaces = new Set<string>();
  for (const rs of rulesets)
    for (const t of rs.tables)
      for (const c of t.chains) {
        const forwardish = c.hook === 'forward' || /^(DOCKER|KUBE|CILIUM|cali|FORWARD|ufw-.*forward)/i.test(c.name) || /forward/i.test(c.name);
        if (!forwardish) continue;
        for (const r of c.rules) for (const m of r.match) if (m.iif && !m.iif.negate) for (const v of m.iif.values) if (v !== 'lo' && !v.endsWith('+') && !v.endsWith('*')) ifaces.add(v);
      }
  for (const i of [...ifaces].sort()) out.push({ kind: 'container', interface: i, origin: `interface ${i} is matched on the forward path` });
  return out;
}

const IPTABLES_NFT_TABLES = /^(ip|ip6) (filter|nat|mangle|raw|security)$/;

/**
 * iptables-nft keeps its rules in nft tables (`ip filter`, `ip6 nat`…), so a host dumped both with
 * iptables-save (nf_tables backend) and nft shows those rules twice; the iptables-save copy is the one
 * with every parameter (nft -j prints them as parameterless xt statements). The nft copy is dropped.
 */
export function withoutIptablesNftDuplicates(rulesets: readonly NormRuleset[]): NormRuleset[] {
  const covered = new Set<string>();
  for (const rs of rulesets)
    if ((rs.source === 'iptables-save' || rs.source === 'ip6tables-save') && rs.backend === 'nf_tables')
      for (const t of rs.tables) covered.add(`${rs.source === 'iptables-save' ? 'ip' : 'ip6'} ${t.name}`);
  if (covered.size === 0) return [...rulesets];
  return rulesets.flatMap((rs) => {
    if (rs.source !== 'nft-json' && rs.source !== 'nft-text') return [rs];
    const tables = rs.tables.filter((t) => !(IPTABLES_NFT_TABLES.test(t.name) && covered.has(t.name)));
    if (tables.length === rs.tables.length) return [rs];
    if (tables.length === 0) return [];
    const families = FAMILIES.filter((f) => tables.some((t) => t.families.includes(f)));
    return [{ ...rs, tables, families, notes: rs.notes.filter((n) => !n.text.startsWith('rules created by iptables-nft')) }];
  });
}

export function analyzeHost(input: AnalyzeInput): HostAnalysis {
  const { allowlist } = input;
  const rulesets = withoutIptablesNftDuplicates(input.rulesets);
  const atoms = interfaceAtomsOf(rulesets);
  const contexts = input.contexts.length ? input.contexts : impliedContexts(rulesets);
  const findings: EgressFinding[] = [];
  const explain: (() => ContextExplain)[] = [];
  const layerOrigin = input.locateAt === 'decisive' ? decisiveLayerOrigin : firstLayerOrigin;
  const anyOrigin: Origin = firstOrigin(rulesets);
  const layers = rulesets.map((r) => `${r.source}${r.backend ? ` (${r.backend})` : ''} ${r.families.map(familyLabel).join('+')} from ${r.file ?? r.tables[0]?.chains[0]?.origin.file ?? '?'}`);
  // Layers in front of a context (cloud scopes) are named by their scope.
  const pathLayerName = (r: NormRuleset): string => r.tables[0]?.chains[0]?.name ?? r.source;
  const extraLayers = new Map(contexts.map((c) => [c, input.pathLayers?.(c) ?? []]));
  for (const extra of extraLayers.values())
    for (const r of extra) {
      const text = `${pathLayerName(r)} from ${r.file ?? '?'}`;
      if (!layers.includes(text)) layers.push(text);
    }

  // Input-level notes (legacy tables present, xt statements) are findings of their own.
  for (const rs of rulesets)
    for (const n of rs.notes) {
      if (n.severity === 'info') continue;
      findings.push({
        code: 'opaque',
        verdict: 'warn',
        context: 'all',
        family: null,
        message: `Firewall input is incomplete: ${n.text}`,
        location: { file: rs.tables[0]?.chains[0]?.origin.file ?? anyOrigin.file, line: n.line },
        key: `note:${n.text}`,
        evidence: { note: n.text },
      });
    }

  for (const ctx of contexts) {
    const hook = hookOf(ctx);
    // The bridges of a container host (interfaces some rule matches with -i): a host process's flow does not
    // come from them, so its witness leaves by another interface and its text does not name them.
    const hidden = hook === 'output' ? atoms.bridges : NO_ATOMS;
    const note = ctx.kind === 'host-process' ? input.hostProcessNote : undefined;
    // Every finding of this context is reported through here, so that it carries the note when it is made.
    const report = (f: EgressFinding): void => {
      findings.push(note ? { ...f, message: `${f.message}; ${note.text}`, evidence: { ...f.evidence, ...note.evidence } } : f);
    };
    // A flow of `space` to show, and its text (a host process's leaves by an interface that is no bridge; a
    // container's or pod's too when it can, since a public address is not routed into another bridge).
    const sample = (space: Space, prefer?: readonly bigint[]): { flow: Flow; text: string } | null => {
      const flow = pickFlow(hidden.size ? outOfHost(space, atoms, hidden) : hook === 'forward' ? offBridges(space, atoms) : space, prefer);
      return flow ? { flow, text: formatFlow(flow, atoms, hidden) } : null;
    };
    // The context's path: its own rulesets, then the layers in front of it (a flow must pass every one).
    const extra = extraLayers.get(ctx) ?? [];
    const pathRulesets = extra.length ? [...rulesets, ...extra] : rulesets;
    const onlyCloud = pathRulesets.every((r) => r.source === 'cloud');
    const label = contextLabel(ctx);
    // Where a finding about a family with no ruleset is reported: the policy of the chain this context's
    // traffic crosses in the other family's ruleset (filter/OUTPUT for host processes), not its first line.
    const hookOrigin = hookChainOrigin(rulesets, hook) ?? anyOrigin;
    const evals: Record<Family, FamilyEval> = {} as Record<Family, FamilyEval>;
    const explainParts: (() => FamilyExplain)[] = [];
    for (const family of FAMILIES) {
      const rs = pathRulesets.filter((r) => r.families.includes(family));
      if (rs.length === 0) {
        const u = egressUniverse(family, atoms, ctx, hook);
        evals[family] = { family, present: false, result: null, may: u, must: u, defaultAcc: u, stages: [] };
      } else {
        const r = evaluateHook(rs, family, ctx, hook, atoms);
        evals[family] = { family, present: true, result: r, may: r.may, must: r.must, defaultAcc: r.defaultAcc, stages: r.stages };
      }
    }
    for (const family of FAMILIES) {
      const ev = evals[family];
      const sp = withServiceEndpoints(spacesFor(family, allowlist), family, ev.result?.delegations ?? []);
      const may = ev.may.subtract(sp.local);
      const must = ev.must.subtract(sp.local);
      const dflt = ev.defaultAcc.subtract(sp.local);
      const fam = familyLabel(family);
      const v6Off = family === 'ipv6' ? (input.ipv6OffEvidence ? `IPv6 is off on this host: ${input.ipv6OffEvidence}` : allowlist.ipv6 === 'disabled' ? 'egress.ipv6: disabled (an assertion)' : undefined) : undefined;
      const v6Disabled = v6Off !== undefined;
      // Policies the file does not give (taken as ACCEPT): said in --explain and in a no-default-deny finding.
      const assumedStages = ev.stages.filter((st) => st.chain.policyNote);
      const assumedText = (st: Stage): string => `${st.label} policy ${(st.chain.policy ?? 'accept').toUpperCase()} (${st.chain.policyNote}) (${st.chain.origin.file}:${st.chain.origin.line})`;
      const assumed = assumedStages.map(assumedText);
      // The explanation (only `--explain` prints it) costs set operations per accepting rule: built on demand.
      explainParts.push(() => ({
        family,
        rulesets: pathRulesets.filter((r) => r.families.includes(family)).map((r) => (extra.includes(r) ? pathLayerName(r) : r.source)),
        defaultVerdict: dflt.isEmpty() ? 'drop' : 'accept',
        mayReach: describeSpace(may.project([DST, PROTO, DPORT]), undefined, 12),
        mustReach: describeSpace(must.project([DST, PROTO, DPORT]), undefined, 12),
        possibleReach: describeSpace(may.project([DST, PROTO, DPORT]).subtract(must.project([DST, PROTO, DPORT])), undefined, 12),
        absent: !ev.present,
        ...(v6Off ? { notJudged: v6Off } : {}),
        allowedBy: (ev.result?.contributions ?? [])
          .map((c) => ({ rule: c.rule ? ruleLabel(c.stage, c.chain.name, c.rule) : `${c.stage} policy ACCEPT${c.chain.policyNote ? ` (${c.chain.policyNote})` : ''} (${c.chain.origin.file}:${c.chain.origin.line})`, space: c.space.intersect(may) }))
          .filter((c) => !c.space.isEmpty())
          .map((c) => ({ rule: c.rule, reaches: describeSpace(c.space.project([DST, PROTO, DPORT]), atoms, 6) })),
        notListed: (family === 'ipv4' ? LOCAL_V4 : LOCAL_V6).filter((c) => !ev.may.intersect(spaceOfCidrs(family, [c])).isEmpty()).map((c) => `${c} ${LOCAL_WHY[c] ?? ''}`.trim()),
        opaque: (ev.result?.opaque ?? []).map((r) => `${r.origin.file}:${r.origin.line} ${r.unknown.join('; ')}`),
        delegations: (ev.result?.delegations ?? []).map((d) => ruleLabel(d.stage, d.chain, d.rule)),
        ...(assumed.length ? { assumed } : {}),
      }));
      if (v6Disabled) continue;

      const witness = (space: Space, prefer: bigint[] = witnessAddrs(family)): { flow: Flow; text: string; path: string; origin: Origin; assumptions: string[]; steps?: TraceStep[] } | null => {
        const s = sample(space, prefer);
        if (!s) return null;
        const { flow, text } = s;
        if (!ev.present) return { flow, text, path: `nothing (no ${fam} ruleset among the inputs)`, origin: hookOrigin, assumptions: [] };
        const outcomes = traceFlow(ev.stages, flow);
        if (outcomes.length > 0 && outcomes.every((o) => o.result === 'accept')) {
          // Accepted on every branch of the opaque matches: cite the path that assumes the fewest of them
          // to match (the rule that accepts the flow whichever way they go), with no condition.
          const positive = (o: (typeof outcomes)[number]): number => o.assumptions.filter((a) => !a.startsWith('not: ')).length;
          const best = outcomes.reduce((x, y) => (positive(y) < positive(x) ? y : x));
          return { flow, text, path: formatLayeredTrace(best.steps, ev.stages), origin: layerOrigin(best.steps, ev.stages) ?? anyOrigin, assumptions: [], steps: best.steps };
        }
        const accepted = outcomes.find((o) => o.result === 'accept' && o.assumptions.length === 0) ?? outcomes.find((o) => o.result === 'accept');
        if (!accepted) return { flow, text, path: 'no accepting path found', origin: anyOrigin, assumptions: [] };
        // Several layers on the path (host ∩ cloud, pod policy ∩ cloud): each one's rule path, reported at the first.
        return { flow, text, path: formatLayeredTrace(accepted.steps, ev.stages), origin: layerOrigin(accepted.steps, ev.stages) ?? anyOrigin, assumptions: accepted.assumptions, steps: accepted.steps };
      };
      const add = (code: FindingCode, verdict: 'fail' | 'warn', msg: string, w: ReturnType<typeof witness>, extra: Record<string, string | number | boolean> = {}, key = ''): void => {
        const ev2: Record<string, string | number | boolean> = { context: label, family: fam, ...extra };
        if (w) {
          ev2.witness = w.text;
          ev2.path = w.path;
          if (w.assumptions.length) ev2.assuming = w.assumptions.join('; ');
        }
        report({
          code,
          verdict,
          context: label,
          family,
          message: w ? `${msg}: ${w.text}, ${ev.present ? 'allowed by' : 'filtered by'} ${w.path}${w.assumptions.length ? ` if ${w.assumptions.join('; ')}` : ''}` : msg,
          witness: w?.text,
          path: w?.path,
          location: w?.origin ?? anyOrigin,
          key: `${label}|${family}|${code}|${key}`,
          evidence: ev2,
        });
      };

      // EGRESS-001: no default deny. A family with no ruleset at all gets only this (or EGRESS-004).
      const dfltPublic = dflt.intersect(sp.public);
      const v4RestrictedHere = family === 'ipv6' && evals.ipv4.present && evals.ipv4.defaultAcc.subtract(spacesFor('ipv4', allowlist).local).intersect(spacesFor('ipv4', allowlist).public).isEmpty();
      if (!ev.present) {
        const w = witness(dfltPublic);
        if (v4RestrictedHere) add('ipv6-open', 'fail', `IPv6 egress of ${label} is open while IPv4 is restricted (no IPv6 ruleset was given; set egress.ipv6: disabled only if IPv6 is really off)`, w, { ipv6RulesetGiven: false });
        else add('no-default-deny', 'fail', `No default deny for ${fam} egress of ${label}`, w, { present: false });
        continue;
      }
      if (!dfltPublic.isEmpty() && !v4RestrictedHere) {
        // The witness is a flow no rule decides when there is one (the finding is about the policy), and one
        // outside the allowlist when there is one.
        const byPolicy = dfltPublic.intersect(ev.result!.policyOnly);
        const pool = byPolicy.isEmpty() ? dfltPublic : byPolicy;
        const outside = pool.subtract(sp.allow);
        const w = witness(outside.isEmpty() ? pool : outside);
        const unsaid = assumedStages.filter((st) => !w?.path.includes(st.chain.policyNote!)).map(assumedText);
        const byRule = w && openPolicyOfRule(w, ev.stages);
        if (byRule) {
          // Every such flow is accepted by a rule of a chain that drops nothing: what must change is its
          // policy (or a final rule); the accept rule stays named as the witness.
          const st = byRule;
          const others = assumedStages.filter((x) => x !== st).map(assumedText);
          add('no-default-deny', 'fail', `No default deny for ${fam} egress of ${label}; ${st.label} drops nothing (policy ${(st.chain.policy ?? 'accept').toUpperCase()}${st.chain.policyNote ? ` (${st.chain.policyNote})` : ''}, ${st.chain.origin.file}:${st.chain.origin.line})${others.length ? ` (${others.join('; ')})` : ''}`, { ...w, origin: st.chain.origin }, { present: ev.present });
        } else add('no-default-deny', 'fail', `No default deny for ${fam} egress of ${label}; nothing drops what no rule decides${unsaid.length ? ` (${unsaid.join('; ')})` : ''}`, w, { present: ev.present });
      }

      // EGRESS-002: allow-any, after merging (0.0.0.0/1 + 128.0.0.0/1 counts).
      const allPublic = sp.public;
      const coverage = (reach: Space): Space => {
        const missing = allPublic.subtract(reach.project([DST, PROTO, DPORT]));
        const pp = Space.full(family).project([PROTO, DPORT]);
        return pp.subtract(missing.project([PROTO, DPORT])).intersectCube(cubeOf(family, {}));
      };
      const anyMust = coverage(must);
      const anyMay = anyMust.isEmpty() ? coverage(may) : anyMust;
      const allowAny = !anyMay.isEmpty();
      if (allowAny && dfltPublic.isEmpty()) {
        // Every protocol/port set open to any public address is named (udp/53 and tcp/443, not one of them).
        const open = Space.of(family, anyMay.cubes.map((pp) => cubeOf(family, { [PROTO]: pp[PROTO]!, [DPORT]: pp[DPORT]! }))).compact();
        const w = witness(allPublic.intersect(open).intersect(anyMust.isEmpty() ? may : must));
        const what = describeSpace(open, undefined, 6)
          .map((d) => d.replace(/^\S+ /, ''))
          .join(', ');
        add('allow-any', anyMust.isEmpty() ? 'warn' : 'fail', `${anyMust.isEmpty() ? 'Possibly every' : 'Every'} public ${fam} address is reachable from ${label} on ${what}`, w, { definite: !anyMust.isEmpty(), ports: what });
      }

      // EGRESS-003: reachable public destinations outside the allowlist (DNS is judged separately).
      const excessOf = (reach: Space): Space => reach.intersect(sp.public).subtract(sp.allow).subtract(sp.internal).subtract(sp.dnsAny);
      const exMust = excessOf(must);
      const exMay = excessOf(may);
      if (!allowAny && dfltPublic.isEmpty() && !exMay.isEmpty()) {
        const definite = !exMust.isEmpty();
        const ex = definite ? exMust : exMay;
        const onlyPorts = ex.project([DST]).isSubsetOf(sp.allow.project([DST]));
        const w = witness(ex);
        const size = describeSpace(ex.project([DST, PROTO, DPORT]), undefined, 2).join('; ');
        add(
          'excess',
          definite && !onlyPorts ? 'fail' : 'warn',
          `${definite ? '' : 'Possibly (depends on matches sandcheck cannot evaluate): '}${label} can reach ${fam} destinations outside the allowlist${onlyPorts ? ' (other ports or protocols of allowlisted addresses)' : ''} (${size})`,
          w,
          { definite, excess: size },
        );
      }

      // EGRESS-004: IPv6 open while IPv4 is restricted.
      if (family === 'ipv6') {
        const v4 = evals.ipv4;
        const v4sp = spacesFor('ipv4', allowlist);
        const v4Restricted = v4.present && v4.defaultAcc.subtract(v4sp.local).intersect(v4sp.public).isEmpty();
        const v6Open = !dfltPublic.isEmpty();
        if (v4Restricted && v6Open) {
          const w = witness(!dfltPublic.isEmpty() ? dfltPublic : may.intersect(sp.public));
          add('ipv6-open', 'fail', `IPv6 egress of ${label} is open while IPv4 is restricted${ev.present ? '' : ' (no IPv6 ruleset was given; set egress.ipv6: disabled only if IPv6 is really off)'}`, w, { ipv6RulesetGiven: ev.present });
        }
      }

      // EGRESS-005: DNS (53, DoT 853) to servers other than the declared resolvers.
      const dnsOf = (reach: Space): Space => reach.intersect(sp.dnsAny).subtract(sp.resolvers).subtract(sp.internal).subtract(sp.allow);
      const dnsMust = dnsOf(must);
      const dnsMay = dnsOf(may);
      if (!dnsMay.isEmpty()) {
        const definite = !dnsMust.isEmpty();
        const w = witness(definite ? dnsMust : dnsMay, family === 'ipv4' ? [parsePrefix('8.8.8.8')!.lo, parsePrefix('1.1.1.1')!.lo, ...witnessAddrs('ipv4')] : [parsePrefix('2001:4860:4860::8888')!.lo, ...witnessAddrs('ipv6')]);
        add('dns', definite && !(onlyCloud && (w?.path.includes('platform:') ?? false)) ? 'fail' : 'warn', `${definite ? '' : 'Possibly: '}${label} can send DNS to ${fam} servers other than the declared resolvers${allowlist.resolvers.length ? ` (${allowlist.resolvers.join(', ')})` : ' (none declared)'}`, w, { definite });
      }

      // EGRESS-005b: a resolver resolves every name, so a context that reaches it can send data out in query
      // names (`<data>.attacker.example`) even when the allowlist names only a few hosts.
      const named = allowlist.allow.map((e) => e.host).filter((h): h is string => !!h);
      const viaResolver = must.intersect(sp.resolvers);
      if (named.length && !allowlist.resolverFiltersNames && !viaResolver.isEmpty()) {
        const w = witness(viaResolver, allowlist.resolvers.map((r) => parsePrefix(r)?.lo).filter((x): x is bigint => x !== undefined));
        add(
          'dns',
          'warn',
          `${label} can query the resolver${allowlist.resolvers.length > 1 ? 's' : ''} ${allowlist.resolvers.join(', ')}, which resolve${allowlist.resolvers.length > 1 ? '' : 's'} any name: data can leave in query names (<data>.attacker.example) although egress.allow names only ${[...new Set(named)].join(', ')} (set egress.dns.resolverFiltersNames: true only if the resolver answers for the allowlisted names alone)`,
          w,
          { definite: true, channel: 'query names' },
          'resolver',
        );
      }

      // EGRESS-006: cloud metadata endpoints.
      const metaMust = must.intersect(sp.meta).subtract(sp.allow).subtract(sp.internal);
      const metaMay = may.intersect(sp.meta).subtract(sp.allow).subtract(sp.internal);
      if (!metaMay.isEmpty()) {
        const definite = !metaMust.isEmpty();
        const w = witness(definite ? metaMust : metaMay, [parsePrefix(family === 'ipv4' ? '169.254.169.254' : 'fd00:ec2::254')!.lo]);
        // A cloud firewall that cannot filter the endpoint (AWS security groups, NACLs): a warning that says so,
        // unless a layer that could filter it (the host, a pod policy) is on the path and lets it through.
        const platform = onlyCloud && (w?.path.includes('platform:') ?? false);
        // Which metadata addresses and ports get through (`169.254.169.254/32 tcp/80`).
        const reached = describeSpace((definite ? metaMust : metaMay).project([DST, PROTO, DPORT]), undefined, 4).join('; ');
        add('metadata', definite && !platform ? 'fail' : 'warn', `${definite ? '' : 'Possibly: '}${label} can reach a cloud metadata endpoint (${reached})${platform ? ` (this firewall cannot filter it: block it on the host${w?.path.includes('AWS') ? ', or require IMDSv2 with hop limit 1' : ''})` : ''}`, w, { definite, platform, reached });
      }

      // EGRESS-007: internal ranges beyond the declared internal services.
      const intMay = may.intersect(sp.priv).subtract(sp.platform).subtract(sp.internal).subtract(sp.resolvers).subtract(sp.allow);
      if (!intMay.isEmpty()) {
        const w = witness(intMay, family === 'ipv4' ? [parsePrefix('10.0.0.7')!.lo, parsePrefix('192.168.1.7')!.lo] : [parsePrefix('fd00::7')!.lo]);
        const size = describeSpace(intMay.project([DST, PROTO, DPORT]), undefined, 2).join('; ');
        add('internal', 'warn', `${label} can reach internal ${fam} ranges beyond the declared internal services (${size})`, w, { internal: size });
      }

      // EGRESS-008: a required endpoint blocked.
      allowlist.allow.forEach((e, i) => {
        const need = entrySpace(family, e);
        if (need.isEmpty()) return;
        const blocked = need.intersect(egressUniverse(family, atoms, ctx, hook)).subtract(must);
        if (blocked.isEmpty()) return;
        const s = sample(blocked);
        if (!s) return;
        const { flow, text } = s;
        let path = `no ${fam} ruleset`;
        let origin = anyOrigin;
        let fix: string | undefined;
        if (ev.present) {
          const outs = traceFlow(ev.stages, flow);
          const drop = outs.find((o) => o.result === 'drop') ?? outs[0];
          if (drop) {
            path = drop.result === 'drop' ? `${formatTrace(drop.steps)}${drop.assumptions.length ? ` if ${drop.assumptions.join('; ')}` : ''}` : `nothing certain: it depends on ${drop.assumptions.join('; ')}`;
            origin = drop.steps[drop.steps.length - 1]?.origin ?? anyOrigin;
            if (drop.result === 'drop') fix = routeFix(drop.steps[drop.steps.length - 1], e.cidr ?? '', family);
          }
        }
        report({
          code: 'required-blocked',
          verdict: 'warn',
          context: label,
          family,
          message: `Required endpoint ${e.host ? `${e.host} ` : ''}${e.cidr} is not certainly reachable from ${label}: ${text}, blocked by ${path}`,
          witness: text,
          path,
          location: origin,
          key: `${label}|${family}|required|${i}`,
          evidence: { context: label, family: fam, endpoint: e.cidr ?? '', witness: text, path },
          ...(fix ? { fix } : {}),
        });
      });

      // EGRESS-009: opaque rules that change the answer.
      if (ev.result && !may.subtract(must).isEmpty()) {
        for (const r of ev.result.opaque) {
          report({
            code: 'opaque',
            verdict: 'warn',
            context: label,
            family,
            message: `Rule ${r.origin.file}:${r.origin.line} (${r.verdict.text}) depends on matches sandcheck cannot evaluate for ${label}: ${r.unknown.join('; ')}`,
            location: r.origin,
            key: `${label}|${family}|opaque|${r.origin.line}`,
            evidence: { context: label, family: fam, unknown: r.unknown.join('; '), rule: r.text },
          });
        }
      }

      // EGRESS-010: delegation to a proxy (kube-proxy's Service DNAT is load balancing, not a proxy).
      for (const d of ev.result?.delegations ?? []) {
        if (isKubeServiceDnat(d)) continue;
        const to = d.rule.verdict.to;
        const dest = to?.addr === 'local' || !to?.addr ? `a local port${to?.ports ? ` ${to.ports[0]}` : ''}` : `${to.addr}${to.ports ? `:${to.ports[0]}` : ''}`;
        const e = sample(d.flows, witnessAddrs(family));
        report({
          code: 'delegated',
          verdict: 'warn',
          context: label,
          family,
          message: `${label}: ${fam} egress is redirected to ${dest} by ${ruleLabel(d.stage, d.chain, d.rule)}${e ? `, e.g. ${e.text}` : ''}; the proxy's own allowlist is not evaluated`,
          location: d.rule.origin,
          key: `${label}|${family}|delegated|${d.rule.origin.line}`,
          evidence: { context: label, family: fam, to: dest, rule: d.rule.text },
        });
      }
    }
    explain.push(() => ({ context: ctx, label, families: explainParts.map((f) => f()) }));
  }
  // Every finding says which layers it was judged from (a layer that is absent counts as allow-all).
  const seen = layers.join('; ');
  for (const f of findings) f.evidence.layers = seen;
  let explained: ContextExplain[] | undefined;
  return {
    findings: dedupe(findings),
    get explain() {
      return (explained ??= explain.map((e) => e()));
    },
    layers,
  };
}

const NO_ATOMS: ReadonlySet<number> = new Set();

/** A rule as every output names it: its stage, its chain when that is not the stage's own, its index there (`nat/OUTPUT → PROXY #2 REDIRECT --to-ports 3128 (rules.v4:9)`). */
function ruleLabel(stage: string, chain: string, rule: { index: number; verdict: { text: string }; origin: Origin }): string {
  return `${stage}${chain !== stage.split('/').pop() ? ` → ${chain}` : ''} #${rule.index} ${rule.verdict.text} (${rule.origin.file}:${rule.origin.line})`;
}

/**
 * When a no-default-deny witness is reported at an accepting rule: the stage of that rule, if its base chain
 * accepts by policy (so the policy, not the rule, is what the finding asks to change).
 */
function openPolicyOfRule(w: { origin: Origin; steps?: TraceStep[] }, stages: readonly Stage[]): Stage | undefined {
  const at = w.steps?.find((s) => s.origin === w.origin);
  if (!at || at.index === 0) return undefined;
  const st = stages.find((x) => x.label === at.stage);
  return st && !st.nat && st.chain.base && st.chain.policy === 'accept' ? st : undefined;
}

/**
 * The fix when a route table, not a firewall rule, drops a required endpoint: it speaks of routes. IPv6
 * leaves an AWS VPC by an internet gateway or an egress-only internet gateway (a NAT gateway's NAT64 reaches
 * IPv4 destinations only), and its default route is ::/0.
 */
function routeFix(step: TraceStep | undefined, cidr: string, family: Family): string | undefined {
  const route = step?.route;
  if (!route) return undefined;
  const at = `${step.origin.file}:${step.origin.line}`;
  const v6 = family === 'ipv6';
  if (route.blackhole)
    return `Remove the blackhole ${route.blackhole} from ${route.table} (${at}), or replace it with a route to a live internet gateway or ${v6 ? 'egress-only internet gateway' : 'NAT gateway'}, so that ${cidr} is routed out; or fix the allowlist.`;
  return `Add a route for ${cidr} (or ${v6 ? '::/0' : '0.0.0.0/0'}) to an internet gateway or ${v6 ? 'an egress-only internet gateway' : 'a NAT gateway'} in ${route.table} (${at}), or associate the subnet with a route table that has one; or fix the allowlist.`;
}

/**
 * The part of `space` a host process's witness is drawn from: flows leaving by an interface no rule names
 * (the uplink), else by a named interface that is no bridge, else any.
 */
function outOfHost(space: Space, atoms: InterfaceAtoms, bridges: ReadonlySet<number>): Space {
  const other = space.intersectCube(cubeOf(space.family, { [OIF]: IntervalSet.point(BigInt(atoms.atoms.length)) }));
  if (!other.isEmpty()) return other;
  const named = atoms.atoms.flatMap((a, i): [bigint, bigint][] => (a.name !== 'lo' && !bridges.has(i) ? [[BigInt(i), BigInt(i)]] : []));
  const out = named.length ? space.intersectCube(cubeOf(space.family, { [OIF]: IntervalSet.of(named) })) : Space.empty(space.family);
  return out.isEmpty() ? space : out;
}

/**
 * The part of `space` a forwarded flow's witness is drawn from: flows leaving by an interface that is no
 * bridge (the uplink, named or not), else any. The witness still names the interface it leaves by.
 */
function offBridges(space: Space, atoms: InterfaceAtoms): Space {
  if (atoms.bridges.size === 0) return space;
  const bridges = IntervalSet.of([...atoms.bridges].map((i): [bigint, bigint] => [BigInt(i), BigInt(i)]));
  const out = space.intersectCube(cubeOf(space.family, { [OIF]: IntervalSet.range(0n, 65535n).subtract(bridges) }));
  return out.isEmpty() ? space : out;
}

function dedupe(fs: EgressFinding[]): EgressFinding[] {
  const seen = new Set<string>();
  return fs.filter((f) => (seen.has(f.key) ? false : (seen.add(f.key), true)));
}

function hookChainOrigin(rulesets: readonly NormRuleset[], hook: 'output' | 'forward'): Origin | undefined {
  const chains = rulesets.flatMap((rs) => rs.tables.flatMap((t) => t.chains.filter((c) => c.base && c.hook === hook).map((c) => ({ table: t.name, c }))));
  return (chains.find((x) => x.table === 'filter') ?? chains[0])?.c.origin;
}

function firstOrigin(rulesets: readonly NormRuleset[]): Origin {
  for (const rs of rulesets) for (const t of rs.tables) for (const c of t.chains) return c.origin;
  return { file: '(no ruleset)', line: 1 };
}

