import type { Family } from './address.js';
import { compileMatch, type InterfaceAtoms } from './compile.js';
import { parsePrefix } from './address.js';
import { CT, DPORT, DST, OIF, Space, cubeOf, flowCube, type Cube, type Flow } from './header-space.js';
import { IntervalSet } from './interval-set.js';
import type { EgressContext, NormChain, NormRule, NormRuleset, NormTable, Origin, RouteDrop, RuleVerdict } from './model.js';
import { pushAll } from '../../util/arrays.js';

/**
 * Symbolic evaluation of ordered netfilter chains (iptables and nftables share the semantics: first
 * terminal verdict wins, jump pushes a return point, goto does not, RETURN/fall-through of a base chain
 * applies its policy, ACCEPT ends only the current base chain). Sets of packets are propagated through the
 * rules twice: once over-approximating unknown matches (may) and once under-approximating (must).
 */

export interface CompiledRule {
  over: Cube[];
  under: Cube[];
  unknown: string[];
  verdict: RuleVerdict;
  origin: Origin;
  text: string;
  /** 1-based position in its chain. */
  index: number;
}

export interface CompiledChain {
  table: string;
  name: string;
  base: boolean;
  policy?: 'accept' | 'drop';
  policyNote?: string;
  rules: CompiledRule[];
  origin: Origin;
}

export interface Stage {
  /** `filter/OUTPUT` or `inet sandbox/output`. */
  label: string;
  /**
   * The enforcement point it belongs to: `host` (the host packet filter, every table and backend), or
   * the label of a layer further on the path (a cloud firewall scope, a pod's network policy).
   */
  layer: string;
  chain: CompiledChain;
  lookup: (name: string) => CompiledChain | undefined;
  /** The netfilter hook of its base chain, lower case (`output`, `postrouting`). */
  hook: string;
  nat: boolean;
  raw: boolean;
  /** Kernel order of the stage on its hook (hook position, then priority). */
  order: number;
}

const IPT_STAGES: Record<'output' | 'forward', [string, string][]> = {
  output: [
    ['raw', 'OUTPUT'],
    ['mangle', 'OUTPUT'],
    ['nat', 'OUTPUT'],
    ['filter', 'OUTPUT'],
    ['security', 'OUTPUT'],
    ['mangle', 'POSTROUTING'],
    ['nat', 'POSTROUTING'],
  ],
  forward: [
    ['raw', 'PREROUTING'],
    ['mangle', 'PREROUTING'],
    ['nat', 'PREROUTING'],
    ['mangle', 'FORWARD'],
    ['filter', 'FORWARD'],
    ['security', 'FORWARD'],
    ['mangle', 'POSTROUTING'],
    ['nat', 'POSTROUTING'],
  ],
};
const NFT_HOOKS: Record<'output' | 'forward', string[]> = { output: ['output', 'postrouting'], forward: ['prerouting', 'forward', 'postrouting'] };
/** The hook of a chain that filters every context's traffic after the host (a cloud firewall on the path). */
export const PATH_HOOK = 'path';

function compileChain(table: NormTable, chain: NormChain, family: Family, ctx: EgressContext, atoms: InterfaceAtoms): CompiledChain {
  // A plain loop (user chains of large rule sets hold thousands of rules; it is optimised while it runs).
  const rules: CompiledRule[] = new Array(chain.rules.length);
  for (let i = 0; i < chain.rules.length; i++) {
    const r: NormRule = chain.rules[i]!;
    const m = compileMatch(r.match, family, ctx, atoms);
    rules[i] = { over: m.over, under: m.under, unknown: m.unknown, verdict: r.verdict, origin: r.origin, text: r.text, index: r.index ?? i + 1 };
  }
  return { table: table.name, name: chain.name, base: chain.base, policy: chain.policy, ...(chain.policyNote ? { policyNote: chain.policyNote } : {}), origin: chain.origin, rules };
}

