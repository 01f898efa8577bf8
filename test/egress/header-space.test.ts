import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/analyzers/egress/interval-set.js';
import { CT, DIMS, DPORT, DST, OIF, PROTO, Space, cubeOf, dimMax, pickFlow, type Cube } from '../../src/analyzers/egress/header-space.js';
import type { Family } from '../../src/analyzers/egress/address.js';

/**
 * Point-wise oracle. Every dimension is cut into a grid of 3 small values plus one value far away that
 * stands for "the rest"; random cubes use only grid-aligned sets, so membership of the grid points
 * decides equality of the spaces.
 */
function gridValues(family: Family, d: number): bigint[] {
  return [0n, 1n, 2n, dimMax(family, d)];
}
function randomSet(family: Family, d: number, rnd: () => number): IntervalSet {
  const vals = gridValues(family, d);
  const pick = vals.filter(() => rnd() < 0.5);
  if (rnd() < 0.25) return IntervalSet.range(0n, dimMax(family, d));
  const ranges: [bigint, bigint][] = pick.map((v) => (v === dimMax(family, d) ? [3n, v] : [v, v]));
  return IntervalSet.of(ranges);
}
function randomSpace(family: Family, rnd: () => number): Space {
  const n = Math.floor(rnd() * 4);
  const cubes: Cube[] = [];
  for (let i = 0; i < n; i++) {
    const dims: Record<number, IntervalSet> = {};
    for (let d = 0; d < DIMS; d++) dims[d] = randomSet(family, d, rnd);
    cubes.push(cubeOf(family, dims));
  }
  return Space.of(family, cubes);
}
function* points(family: Family): Generator<bigint[]> {
  const grids = Array.from({ length: DIMS }, (_, d) => gridValues(family, d));
  const idx = new Array(DIMS).fill(0);
  for (;;) {
    yield idx.map((i, d) => grids[d]![i]!);
    let d = 0;
    while (d < DIMS && ++idx[d] === grids[d]!.length) idx[d++] = 0;
    if (d === DIMS) return;
  }
}
function member(s: Space, p: bigint[]): boolean {
  return s.cubes.some((c) => c.every((set, d) => set.has(p[d]!)));
}

describe('Space (header space) against a point-wise oracle', () => {
  for (const family of ['ipv4', 'ipv6'] as Family[]) {
    it(`${family}: union, intersect, subtract, subset, projection over 600 random pairs`, () => {
      let seed = family === 'ipv4' ? 7 : 11;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const pts = [...points(family)];
      for (let round = 0; round < 600; round++) {
        const a = randomSpace(family, rnd);
        const b = randomSpace(family, rnd);
        const u = a.union(b);
        const i = a.intersect(b);
        const d = a.subtract(b);
        let subset = true;
        for (const p of pts) {
          const ia = member(a, p);
          const ib = member(b, p);
          if (member(u, p) !== (ia || ib)) throw new Error(`union at ${p}`);
          if (member(i, p) !== (ia && ib)) throw new Error(`intersect at ${p}`);
          if (member(d, p) !== (ia && !ib)) throw new Error(`subtract at ${p}`);
          if (ia && !ib) subset = false;
        }
        expect(a.isSubsetOf(b)).toBe(subset);
        expect(a.intersects(b)).toBe(!i.isEmpty());
        const proj = a.project([PROTO, DPORT]);
        const covered = new Set(pts.filter((q) => member(a, q)).map((q) => `${q[PROTO]}/${q[DPORT]}`));
        for (const p of pts) {
          if (member(proj, p) !== covered.has(`${p[PROTO]}/${p[DPORT]}`)) throw new Error(`projection at ${p}`);
        }
      }
    });
  }

  it('compact() merges single-address cubes without changing membership', () => {
    const cubes: Cube[] = [];
    for (let i = 0n; i < 1000n; i += 2n) cubes.push(cubeOf('ipv4', { [DST]: IntervalSet.point(i), [PROTO]: IntervalSet.point(6n), [DPORT]: IntervalSet.point(443n) }));
    const s = Space.of('ipv4', cubes).compact();
    expect(s.cubes.length).toBe(1);
    expect(s.cubes[0]![DST]!.count).toBe(500);
  });

  it('picks a readable witness: tcp/443 inside the set, not the network address', () => {
    const s = Space.of('ipv4', [
      cubeOf('ipv4', { [DST]: IntervalSet.range(0n, (1n << 32n) - 1n), [PROTO]: IntervalSet.of([[6n, 6n], [17n, 17n]]), [CT]: IntervalSet.point(0n), [OIF]: IntervalSet.range(100n, 200n) }),
    ]);
    const f = pickFlow(s)!;
    expect(f).toMatchObject({ family: 'ipv4', proto: 6, dport: 443, ct: 'new', oif: 100 });
    expect(f.dst).toBe(7n);
    expect(pickFlow(Space.empty('ipv6'))).toBeNull();
  });
});
