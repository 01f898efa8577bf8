import { ADDR_MAX, type Family } from './address.js';
import { IntervalSet } from './interval-set.js';

/**
 * Header space of one address family: unions of cubes, a cube being the product of one interval set
 * per dimension (destination address, L4 protocol number, destination port, conntrack state, output
 * interface atom). Cubes may overlap; no operation relies on disjointness.
 */
export const DST = 0;
export const PROTO = 1;
export const DPORT = 2;
export const CT = 3;
export const OIF = 4;
export const DIMS = 5;

export const CT_STATES = ['new', 'established', 'related', 'invalid', 'untracked'] as const;
export type CtState = (typeof CT_STATES)[number];
export const CT_MAX = BigInt(CT_STATES.length - 1);
export const PROTO_MAX = 255n;
export const PORT_MAX = 65535n;
/** Output interfaces are atoms 0..n-1 of a per-ruleset table; every index above stands for "any other". */
export const OIF_MAX = 65535n;

export const PROTO_NUMBERS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  sctp: 132,
  udplite: 136,
  dccp: 33,
};
const PROTO_NAMES = new Map<number, string>([
  [1, 'icmp'],
  [2, 'igmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'icmpv6'],
  [132, 'sctp'],
  [136, 'udplite'],
  [33, 'dccp'],
]);
/** Protocols whose header carries a destination port. */
export const PORT_PROTOS = [6, 17, 33, 132, 136];

export function protoName(n: number): string {
  return PROTO_NAMES.get(n) ?? `proto ${n}`;
}

export function dimMax(family: Family, dim: number): bigint {
  switch (dim) {
    case DST:
      return ADDR_MAX[family];
    case PROTO:
      return PROTO_MAX;
    case DPORT:
      return PORT_MAX;
    case CT:
      return CT_MAX;
    default:
      return OIF_MAX;
  }
}

export type Cube = readonly IntervalSet[];

const FULL: Record<Family, IntervalSet[]> = {
  ipv4: Array.from({ length: DIMS }, (_, d) => IntervalSet.range(0n, dimMax('ipv4', d))),
  ipv6: Array.from({ length: DIMS }, (_, d) => IntervalSet.range(0n, dimMax('ipv6', d))),
};

export function fullCube(family: Family): IntervalSet[] {
  return [...FULL[family]];
}

/** A cube that is everything except the given dimensions. */
export function cubeOf(family: Family, dims: Partial<Record<number, IntervalSet>>): Cube {
  const c = fullCube(family);
  for (const [k, v] of Object.entries(dims)) if (v) c[Number(k)] = v;
  return c;
}

function cubeEmpty(c: Cube): boolean {
  for (const s of c) if (s.isEmpty()) return true;
  return false;
}

function cubeIntersect(a: Cube, b: Cube): Cube | null {
  const out: IntervalSet[] = [];
  for (let d = 0; d < DIMS; d++) {
    const s = a[d]!.intersect(b[d]!);
    if (s.isEmpty()) return null;
    out.push(s);
  }
  return out;
}

/** a \ b as disjoint pieces (pushed to `out`); returns a ∩ b, or null when they are disjoint. */
function cubeSplit(a: Cube, b: Cube, out: Cube[]): Cube | null {
  const inter: IntervalSet[] = [];
  for (let d = 0; d < DIMS; d++) {
    const s = a[d]!.intersect(b[d]!);
    if (s.isEmpty()) {
      out.push(a);
      return null;
    }
    inter.push(s);
  }
  for (let d = 0; d < DIMS; d++) {
    const rest = a[d]!.subtract(b[d]!);
    if (!rest.isEmpty()) {
      const piece: IntervalSet[] = [];
      for (let k = 0; k < DIMS; k++) piece.push(k < d ? inter[k]! : k === d ? rest : a[k]!);
      out.push(piece);
    }
  }
  return inter;
}

export class Space {
  constructor(
    readonly family: Family,
    readonly cubes: readonly Cube[],
  ) {}

  static empty(family: Family): Space {
    return new Space(family, []);
  }

  static full(family: Family): Space {
    return new Space(family, [fullCube(family)]);
  }

  static of(family: Family, cubes: Cube[]): Space {
    return new Space(
      family,
      cubes.filter((c) => !cubeEmpty(c)),
    );
  }

  isEmpty(): boolean {
    return this.cubes.length === 0;
  }

  union(o: Space): Space {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    return new Space(this.family, [...this.cubes, ...o.cubes]).compact();
  }

  intersectCube(c: Cube): Space {
    const out: Cube[] = [];
    for (const a of this.cubes) {
      const x = cubeIntersect(a, c);
      if (x) out.push(x);
    }
    return new Space(this.family, out);
  }

  intersect(o: Space): Space {
    const out: Cube[] = [];
    for (const a of this.cubes) {
      for (const b of o.cubes) {
        const x = cubeIntersect(a, b);
        if (x) out.push(x);
      }
    }
    return new Space(this.family, out).compact();
  }

  subtractCube(c: Cube): Space {
    const out: Cube[] = [];
    let touched = false;
    for (const a of this.cubes) {
      const before = out.length;
      cubeSplit(a, c, out);
      if (out.length !== before + 1 || out[before] !== a) touched = true;
    }
    return touched ? this.remainder(out) : this;
  }

  /** What is left of this space after a subtraction; compacted only when the cube count has grown (a pass over every address set). */
  private remainder(cubes: Cube[]): Space {
    const s = new Space(this.family, cubes);
    return cubes.length > 2 * this.cubes.length + 4 || cubes.length > 24 ? s.compact() : s;
  }

  /**
   * [this ∩ c, this \ c] in one pass: the same cubes, in the same order, as intersectCube(c) and
   * subtractCube(c) give, computing each intersection once (the chain walk needs both for every rule).
   */
  splitCube(c: Cube): [Space, Space] {
    const inside: Cube[] = [];
    const outside: Cube[] = [];
    for (const a of this.cubes) {
      const inter = cubeSplit(a, c, outside);
      if (inter) inside.push(inter);
    }
    if (inside.length === 0) return [new Space(this.family, inside), this];
    return [new Space(this.family, inside), this.remainder(outside)];
  }

  subtract(o: Space): Space {
    let cur: Space = this;
    for (const c of o.cubes) {
      if (cur.isEmpty()) break;
      cur = cur.subtractCube(c);
    }
    return cur;
  }

  isSubsetOf(o: Space): boolean {
    return this.subtract(o).isEmpty();
  }

  intersects(o: Space): boolean {
    for (const a of this.cubes) for (const b of o.cubes) if (cubeIntersect(a, b)) return true;
    return false;
  }

  /** Space with every dimension not in `keep` widened to everything: the projection onto `keep`. */
  project(keep: readonly number[]): Space {
    const out: Cube[] = this.cubes.map((c) => {
      const f = fullCube(this.family);
      for (const d of keep) f[d] = c[d]!;
      return f;
    });
    return new Space(this.family, out).compact();
  }

  /**
   * Merges cubes that differ in one dimension only. Keeps the representation small during long rule
   * walks (thousands of host rules would otherwise leave thousands of single-address cubes).
   */
  compact(): Space {
    if (this.cubes.length < 2) return this;
    let cubes = this.cubes as Cube[];
    // Merging along other dimensions keys cubes by their address sets; worth it only while those are small.
    const smallDst = cubes.every((c) => c[DST]!.count <= 8);
    for (const dim of smallDst ? [DST, DPORT, PROTO, DST] : [DST]) {
      if (cubes.length < 2) break;
      cubes = mergeAlong(cubes, dim);
    }
    return cubes === this.cubes ? this : new Space(this.family, cubes);
  }

  /** Members as a plain object (for JSON evidence and tests). */
  toJSON(): unknown {
    return this.cubes.map((c) => c.map((s) => [...s.ranges()].map(([a, b]) => (a === b ? String(a) : `${a}-${b}`))));
  }
}

function keyExcept(c: Cube, dim: number): string {
  let k = '';
  for (let d = 0; d < DIMS; d++) {
    if (d === dim) continue;
    k += c[d]!.key;
    k += '|';
  }
  return k;
}

function mergeAlong(cubes: Cube[], dim: number): Cube[] {
  const groups = new Map<string, IntervalSet[][]>();
  const order: string[] = [];
  for (const c of cubes) {
    const k = keyExcept(c, dim);
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
      order.push(k);
    }
    g.push(c as IntervalSet[]);
  }
  if (order.length === cubes.length) return cubes;
  const out: Cube[] = [];
  for (const k of order) {
    const g = groups.get(k)!;
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const set = IntervalSet.unionOf(g.map((c) => c[dim]!));
    const merged = [...g[0]!];
    merged[dim] = set;
    out.push(merged);
  }
  return out;
}