/** The base chains a context's new connections traverse, in kernel order, for one ruleset. */
export function stagesOf(rs: NormRuleset, family: Family, ctx: EgressContext, hook: 'output' | 'forward', atoms: InterfaceAtoms): Stage[] {
  const stages: Stage[] = [];
  for (const table of rs.tables) {
    if (!table.families.includes(family)) continue;
    const cache = new Map<string, CompiledChain>();
    const lookup = (name: string): CompiledChain | undefined => {
      let c = cache.get(name);
      if (!c) {
        const src = table.chains.find((x) => x.name === name);
        if (!src) return undefined;
        c = compileChain(table, src, family, ctx, atoms);
        cache.set(name, c);
      }
      return c;
    };
    if (rs.source === 'iptables-save' || rs.source === 'ip6tables-save') {
      IPT_STAGES[hook].forEach(([t, c], order) => {
        if (t !== table.name) return;
        const chain = table.chains.find((x) => x.name === c && x.base);
        if (chain) stages.push({ label: `${t}/${c}`, layer: 'host', chain: lookup(c)!, lookup, hook: c.toLowerCase(), nat: t === 'nat', raw: t === 'raw', order: order * 1000 });
      });
    } else {
      // The context's own layer (its pod's network policy, its compose network) is enforced where its
      // traffic starts, before the node's or host's hooks: it comes first on the path, whatever its hook.
      const own = rs.source === 'k8s-networkpolicy' || rs.source === 'compose';
      const layer = rs.source === 'cloud' || own ? null : 'host';
      for (const chain of table.chains) {
        if (!chain.base || !chain.hook) continue;
        // A `path` chain is a layer further on every context's path (a cloud firewall): after the host's hooks.
        const order = chain.hook === PATH_HOOK ? 10_000_000 + (chain.priority ?? 0) : own ? -10_000_000 + (chain.priority ?? 0) : NFT_HOOKS[hook].indexOf(chain.hook) * 100000 + (chain.priority ?? 0);
        if (chain.hook !== PATH_HOOK && !own && !NFT_HOOKS[hook].includes(chain.hook)) continue;
        stages.push({ label: `${table.name}/${chain.name}`, layer: layer ?? chain.name, chain: lookup(chain.name)!, lookup, hook: chain.hook, nat: chain.type === 'nat', raw: (chain.priority ?? 0) <= -300, order });
      }
    }
  }
  return stages.sort((a, b) => a.order - b.order);
}

/** A rule's verdict on the path through one hook: NETMAP rewrites the source (ends the nat chain) off prerouting/output. */
export function verdictOnHook(v: RuleVerdict, hook: string): RuleVerdict {
  return v.netmap && hook !== 'prerouting' && hook !== 'output' ? { kind: 'accept', text: v.text } : v;
}

export type Mode = 'may' | 'must';

export interface Delegation {
  stage: string;
  rule: CompiledRule;
  chain: string;
  flows: Space;
}

interface WalkResult {
  acc: Space;
  ret: Space;
}

const MAX_DEPTH = 64;

class Walker {
  readonly delegations: Delegation[] = [];
  readonly notracked: Space[] = [];
  opaqueSeen = new Map<string, CompiledRule>();
  /** may mode: what each accepting rule (or a base chain policy) lets through, before later stages. */
  readonly contributions: { rule: CompiledRule | null; chain: CompiledChain; space: Space }[] = [];
  /** Flows accepted by falling through to an accepting base-chain policy. */
  policyAcc: Space;
  /** Whether anything can be dropped in this stage (policy DROP or a DROP/REJECT rule that is reached). */
  canDrop = false;
  /** Whether a rule whose outcome differs between may and must was reached (then both walks are needed). */
  imprecise = false;
  /**
   * may mode: flows that are dropped on some branch of the matches sandcheck cannot evaluate (a DROP rule,
   * a drop policy, an unknown verdict or chain). A flow that reaches the stage and is in none of them is
   * accepted on every branch: that is the precise must set (an opaque ACCEPT before a plain ACCEPT does
   * not make the flows both accept "possible").
   */
  readonly mayDrop: Space[] = [];

  constructor(
    readonly family: Family,
    readonly mode: Mode,
    readonly stage: Stage,
  ) {
    this.policyAcc = Space.empty(family);
  }

