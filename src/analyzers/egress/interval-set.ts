/**
 * Sets of integers as sorted, disjoint, non-adjacent inclusive intervals over bigint. One type serves
 * every dimension of the header space: IPv4 (0..2^32-1), IPv6 (0..2^128-1), ports, protocol numbers.
 * Instances are immutable; operations return new sets.
 */
export class IntervalSet {
  static readonly EMPTY = new IntervalSet([], []);

  private constructor(
    /** Lower bounds, ascending. */
    readonly lo: readonly bigint[],
    /** Upper bounds (inclusive); hi[i] + 1 < lo[i + 1]. */
    readonly hi: readonly bigint[],
  ) {}

  static range(lo: bigint, hi: bigint): IntervalSet {
    if (hi < lo) return IntervalSet.EMPTY;
    return new IntervalSet([lo], [hi]);
  }

  static point(v: bigint): IntervalSet {
    return new IntervalSet([v], [v]);
  }

  /** Any list of (possibly overlapping, unsorted) intervals. */
  static of(ranges: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const list = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    for (const [a, b] of list) {
      const n = hi.length;
      if (n > 0 && a <= hi[n - 1]! + 1n) {
        if (b > hi[n - 1]!) hi[n - 1] = b;
      } else {
        lo.push(a);
        hi.push(b);
      }
    }
    return new IntervalSet(lo, hi);
  }

  /**
   * The union of many sets in one linear pass over the largest: the others are merged among themselves
   * first (pairwise unions would copy the large one once per small set).
   */
  static unionOf(sets: readonly IntervalSet[]): IntervalSet {
    if (sets.length === 0) return IntervalSet.EMPTY;
    if (sets.length <= 2) return sets.length === 1 ? sets[0]! : sets[0]!.union(sets[1]!);
    let big = 0;
    for (let i = 1; i < sets.length; i++) if (sets[i]!.lo.length > sets[big]!.lo.length) big = i;
    const ranges: [bigint, bigint][] = [];
    for (let i = 0; i < sets.length; i++) if (i !== big) for (let k = 0; k < sets[i]!.lo.length; k++) ranges.push([sets[i]!.lo[k]!, sets[i]!.hi[k]!]);
    return sets[big]!.union(IntervalSet.of(ranges));
  }

  private keyText: string | undefined;

  /** A string equal for equal sets (computed once per instance; sets are shared across many cubes). */
  get key(): string {
    if (this.keyText === undefined) {
      let k = '';
      for (let i = 0; i < this.lo.length; i++) k += `${this.lo[i]}-${this.hi[i]},`;
      this.keyText = k;
    }
    return this.keyText;
  }

  get count(): number {
    return this.lo.length;
  }

  isEmpty(): boolean {
    return this.lo.length === 0;
  }

  /** Number of members. */
  size(): bigint {
    let s = 0n;
    for (let i = 0; i < this.lo.length; i++) s += this.hi[i]! - this.lo[i]! + 1n;
    return s;
  }

  min(): bigint | undefined {
    return this.lo[0];
  }

  has(v: bigint): boolean {
    const i = this.indexAtOrBefore(v);
    return i >= 0 && v <= this.hi[i]!;
  }

