import { parseAddressRange, parsePrefix, type Family } from './address.js';
import { CT, CT_STATES, DPORT, DST, OIF, PROTO, dimMax, fullCube, type Cube } from './header-space.js';
import { IntervalSet } from './interval-set.js';
import type { DimMatch, EgressContext, IpsetContent, MatchSpec, NormRuleset } from './model.js';
import { pushAll } from '../../util/arrays.js';

/**
 * Compiles MatchSpecs into header-space cubes for one family and one source context. Conditions on the
 * source (address, input interface, uid/gid) are decided against the context: a false one removes the
 * rule, an unknown one makes it imprecise (under = ∅, over = the destination part).
 */

export interface CompiledMatch {
  over: Cube[];
  under: Cube[];
  /** Why under ≠ over, in words. */
  unknown: string[];
}

type Tri = true | false | 'unknown';

/** Output-interface atoms: each literal name, each wildcard prefix, and "any other" (indices ≥ n). */
export class InterfaceAtoms {
  readonly atoms: { name: string; prefix: boolean }[] = [];
  /** The host's ipset contents, for `-m set` matches (carried here: it is per-host compile input too). */
  ipsets: Record<string, IpsetContent> = {};
  /** Atoms some rule also matches as an input interface: the bridges of a container host (see interfaceAtomsOf). */
  readonly bridges = new Set<number>();

  constructor(patterns: Iterable<string>) {
    const lits = new Set<string>();
    const prefixes = new Set<string>();
    for (const p of patterns) {
      const w = wildcardPrefix(p);
      if (w === null) lits.add(p);
      else prefixes.add(w);
    }
    for (const l of [...lits].sort()) this.atoms.push({ name: l, prefix: false });
    for (const p of [...prefixes].sort()) this.atoms.push({ name: p, prefix: true });
  }

  /** The atoms a pattern covers, as an interval set over atom indices. */
  setOf(pattern: string): IntervalSet {
    const w = wildcardPrefix(pattern);
    const ranges: [bigint, bigint][] = [];
    this.atoms.forEach((a, i) => {
      const hit = w === null ? !a.prefix && a.name === pattern : a.name.startsWith(w);
      if (hit) ranges.push([BigInt(i), BigInt(i)]);
    });
    return IntervalSet.of(ranges);
  }

  label(index: number): string {
    const a = this.atoms[index];
    if (!a) {
      const named = this.atoms.filter((x) => x.name !== 'lo').map((x) => (x.prefix ? `${x.name}*` : x.name));
      return named.length ? `an interface other than ${named.join(', ')}` : 'any interface';
    }
    return a.prefix ? `${a.name}*` : a.name;
  }

  indexOf(name: string): number {
    return this.atoms.findIndex((a) => !a.prefix && a.name === name);
  }
}

function wildcardPrefix(p: string): string | null {
  if (p.endsWith('+') || p.endsWith('*')) return p.slice(0, -1);
  return null;
}

/**
 * The interface atoms of a host's rulesets, in one walk over its rules: the output interfaces they name
 * (`-o`), and as `bridges` the atoms some rule also matches as an input interface (`-i docker0`,
 * `-i br-+`): the bridges of a container host, on which host processes' traffic never comes in.
 */
export function interfaceAtomsOf(rulesets: readonly NormRuleset[]): InterfaceAtoms {
  const names = new Set<string>(['lo']);
  const inputs = new Set<string>();
  // Plain index loops: this visits every rule of the host (tens of thousands in large rule sets).
  for (const rs of rulesets)
    for (const t of rs.tables)
      for (const c of t.chains) {
        const rules = c.rules;
        for (let i = 0; i < rules.length; i++) {
          const match = rules[i]!.match;
          for (let j = 0; j < match.length; j++) {
            const { oif, iif } = match[j]!;
            if (oif) for (const v of oif.values) names.add(v);
            if (iif) for (const v of iif.values) inputs.add(v);
          }
        }
      }
  const atoms = new InterfaceAtoms(names);
  for (const rs of rulesets) Object.assign(atoms.ipsets, rs.ipsets ?? {});
  atoms.atoms.forEach((a, i) => {
    if (a.name === 'lo') return;
    for (const p of inputs) {
      const w = wildcardPrefix(p);
      const hit = a.prefix ? (w === null ? p.startsWith(a.name) : a.name.startsWith(w) || w.startsWith(a.name)) : w === null ? p === a.name : a.name.startsWith(w);
      if (hit) atoms.bridges.add(i);
    }
  });
  return atoms;
}