  walk(chain: CompiledChain, input: Space, depth: number, stack: string[]): WalkResult {
    const fam = this.family;
    let R = input;
    let A: Space[] = [];
    let Ret: Space[] = [];
    for (const rule of chain.rules) {
      if (R.isEmpty()) break;
      if (rule.over.length === 0) continue;
      const enterCubes = this.mode === 'may' ? rule.over : rule.under;
      const leaveCubes = this.mode === 'may' ? rule.under : rule.over;
      // An exact rule (one cube, the same for both approximations): what enters and what passes by, in one pass.
      let rest: Space | null = null;
      let enter: Space;
      if (enterCubes === leaveCubes && enterCubes.length === 1) [enter, rest] = R.splitCube(enterCubes[0]!);
      else enter = intersectAll(R, enterCubes);
      if (enter.isEmpty() && (rest !== null || this.mode === 'may' || intersectAll(R, rule.over).isEmpty())) continue;
      if (rule.verdict.kind === 'unknown' && !enter.isEmpty()) this.imprecise = true;
      if (rule.unknown.length && rule.verdict.kind !== 'continue' && rule.verdict.kind !== 'notrack' && !intersectAll(R, rule.over).isEmpty() && (this.imprecise = true)) this.opaqueSeen.set(`${rule.origin.file}:${rule.origin.line}`, rule);
      const leave = (): Space => rest ?? subtractAll(R, leaveCubes);
      const v = verdictOnHook(rule.verdict, this.stage.hook);
      switch (v.kind) {
        case 'continue':
          break;
        case 'notrack':
          if (!enter.isEmpty()) this.notracked.push(enter);
          break;
        case 'accept':
          A.push(enter);
          if (!enter.isEmpty()) this.contributions.push({ rule, chain, space: enter });
          R = leave();
          break;
        case 'redirect':
        case 'dnat':
          if (!enter.isEmpty()) this.delegations.push({ stage: this.stage.label, rule, chain: chain.name, flows: enter });
          A.push(enter);
          R = leave();
          break;
        case 'drop':
          if (!enter.isEmpty()) {
            this.canDrop = true;
            this.mayDrop.push(enter);
          }
          R = leave();
          break;
        case 'return':
          Ret.push(enter);
          R = leave();
          break;
        case 'jump':
        case 'goto': {
          const target = v.target ? this.stage.lookup(v.target) : undefined;
          let sub: WalkResult;
          if (!target || depth >= MAX_DEPTH || stack.includes(target.name)) {
            if (!enter.isEmpty()) {
              this.imprecise = true;
              this.mayDrop.push(enter);
            }
            // Unknown target or a loop: it may accept anything it receives, and certainly accepts nothing.
            sub = this.mode === 'may' ? { acc: enter, ret: enter } : { acc: Space.empty(fam), ret: Space.empty(fam) };
          } else {
            sub = this.walk(target, enter, depth + 1, [...stack, target.name]);
          }
          A.push(sub.acc);
          if (v.kind === 'jump') R = leave().union(sub.ret);
          else {
            Ret.push(sub.ret);
            R = leave();
          }
          break;
        }
        case 'unknown':
          if (this.mode === 'may') A.push(enter);
          if (!enter.isEmpty()) {
            this.canDrop = true;
            this.mayDrop.push(enter);
          }
          R = leave();
          break;
      }
      // Merged in batches: often enough to bound memory, rarely enough not to re-merge a large set per rule.
      if (A.length > 256) A = [unionAll(fam, A)];
      if (Ret.length > 256) Ret = [unionAll(fam, Ret)];
      if (this.mayDrop.length > 256) this.mayDrop.splice(0, this.mayDrop.length, unionAll(fam, this.mayDrop));
    }
    if (chain.base) {
      const P = unionAll(fam, [R, ...Ret]);
      if (chain.policy !== 'drop') {
        A.push(P);
        if (!P.isEmpty()) {
          this.contributions.push({ rule: null, chain, space: P });
          this.policyAcc = this.policyAcc.union(P);
        }
      } else {
        this.canDrop = true;
        this.mayDrop.push(P);
      }
      return { acc: unionAll(fam, A), ret: Space.empty(fam) };
    }
    return { acc: unionAll(fam, A), ret: unionAll(fam, [R, ...Ret]) };
  }
}

function intersectAll(R: Space, cubes: readonly Cube[]): Space {
  if (cubes.length === 1) return R.intersectCube(cubes[0]!);
  let out = Space.empty(R.family);
  for (const c of cubes) out = out.union(R.intersectCube(c));
  return out;
}

function subtractAll(R: Space, cubes: readonly Cube[]): Space {
  let out = R;
  for (const c of cubes) out = out.subtractCube(c);
  return out;
}

