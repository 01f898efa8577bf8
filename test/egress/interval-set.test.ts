import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/analyzers/egress/interval-set.js';

/** Every subset of a 6-element domain, as interval sets and as bit masks. */
const N = 6;
const MAX = BigInt(N - 1);
function fromMask(mask: number): IntervalSet {
  const r: [bigint, bigint][] = [];
  for (let i = 0; i < N; i++) if (mask & (1 << i)) r.push([BigInt(i), BigInt(i)]);
  return IntervalSet.of(r);
}
function toMask(s: IntervalSet): number {
  let m = 0;
  for (const [a, b] of s.ranges()) for (let i = a; i <= b; i++) m |= 1 << Number(i);
  return m;
}
function wellFormed(s: IntervalSet): boolean {
  for (let i = 0; i < s.count; i++) {
    if (s.lo[i]! > s.hi[i]!) return false;
    if (i > 0 && s.lo[i]! <= s.hi[i - 1]! + 1n) return false;
  }
  return true;
}

describe('IntervalSet, exhaustively over every pair of subsets of {0..5}', () => {
  const all = Array.from({ length: 1 << N }, (_, m) => m);
  it('normalises every subset and round-trips', () => {
    for (const m of all) {
      const s = fromMask(m);
      expect(wellFormed(s)).toBe(true);
      expect(toMask(s)).toBe(m);
      expect(s.size()).toBe(BigInt(m.toString(2).split('1').length - 1));
      expect(toMask(s.complement(MAX))).toBe(~m & ((1 << N) - 1));
      for (let i = 0; i < N; i++) expect(s.has(BigInt(i))).toBe(Boolean(m & (1 << i)));
    }
  });
  it('union, intersect, subtract, subset, equals agree with bit masks', () => {
    for (const a of all) {
      const A = fromMask(a);
      for (const b of all) {
        const B = fromMask(b);
        const u = A.union(B);
        const i = A.intersect(B);
        const d = A.subtract(B);
        expect(toMask(u)).toBe(a | b);
        expect(toMask(i)).toBe(a & b);
        expect(toMask(d)).toBe(a & ~b);
        expect(wellFormed(u) && wellFormed(i) && wellFormed(d)).toBe(true);
        expect(A.isSubsetOf(B)).toBe((a & ~b) === 0);
        expect(A.intersects(B)).toBe((a & b) !== 0);
        expect(A.equals(B)).toBe(a === b);
      }
    }
  });
});

describe('IntervalSet at full IPv4 and IPv6 width', () => {
  const V6 = (1n << 128n) - 1n;
  it('splits ::/0 around one address and rejoins it', () => {
    const all = IntervalSet.range(0n, V6);
    const hole = all.subtract(IntervalSet.point(1n << 127n));
    expect(hole.count).toBe(2);
    expect(hole.size()).toBe(V6);
    expect(hole.union(IntervalSet.point(1n << 127n)).equals(all)).toBe(true);
  });
  it('treats 0.0.0.0/1 + 128.0.0.0/1 as all of IPv4', () => {
    const a = IntervalSet.range(0n, (1n << 31n) - 1n).union(IntervalSet.range(1n << 31n, (1n << 32n) - 1n));
    expect(a.equals(IntervalSet.range(0n, (1n << 32n) - 1n))).toBe(true);
  });
  it('large-against-small intersect and subtract match the plain merge (randomised, seeded)', () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 200; round++) {
      const big = IntervalSet.of(Array.from({ length: 200 }, () => { const a = BigInt(rnd(100000)); return [a, a + BigInt(rnd(50))] as [bigint, bigint]; }));
      const small = IntervalSet.of(Array.from({ length: 1 + rnd(3) }, () => { const a = BigInt(rnd(100000)); return [a, a + BigInt(rnd(2000))] as [bigint, bigint]; }));
      const viaMerge = (x: IntervalSet, y: IntervalSet) => {
        // reference: point-wise over the touched window
        const pts: bigint[] = [];
        for (const [a, b] of y.ranges()) for (let v = a; v <= b; v++) if (x.has(v)) pts.push(v);
        return IntervalSet.of(pts.map((p) => [p, p] as [bigint, bigint]));
      };
      expect(big.intersect(small).equals(viaMerge(big, small))).toBe(true);
      expect(small.intersect(big).equals(viaMerge(big, small))).toBe(true);
      const d = big.subtract(small);
      expect(d.union(big.intersect(small)).equals(big)).toBe(true);
      expect(d.intersects(small)).toBe(false);
    }
  });
});

describe('IntervalSet, a large set against a small one (the bulk-copy and binary-search paths)', () => {
  // Deterministic pseudo-random sets over 0..399: the large one has dozens of intervals, the small one 1–3.
  let seed = 7;
  const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const D = 400;
  const members = (s: IntervalSet): boolean[] => Array.from({ length: D }, (_, i) => s.has(BigInt(i)));
  const randomSet = (intervals: number, width: number): IntervalSet => IntervalSet.of(Array.from({ length: intervals }, () => { const a = rnd(D); return [BigInt(a), BigInt(Math.min(D - 1, a + rnd(width)))] as [bigint, bigint]; }));
  it('bulk union merges across neighbours that only touch', () => {
    const points = IntervalSet.of(Array.from({ length: 40 }, (_, i) => [BigInt(2 * i), BigInt(2 * i)] as [bigint, bigint]));
    const u = points.union(IntervalSet.of([[1n, 1n], [3n, 3n]]));
    expect(wellFormed(u)).toBe(true);
    expect([...u.ranges()].slice(0, 2)).toEqual([[0n, 4n], [6n, 6n]]);
    expect(u.count).toBe(38);
  });
  it('union, intersect and subtract agree with membership, both operand orders, 3000 pairs', () => {
    for (let k = 0; k < 3000; k++) {
      const big = randomSet(40 + rnd(40), 6);
      const small = randomSet(1 + rnd(3), k % 3 === 0 ? 40 : 3);
      const bm = members(big);
      const sm = members(small);
      for (const [op, want] of [
        [big.union(small), bm.map((x, i) => x || sm[i])],
        [small.union(big), bm.map((x, i) => x || sm[i])],
        [big.intersect(small), bm.map((x, i) => x && sm[i])],
        [small.intersect(big), bm.map((x, i) => x && sm[i])],
        [big.subtract(small), bm.map((x, i) => x && !sm[i])],
        [small.subtract(big), sm.map((x, i) => x && !bm[i])],
      ] as [IntervalSet, boolean[]][]) {
        expect(wellFormed(op)).toBe(true);
        expect(members(op)).toEqual(want);
      }
    }
  });
});