/** The destination addresses of an ipset match, or why they cannot be known. */
function ipsetAddresses(set: { name: string; flags: string }, family: Family, atoms: InterfaceAtoms): IntervalSet | string {
  const content = atoms.ipsets[set.name];
  if (!content) return `-m set ${set.name} ${set.flags} (ipset contents not given: add \`ipset save\` output)`;
  const flags = set.flags.split(',');
  if (flags.length !== 1 || flags[0] !== 'dst') return `-m set ${set.name} ${set.flags} (matches ${flags.length > 1 ? 'several header fields' : 'the source'})`;
  if (!/^hash:(ip|net)$/.test(content.type)) return `-m set ${set.name} (type ${content.type} is not modelled)`;
  if (content.family !== family) return IntervalSet.EMPTY;
  return addrSet(content.members, family).subtract(addrSet(content.nomatch, family));
}

function ifaceMatches(pattern: string, name: string): boolean {
  const w = wildcardPrefix(pattern);
  return w === null ? pattern === name : name.startsWith(w);
}

function applyNeg(set: IntervalSet, neg: boolean | undefined, max: bigint): IntervalSet {
  return neg ? set.complement(max) : set;
}

function tri(v: Tri, negate?: boolean): Tri {
  if (v === 'unknown' || !negate) return v;
  return !v;
}

function resolveSrc(m: DimMatch<string>, family: Family, ctx: EgressContext): Tri {
  const covers = m.values.some((v) => {
    const p = parsePrefix(v);
    return p !== null && p.family === family && p.lo === 0n && p.hi === dimMax(family, DST);
  });
  if (covers) return tri(true, m.negate);
  if ((ctx.kind === 'container' || ctx.kind === 'pod') && ctx.sourceCidr) {
    const s = parsePrefix(ctx.sourceCidr);
    if (s && s.family === family) {
      const set = addrSet(m.values, family);
      const own = IntervalSet.range(s.lo, s.hi);
      if (own.isSubsetOf(set)) return tri(true, m.negate);
      if (!own.intersects(set)) return tri(false, m.negate);
    }
  }
  return 'unknown';
}

function resolveIif(m: DimMatch<string>, ctx: EgressContext): Tri {
  // Locally generated packets have no input interface: `iifname "x"` never matches on output.
  if (ctx.kind === 'host-process') return tri(false, m.negate);
  if (!ctx.interface) return 'unknown';
  const own = wildcardPrefix(ctx.interface);
  if (own !== null) {
    // The context's interface is known by its prefix only (`br-*`: a compose network's bridge, whose id
    // is the engine's): a pattern covering every such name matches, one naming some of them may.
    const vs = m.values.map((p): Tri => {
      const w = wildcardPrefix(p);
      if (w !== null && own.startsWith(w)) return true;
      if ((w ?? p).startsWith(own)) return 'unknown';
      return false;
    });
    return tri(vs.includes(true) ? true : vs.includes('unknown') ? 'unknown' : false, m.negate);
  }
  return tri(
    m.values.some((p) => ifaceMatches(p, ctx.interface!)),
    m.negate,
  );
}

function resolveId(m: DimMatch<[number, number]>, id: number | undefined, ctx: EgressContext): Tri {
  if (ctx.kind !== 'host-process' || id === undefined) return 'unknown';
  return tri(
    m.values.some(([a, b]) => id >= a && id <= b),
    m.negate,
  );
}

function addrSet(values: readonly string[], family: Family): IntervalSet {
  if (values.length === 1) {
    // Keyed by the address text itself (no key to build): one rule set names thousands of addresses.
    const memo = addrMemo[family];
    let set = memo.get(values[0]!);
    if (!set) {
      const p = parsePrefix(values[0]!) ?? parseAddressRange(values[0]!);
      set = p && p.family === family ? IntervalSet.range(p.lo, p.hi) : IntervalSet.EMPTY;
      if (memo.size > 100_000) memo.clear();
      memo.set(values[0]!, set);
    }
    return set;
  }
  const ranges: [bigint, bigint][] = [];
  for (const v of values) {
    const p = parsePrefix(v) ?? parseAddressRange(v);
    if (p && p.family === family) ranges.push([p.lo, p.hi]);
  }
  return IntervalSet.of(ranges);
}

const addrMemo: Record<Family, Map<string, IntervalSet>> = { ipv4: new Map(), ipv6: new Map() };

/** Interval sets are immutable: the protocol, port and state sets that repeat across rules are shared. */
const setMemo = new Map<string, IntervalSet>();
function memoSet(key: string, make: () => IntervalSet): IntervalSet {
  let v = setMemo.get(key);
  if (!v) {
    if (setMemo.size > 50_000) setMemo.clear();
    setMemo.set(key, (v = make()));
  }
  return v;
}

/**
 * Compiled protocol, port and state sets, by condition object: parsers share equal conditions across
 * rules, so a large rule set compiles each distinct one once (and without building a string key).
 */
