/**
 * A parsed YAML value made safe to keep and to walk.
 * - Strings are copied out of the text they were parsed from. A parser's strings are slices of its
 *   input, and V8 keeps a slice (13 characters or more) as a pointer into the whole input: one image
 *   reference or env value kept in a target would keep its whole file in memory for the rest of the run.
 * - Aliases make a document a graph, which every later stage reads as a tree. An alias that refers to a
 *   node containing it (a cycle) is refused, and so are aliases that, read as a tree, add more than
 *   ALIAS_BUDGET nodes to one file (a "billion laughs" document expands exponentially; Kubernetes' own
 *   YAML reader refuses excessive aliasing too).
 * Arrays and plain objects are updated in place.
 */
export class UnsafeAliases extends Error {}

/** Nodes that aliases may add to one file read as a tree. */
export const ALIAS_BUDGET = 1_000_000;

export interface AliasBudget {
  left: number;
}

/** A tree (no alias to a collection in it): strings are detached, nothing else is checked. */
export function ownTree<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.length >= SLICE_MIN) value[i] = copy(v);
      } else ownTree(v);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string') {
      if (v.length >= SLICE_MIN) o[k] = copy(v);
    } else ownTree(v);
  }
  return value;
}

/** A value that may share nodes through aliases; `budget` is shared by the documents of one file. */
export function ownGraph<T>(value: T, budget: AliasBudget = { left: ALIAS_BUDGET }): T {
  walk(value, new Set(), new Map(), budget);
  return value;
}

/** The node count of `value` read as a tree. */
function walk(value: unknown, path: Set<object>, sizes: Map<object, number>, budget: AliasBudget): number {
  if (value === null || typeof value !== 'object') return 1;
  const known = sizes.get(value);
  if (known !== undefined) {
    budget.left -= known;
    if (budget.left < 0) throw new UnsafeAliases('YAML aliases expand to more than 1,000,000 nodes (an alias bomb?)');
    return known;
  }
  if (path.has(value)) throw new UnsafeAliases('a YAML alias refers to a node that contains it (a cycle)');
  path.add(value);
  let size = 1;
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string') {
      if (v.length >= SLICE_MIN) o[k] = copy(v);
      size++;
    } else size += walk(v, path, sizes, budget);
  }
  path.delete(value);
  sizes.set(value, size);
  return size;
}

/** V8's shortest slice: shorter substrings are copies already. */
const SLICE_MIN = 13;

/** A string that shares no memory with `s`: concatenating then slicing makes V8 write a flat copy. */
const copy = (s: string): string => (' ' + s).slice(1);