function unionAll(family: Family, spaces: Space[]): Space {
  const cubes: Cube[] = [];
  for (const s of spaces) pushAll(cubes, s.cubes);
  return new Space(family, cubes).compact();
}

export interface HookResult {
  family: Family;
  /** New connections that may leave (over-approximation). */
  may: Space;
  /** New connections that certainly leave (under-approximation). */
  must: Space;
  delegations: Delegation[];
  /** Rules whose match could not be decided and that touched the traffic. */
  opaque: CompiledRule[];
  stages: Stage[];
  /** Flows that leave only because no rule decided them and a policy (or a missing ruleset) accepts them. */
  defaultAcc: Space;
  /** Accepting rules and policies of the stages that can drop, with what each lets through (may). */
  contributions: { stage: string; rule: CompiledRule | null; chain: CompiledChain; space: Space }[];
  /** Flows no rule of a filtering (non-nat) stage decides: each such stage's policy accepts them (may). */
  policyOnly: Space;
}

/**
 * Universe of the question: new connections (and untracked ones where a raw rule disables conntrack) on
 * any output interface except loopback.
 */
export function universe(family: Family, atoms: InterfaceAtoms, ctStates: bigint[]): Space {
  const lo = atoms.indexOf('lo');
  const oif = lo >= 0 ? IntervalSet.range(0n, 65535n).subtract(IntervalSet.point(BigInt(lo))) : IntervalSet.range(0n, 65535n);
  return Space.of(family, [cubeOf(family, { [CT]: IntervalSet.of(ctStates.map((s) => [s, s])), [OIF]: oif })]);
}

/**
 * The universe of one context's egress. A forwarded flow that leaves by the bridge it came in on goes to
 * another container (or pod) on that bridge, never out of the host: it is not egress, and the rule that
 * drops it (Docker's `-i docker0 -o docker0 -j DROP` with icc=false) blocks no endpoint.
 */
export function egressUniverse(family: Family, atoms: InterfaceAtoms, ctx: EgressContext, hook: 'output' | 'forward'): Space {
  const u = universe(family, atoms, [0n]);
  if (hook !== 'forward' || !ctx.interface) return u;
  const own = atoms.setOf(ctx.interface);
  return own.isEmpty() ? u : u.subtract(Space.of(family, [cubeOf(family, { [OIF]: own })]));
}

const memo = new WeakMap<NormRuleset, Map<string, HookResult>>();
const ids = new WeakMap<NormRuleset, number>();
let nextId = 1;
const idOf = (rs: NormRuleset): number => {
  let id = ids.get(rs);
  if (id === undefined) ids.set(rs, (id = nextId++));
  return id;
};

/**
 * Evaluates one hook over several rulesets (e.g. iptables-nft and iptables-legacy): a flow must survive
 * all. Memoized per ruleset objects, context and interface table: the parse-time summary and the rules
 * of a scan ask the same question.
 */
export function evaluateHook(rulesets: readonly NormRuleset[], family: Family, ctx: EgressContext, hook: 'output' | 'forward', atoms: InterfaceAtoms): HookResult {
  if (rulesets.length === 0) return evaluateHookUncached(rulesets, family, ctx, hook, atoms);
  const { origin: _origin, ...ctxKey } = ctx;
  const key = `${rulesets.map(idOf).join(',')}|${family}|${hook}|${JSON.stringify(ctxKey)}|${atoms.atoms.map((a) => `${a.name}${a.prefix ? '*' : ''}`).join(',')}|${Object.entries(atoms.ipsets).map(([n, c]) => `${n}:${c.members.length}:${c.nomatch.length}`).join(',')}`;
  let m = memo.get(rulesets[0]!);
  if (!m) memo.set(rulesets[0]!, (m = new Map()));
  let r = m.get(key);
  if (!r) m.set(key, (r = evaluateHookUncached(rulesets, family, ctx, hook, atoms)));
  return r;
}