const dimSets = new WeakMap<object, IntervalSet>();
function dimSet<T>(m: DimMatch<T>, make: () => IntervalSet): IntervalSet {
  let v = dimSets.get(m);
  if (!v) dimSets.set(m, (v = make()));
  return v;
}
const NO_UNKNOWN: readonly string[] = Object.freeze([]);

export function compileSpec(spec: MatchSpec, family: Family, ctx: EgressContext, atoms: InterfaceAtoms): { cube: Cube | null; unknown: string[] } {
  if (spec.never || (spec.family && spec.family !== family)) return { cube: null, unknown: [] };
  const unknown: string[] = spec.opaque ? [...spec.opaque] : [];
  if (spec.src || spec.iif || spec.uid || spec.gid) {
    const conds: [string, Tri][] = [];
    if (spec.src) conds.push([`source ${spec.src.negate ? '! ' : ''}${spec.src.values.join(',')}`, resolveSrc(spec.src, family, ctx)]);
    if (spec.iif) conds.push([`input interface ${spec.iif.negate ? '! ' : ''}${spec.iif.values.join(',')}`, resolveIif(spec.iif, ctx)]);
    if (spec.uid) conds.push([`uid ${spec.uid.negate ? '! ' : ''}${spec.uid.values.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(',')}`, resolveId(spec.uid, ctx.uid, ctx)]);
    if (spec.gid) conds.push([`gid ${spec.gid.negate ? '! ' : ''}${spec.gid.values.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(',')}`, resolveId(spec.gid, ctx.gid, ctx)]);
    for (const [what, v] of conds) {
      if (v === false) return { cube: null, unknown: [] };
      if (v === 'unknown') unknown.push(`${what} (depends on the source, not known for this context)`);
    }
  }
  const cube = fullCube(family);
  if (spec.dst) cube[DST] = applyNeg(addrSet(spec.dst.values, family), spec.dst.negate, dimMax(family, DST));
  // Protocol, port and state sets have the same bounds in both families.
  if (spec.proto) cube[PROTO] = dimSet(spec.proto, () => memoSet(`p${spec.proto!.negate ? '!' : ''}${spec.proto!.values.join(',')}`, () => applyNeg(IntervalSet.of(spec.proto!.values.map((n) => [BigInt(n), BigInt(n)])), spec.proto!.negate, dimMax(family, PROTO))));
  if (spec.dport) cube[DPORT] = dimSet(spec.dport, () => memoSet(`d${spec.dport!.negate ? '!' : ''}${spec.dport!.values.join(',')}`, () => applyNeg(IntervalSet.of(spec.dport!.values.map(([a, b]) => [BigInt(a), BigInt(b)])), spec.dport!.negate, dimMax(family, DPORT))));
  if (spec.ct) cube[CT] = dimSet(spec.ct, () => memoSet(`c${spec.ct!.negate ? '!' : ''}${spec.ct!.values.join(',')}`, () => applyNeg(IntervalSet.of(spec.ct!.values.map((s) => { const i = BigInt(CT_STATES.indexOf(s)); return [i, i]; })), spec.ct!.negate, dimMax(family, CT))));
  if (spec.oif) {
    let s = IntervalSet.EMPTY;
    for (const p of spec.oif.values) s = s.union(atoms.setOf(p));
    cube[OIF] = applyNeg(s, spec.oif.negate, dimMax(family, OIF));
  }
  for (const set of spec.sets ?? []) {
    const a = ipsetAddresses(set, family, atoms);
    if (typeof a === 'string') unknown.push(`${set.negate ? '! ' : ''}${a}`);
    else cube[DST] = cube[DST]!.intersect(set.negate ? a.complement(dimMax(family, DST)) : a);
  }
  for (const v of cube) if (v.isEmpty()) return { cube: null, unknown: [] };
  return { cube, unknown };
}

export function compileMatch(specs: readonly MatchSpec[], family: Family, ctx: EgressContext, atoms: InterfaceAtoms): CompiledMatch {
  if (specs.length === 1) {
    // The common case (every iptables rule): one cube, shared by both approximations when exact.
    const c = compileSpec(specs[0]!, family, ctx, atoms);
    if (!c.cube) return { over: [], under: [], unknown: NO_UNKNOWN as string[] };
    if (c.unknown.length === 0) {
      const one = [c.cube];
      return { over: one, under: one, unknown: NO_UNKNOWN as string[] };
    }
    return { over: [c.cube], under: [], unknown: c.unknown };
  }
  const over: Cube[] = [];
  const under: Cube[] = [];
  const unknown: string[] = [];
  for (const s of specs) {
    const c = compileSpec(s, family, ctx, atoms);
    if (!c.cube) continue;
    over.push(c.cube);
    if (c.unknown.length === 0) under.push(c.cube);
    else pushAll(unknown, c.unknown);
  }
  return { over, under, unknown };
}