  /** Index of the last interval whose lo <= v, or -1. */
  private indexAtOrBefore(v: bigint): number {
    let a = 0;
    let b = this.lo.length - 1;
    let r = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (this.lo[m]! <= v) {
        r = m;
        a = m + 1;
      } else b = m - 1;
    }
    return r;
  }

  equals(o: IntervalSet): boolean {
    if (o === this) return true;
    if (o.lo.length !== this.lo.length) return false;
    for (let i = 0; i < this.lo.length; i++) if (o.lo[i] !== this.lo[i] || o.hi[i] !== this.hi[i]) return false;
    return true;
  }

  union(o: IntervalSet): IntervalSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    if (this.spans(o)) return this;
    if (o.spans(this)) return o;
    // A few intervals into a large set: copy the untouched runs in bulk instead of merging one by one.
    if (o.lo.length * 16 < this.lo.length) return this.unionSmall(o);
    if (this.lo.length * 16 < o.lo.length) return o.unionSmall(this);
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    let i = 0;
    let j = 0;
    const push = (a: bigint, b: bigint): void => {
      const n = hi.length;
      if (n > 0 && a <= hi[n - 1]! + 1n) {
        if (b > hi[n - 1]!) hi[n - 1] = b;
      } else {
        lo.push(a);
        hi.push(b);
      }
    };
    while (i < this.lo.length || j < o.lo.length) {
      if (j >= o.lo.length || (i < this.lo.length && this.lo[i]! <= o.lo[j]!)) {
        push(this.lo[i]!, this.hi[i]!);
        i++;
      } else {
        push(o.lo[j]!, o.hi[j]!);
        j++;
      }
    }
    return new IntervalSet(lo, hi);
  }

  /** Whether this is one interval that contains every member of o. */
  private spans(o: IntervalSet): boolean {
    return this.lo.length === 1 && this.lo[0]! <= o.lo[0]! && this.hi[0]! >= o.hi[o.hi.length - 1]!;
  }

  /** this ∪ small, for a small set: binary search for each of its intervals, bulk copies in between. */
  private unionSmall(small: IntervalSet): IntervalSet {
    const parts: { lo: readonly bigint[]; hi: readonly bigint[] }[] = [];
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    let from = 0;
    const n = this.lo.length;
    for (let k = 0; k < small.lo.length; k++) {
      let a = small.lo[k]!;
      let b = small.hi[k]!;
      // First interval of this that ends at or after a - 1 (it may touch or overlap [a, b]).
      let x = from;
      let y = n;
      while (x < y) {
        const m = (x + y) >> 1;
        if (this.hi[m]! + 1n < a) x = m + 1;
        else y = m;
      }
      if (x > from) {
        flush();
        parts.push({ lo: this.lo.slice(from, x), hi: this.hi.slice(from, x) });
      }
      let i = x;
      while (i < n && this.lo[i]! <= b + 1n) {
        if (this.lo[i]! < a) a = this.lo[i]!;
        if (this.hi[i]! > b) b = this.hi[i]!;
        i++;
      }
      // Growing [a, b] may have reached the previous small interval's merged result (no bulk run between).
      const last = hi.length - 1;
      if (last >= 0 && hi[last]! + 1n >= a) {
        if (b > hi[last]!) hi[last] = b;
      } else {
        lo.push(a);
        hi.push(b);
      }
      from = i;
    }
    flush();
    if (from < n) parts.push({ lo: this.lo.slice(from), hi: this.hi.slice(from) });
    const outLo: bigint[] = ([] as bigint[]).concat(...parts.map((p) => p.lo as bigint[]));
    const outHi: bigint[] = ([] as bigint[]).concat(...parts.map((p) => p.hi as bigint[]));
    return new IntervalSet(outLo, outHi);

    // Pending merged intervals go out before the next bulk run.
    function flush(): void {
      if (lo.length) parts.push({ lo: lo.splice(0), hi: hi.splice(0) });
    }
  }

  intersect(o: IntervalSet): IntervalSet {
    if (this.isEmpty() || o.isEmpty()) return IntervalSet.EMPTY;
    // Most intersections in a chain walk are "everything ∩ a rule's set": return the operand, allocate nothing.
    if (this.spans(o)) return o;
    if (o.spans(this)) return this;
    // A small set against a large one: binary search instead of a full merge.
    if (o.lo.length * 8 < this.lo.length) return this.intersectSmall(o);
    if (this.lo.length * 8 < o.lo.length) return o.intersectSmall(this);
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    let i = 0;
    let j = 0;
    while (i < this.lo.length && j < o.lo.length) {
      const a = this.lo[i]! > o.lo[j]! ? this.lo[i]! : o.lo[j]!;
      const b = this.hi[i]! < o.hi[j]! ? this.hi[i]! : o.hi[j]!;
      if (a <= b) {
        lo.push(a);
        hi.push(b);
      }
      if (this.hi[i]! < o.hi[j]!) i++;
      else j++;
    }
    return lo.length === 0 ? IntervalSet.EMPTY : new IntervalSet(lo, hi);
  }

  private intersectSmall(small: IntervalSet): IntervalSet {
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    for (let k = 0; k < small.lo.length; k++) {
      const a = small.lo[k]!;
      const b = small.hi[k]!;
      let i = this.indexAtOrBefore(a);
      if (i < 0) i = 0;
      for (; i < this.lo.length && this.lo[i]! <= b; i++) {
        const x = this.lo[i]! > a ? this.lo[i]! : a;
        const y = this.hi[i]! < b ? this.hi[i]! : b;
        if (x <= y) {
          lo.push(x);
          hi.push(y);
        }
      }
    }
    return lo.length === 0 ? IntervalSet.EMPTY : new IntervalSet(lo, hi);
  }

  /** this \ o */
  subtract(o: IntervalSet): IntervalSet {
    if (this.isEmpty() || o.isEmpty()) return this;
    if (o.lo.length === 1) return this.subtractOne(o.lo[0]!, o.hi[0]!);
    const lo: bigint[] = [];
    const hi: bigint[] = [];
    let j = 0;
    for (let i = 0; i < this.lo.length; i++) {
      let a = this.lo[i]!;
      const b = this.hi[i]!;
      while (j < o.lo.length && o.hi[j]! < a) j++;
      let k = j;
      while (a <= b) {
        if (k >= o.lo.length || o.lo[k]! > b) {
          lo.push(a);
          hi.push(b);
          break;
        }
        if (o.lo[k]! > a) {
          lo.push(a);
          hi.push(o.lo[k]! - 1n);
        }
        if (o.hi[k]! >= b) break;
        a = o.hi[k]! + 1n;
        k++;
      }
    }
    return lo.length === 0 ? IntervalSet.EMPTY : new IntervalSet(lo, hi);
  }

  /** this \ [a, b], by binary search: only the touched intervals are rebuilt. */
  private subtractOne(a: bigint, b: bigint): IntervalSet {
    let first = this.indexAtOrBefore(a);
    if (first < 0 || this.hi[first]! < a) first++;
    let last = this.indexAtOrBefore(b);
    if (first > last) return this;
    const lo = this.lo.slice(0, first);
    const hi = this.hi.slice(0, first);
    if (this.lo[first]! < a) {
      lo.push(this.lo[first]!);
      hi.push(a - 1n);
    }
    if (this.hi[last]! > b) {
      lo.push(b + 1n);
      hi.push(this.hi[last]!);
    }
    for (let i = last + 1; i < this.lo.length; i++) {
      lo.push(this.lo[i]!);
      hi.push(this.hi[i]!);
    }
    return lo.length === 0 ? IntervalSet.EMPTY : new IntervalSet(lo, hi);
  }

  /** Complement within [0, max]. */
  complement(max: bigint): IntervalSet {
    return IntervalSet.range(0n, max).subtract(this);
  }

  /** this ⊆ o */
  isSubsetOf(o: IntervalSet): boolean {
    return this.subtract(o).isEmpty();
  }

  intersects(o: IntervalSet): boolean {
    return !this.intersect(o).isEmpty();
  }

  *ranges(): Generator<[bigint, bigint]> {
    for (let i = 0; i < this.lo.length; i++) yield [this.lo[i]!, this.hi[i]!];
  }
}