function evaluateHookUncached(rulesets: readonly NormRuleset[], family: Family, ctx: EgressContext, hook: 'output' | 'forward', atoms: InterfaceAtoms): HookResult {
  const stages = rulesets
    .flatMap((rs) => stagesOf(rs, family, ctx, hook, atoms))
    .sort((a, b) => a.order - b.order);
  // Untracked flows exist only where a raw-priority rule disables conntrack.
  const base = egressUniverse(family, atoms, ctx, hook);
  let notrackMay = Space.empty(family);
  let notrackMust = Space.empty(family);
  for (const st of stages.filter((s) => s.raw)) {
    const wMay = new Walker(family, 'may', st);
    wMay.walk(st.chain, base, 0, [st.chain.name]);
    const wMust = new Walker(family, 'must', st);
    wMust.walk(st.chain, base, 0, [st.chain.name]);
    notrackMay = unionAll(family, [notrackMay, ...wMay.notracked]);
    notrackMust = unionAll(family, [notrackMust, ...wMust.notracked]);
  }
  const asUntracked = (s: Space): Space => Space.of(family, s.cubes.map((c) => c.map((d, i) => (i === CT ? IntervalSet.point(4n) : d))));
  let may = base.union(asUntracked(notrackMay));
  let must = base.subtract(notrackMay).union(asUntracked(notrackMust));
  const delegations: Delegation[] = [];
  const opaque = new Map<string, CompiledRule>();
  const policyParts: Space[] = [];
  const contributions: HookResult['contributions'] = [];
  let policyOnly: Space | null = null;
  for (const st of stages) {
    const wMay = new Walker(family, 'may', st);
    const same = may === must;
    const rMay = wMay.walk(st.chain, may, 0, [st.chain.name]);
    // With the same input and no rule whose outcome is uncertain, the must walk would repeat the may walk.
    const reuse = same && !wMay.imprecise;
    const wMust = reuse ? wMay : new Walker(family, 'must', st);
    const rMust = reuse ? rMay : wMust.walk(st.chain, must, 0, [st.chain.name]);
    may = rMay.acc;
    // Accepted on every branch = what certainly arrives minus what some branch drops. The must walk alone
    // loses the flows an opaque ACCEPT takes on one branch and a later rule accepts on the other.
    must = reuse ? rMust.acc : rMust.acc.union(must.subtract(unionAll(family, wMay.mayDrop)));
    for (const [k, r] of wMay.opaqueSeen) opaque.set(k, r);
    if (!st.nat) policyOnly = policyOnly ? policyOnly.intersect(wMay.policyAcc) : wMay.policyAcc;
    if (wMay.canDrop) {
      policyParts.push(wMay.policyAcc);
      for (const c of wMay.contributions) contributions.push({ stage: st.label, ...c });
    }
    if (st.nat && wMay.delegations.length) {
      // Redirected flows no longer go where they were addressed: they are reported as delegated.
      const dMay = unionAll(family, wMay.delegations.map((d) => d.flows));
      const dMust = unionAll(family, wMust.delegations.map((d) => d.flows));
      may = may.subtract(dMust);
      must = reuse ? may : must.subtract(dMay);
      delegations.push(...wMay.delegations);
      // A DNAT to one address sends the flow there instead; later stages judge it at its new destination.
      for (const d of wMay.delegations) {
        const to = d.rule.verdict.to;
        if (d.rule.verdict.kind !== 'dnat' || !to?.addr) continue;
        const p = parsePrefix(to.addr);
        if (!p || p.family !== family) continue;
        const moved = Space.of(family, d.flows.cubes.map((c) => c.map((set, dim) => (dim === DST ? IntervalSet.range(p.lo, p.hi) : dim === DPORT && to.ports ? IntervalSet.range(BigInt(to.ports[0]), BigInt(to.ports[1])) : set))));
        may = may.union(moved);
      }
    }
  }
  let defaultAcc = may;
  for (const p of policyParts) defaultAcc = defaultAcc.intersect(p);
  return { family, may, must, delegations, opaque: [...opaque.values()], stages, defaultAcc, contributions, policyOnly: policyOnly ?? defaultAcc };
}

// ---------------------------------------------------------------------------------------------------
// Concrete traces: which rules decide one flow (for the witness shown with a finding).

export interface TraceStep {
  stage: string;
  chain: string;
  /** 0 for the chain policy. */
  index: number;
  verdict: string;
  origin: Origin;
  /** The rule is a route table's drop: which table, and the blackhole route if one decides. */
  route?: RouteDrop;
  /** A DNAT, REDIRECT or TPROXY: the flow goes elsewhere than addressed. */
  rewritesDestination?: true;
}