/** One concrete packet. */
export interface Flow {
  family: Family;
  dst: bigint;
  proto: number;
  dport: number | null;
  ct: CtState;
  oif: number;
}

function prefer(set: IntervalSet, wanted: readonly bigint[]): bigint {
  for (const w of wanted) if (set.has(w)) return w;
  const lo = set.lo[0]!;
  return lo;
}

/**
 * A concrete member of the space, chosen to read well: tcp before udp, 443/80/53 before other ports,
 * an address inside a block rather than its network address.
 */
export function pickFlow(space: Space, preferAddrs: readonly bigint[] = []): Flow | null {
  // Prefer a cube that holds a preferred address (8.8.8.8 for DNS), then one that carries tcp, then udp.
  const preferred = (c: Cube): number => (preferAddrs.some((p) => c[DST]!.has(p)) ? 0 : 3);
  const order = [...space.cubes].sort((a, b) => preferred(a) + rankCube(a) - (preferred(b) + rankCube(b)));
  const c = order[0];
  if (!c) return null;
  const proto = Number(prefer(c[PROTO]!, [6n, 17n, 1n, 58n]));
  const dst = (() => {
    for (const p of preferAddrs) if (c[DST]!.has(p)) return p;
    const lo = c[DST]!.lo[0]!;
    const hi = c[DST]!.hi[0]!;
    if (hi - lo >= 256n) return lo + 7n;
    if (hi - lo >= 2n) return lo + 1n;
    return lo;
  })();
  const hasPort = PORT_PROTOS.includes(proto);
  const dport = hasPort ? Number(prefer(c[DPORT]!, [443n, 80n, 53n, 8443n, 22n])) : null;
  const ct = CT_STATES[Number(prefer(c[CT]!, [0n]))]!;
  const oif = Number(c[OIF]!.lo[0]!);
  return { family: space.family, dst, proto, dport, ct, oif };
}

function rankCube(c: Cube): number {
  if (c[PROTO]!.has(6n)) return 0;
  if (c[PROTO]!.has(17n)) return 1;
  return 2;
}

export function flowCube(f: Flow): Cube {
  return cubeOf(f.family, {
    [DST]: IntervalSet.point(f.dst),
    [PROTO]: IntervalSet.point(BigInt(f.proto)),
    [DPORT]: f.dport === null ? undefined : IntervalSet.point(BigInt(f.dport)),
    [CT]: IntervalSet.point(BigInt(CT_STATES.indexOf(f.ct))),
    [OIF]: IntervalSet.point(BigInt(f.oif)),
  });
}