export interface TraceOutcome {
  result: 'accept' | 'drop';
  steps: TraceStep[];
  /** Unknown matches assumed to match (or not) on this path. */
  assumptions: string[];
}

interface ChainRun {
  result: 'accept' | 'drop' | 'return';
  steps: TraceStep[];
  assumptions: string[];
}

function inCubes(cubes: readonly Cube[], flow: Cube): boolean {
  return cubes.some((c) => c.every((s, d) => s.intersects(flow[d]!)));
}

function runChain(stage: Stage, chain: CompiledChain, flow: Cube, path: TraceStep[], assumptions: string[], depth: number, budget: { n: number }): ChainRun[] {
  const out: ChainRun[] = [];
  const step = (rule: CompiledRule, verdict: string): TraceStep => ({ stage: stage.label, chain: chain.name, index: rule.index, verdict, origin: rule.origin, ...(rule.verdict.route ? { route: rule.verdict.route } : {}) });
  const go = (from: number, steps: TraceStep[], asm: string[]): void => {
    for (let i = from; i < chain.rules.length; i++) {
      if (budget.n-- <= 0) return;
      const rule = chain.rules[i]!;
      if (!inCubes(rule.over, flow)) continue;
      const certain = inCubes(rule.under, flow);
      if (!certain) {
        // Explore the path where the unknown match does not match first, then the one where it does.
        go(i + 1, steps, [...asm, `not: ${rule.unknown.join('; ')} (${rule.origin.file}:${rule.origin.line})`]);
        asm = [...asm, `${rule.unknown.join('; ')} (${rule.origin.file}:${rule.origin.line})`];
      }
      const v = verdictOnHook(rule.verdict, stage.hook);
      switch (v.kind) {
        case 'continue':
        case 'notrack':
          continue;
        case 'accept':
          out.push({ result: 'accept', steps: [...steps, step(rule, v.text)], assumptions: asm });
          return;
        case 'redirect':
        case 'dnat':
          out.push({ result: 'accept', steps: [...steps, { ...step(rule, v.text), rewritesDestination: true }], assumptions: asm });
          return;
        case 'unknown':
          out.push({ result: 'accept', steps: [...steps, step(rule, v.text)], assumptions: [...asm, `${v.text} decides elsewhere`] });
          return;
        case 'drop':
          out.push({ result: 'drop', steps: [...steps, step(rule, v.text)], assumptions: asm });
          return;
        case 'return':
          out.push({ result: 'return', steps: [...steps, step(rule, v.text)], assumptions: asm });
          return;
        case 'jump':
        case 'goto': {
          const target = v.target ? stage.lookup(v.target) : undefined;
          const here = step(rule, `${v.kind === 'goto' ? 'goto ' : ''}${v.target}`);
          if (!target || depth >= MAX_DEPTH) {
            out.push({ result: 'accept', steps: [...steps, here], assumptions: [...asm, `chain ${v.target} not in the input`] });
            return;
          }
          for (const sub of runChain(stage, target, flow, [...steps, here], asm, depth + 1, budget)) {
            if (sub.result !== 'return') out.push(sub);
            else if (v.kind === 'goto') out.push(sub);
            else go(i + 1, sub.steps, sub.assumptions);
          }
          return;
        }
      }
    }
    out.push({ result: 'return', steps, assumptions: asm });
  };
  go(0, path, assumptions);
  return out;
}

/** Every way (up to a budget) the stages can decide one flow, each with its rule path. */
export function traceFlow(stages: readonly Stage[], flow: Flow): TraceOutcome[] {
  const cube = flowCube(flow);
  let partial: TraceOutcome[] = [{ result: 'accept', steps: [], assumptions: [] }];
  for (const st of stages) {
    const next: TraceOutcome[] = [];
    for (const p of partial) {
      if (p.result === 'drop') {
        next.push(p);
        continue;
      }
      const runs = runChain(st, st.chain, cube, [], [], 0, { n: 5000 });
      for (const r of runs) {
        let result: 'accept' | 'drop' = r.result === 'drop' ? 'drop' : 'accept';
        // A nat chain that lets the flow through unchanged (its policy, SNAT, MASQUERADE, a source NETMAP)
        // filters nothing: naming it would point the witness away from the rule that allows the flow.
        if (st.nat && result === 'accept' && !r.steps.some((s) => s.rewritesDestination) && stages.some((s) => !s.nat)) {
          next.push({ ...p, assumptions: [...p.assumptions, ...r.assumptions] });
          continue;
        }
        const steps = [...p.steps, ...r.steps];
        if (r.result === 'return') {
          result = st.chain.policy === 'drop' ? 'drop' : 'accept';
          // Only the decisive policy is worth showing; an accepting policy of an empty stage is noise.
          if (stages.length === 1 || st.layer !== 'host' || r.steps.length > 0 || st.chain.policy === 'drop' || st.label.endsWith('OUTPUT') || st.label.endsWith('FORWARD') || /\/(output|forward)$/.test(st.label))
            steps.push({ stage: st.label, chain: st.chain.name, index: 0, verdict: `policy ${(st.chain.policy ?? 'accept').toUpperCase()}${st.chain.policyNote ? ` (${st.chain.policyNote})` : ''}`, origin: st.chain.origin });
        }
        next.push({ result, steps, assumptions: [...p.assumptions, ...r.assumptions] });
      }
    }
    partial = next.slice(0, 64);
  }
  return partial;
}

/**
 * The rule path of each layer a flow crosses, in path order: `filter/OUTPUT #3 ACCEPT (iptables.save:12),
 * then AWS security group sg-0abc #6 egress all traffic to 0.0.0.0/0 (sg.json:30)`. With one layer it is
 * formatTrace's text.
 */
export function formatLayeredTrace(steps: readonly TraceStep[], stages: readonly Stage[]): string {
  const layerOf = new Map(stages.map((s) => [s.label, s.layer]));
  const groups: TraceStep[][] = [];
  let current: string | undefined;
  for (const st of steps) {
    const layer = layerOf.get(st.stage) ?? 'host';
    if (layer !== current || groups.length === 0) groups.push([]);
    current = layer;
    groups[groups.length - 1]!.push(st);
  }
  return groups.map((g) => formatTrace(g)).join(', then ');
}

/** Where a layered path is reported: the deciding rule of the first layer on the path. */
export function firstLayerOrigin(steps: readonly TraceStep[], stages: readonly Stage[]): Origin | undefined {
  const layerOf = new Map(stages.map((s) => [s.label, s.layer]));
  const first = steps[0] ? layerOf.get(steps[0].stage) : undefined;
  const mine = steps.filter((s) => layerOf.get(s.stage) === first);
  return mine[mine.length - 1]?.origin;
}

/**
 * Where a layered path is reported when the first layer is open (a pod no policy isolates, a compose
 * network): the deciding rule of the first layer that decides by a rule or a DROP policy, else the first.
 */
export function decisiveLayerOrigin(steps: readonly TraceStep[], stages: readonly Stage[]): Origin | undefined {
  const layerOf = new Map(stages.map((s) => [s.label, s.layer]));
  const layers: string[] = [];
  for (const s of steps) {
    const l = layerOf.get(s.stage) ?? 'host';
    if (!layers.includes(l)) layers.push(l);
  }
  for (const l of layers) {
    const mine = steps.filter((s) => (layerOf.get(s.stage) ?? 'host') === l);
    const last = mine[mine.length - 1];
    if (last && (last.index > 0 || /DROP/.test(last.verdict))) return last.origin;
  }
  return firstLayerOrigin(steps, stages);
}

/** `filter/OUTPUT #3 → SANDBOX-EGRESS #2 ACCEPT (iptables.rules:11)` */
export function formatTrace(steps: readonly TraceStep[]): string {
  const last = steps[steps.length - 1];
  if (!last) return 'no rule';
  const decisive = steps.filter((s) => s.stage === last.stage);
  const parts = decisive.map((s, i) => {
    const name = i === 0 ? s.stage : s.chain;
    if (s.index === 0) return `${name} ${s.verdict}`;
    const showVerdict = i === decisive.length - 1 || s.verdict === 'RETURN' || s.verdict === 'return';
    return `${name} #${s.index}${showVerdict ? ` ${s.verdict}` : ''}`;
  });
  return `${parts.join(' → ')} (${last.origin.file}:${last.origin.line})`;
}
