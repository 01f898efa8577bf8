import jsyaml from 'js-yaml';
import { InputError } from '../inputs/types.js';
import { ALIAS_BUDGET, ownGraph, ownTree, UnsafeAliases } from './own-value.js';
import type { Position, YamlDoc, YamlFile } from './yaml-source.js';

/**
 * A fast YAML reader for large manifest streams. js-yaml composes values about an order of magnitude
 * faster than `yaml`'s document model (see bench/manifests), and its `listener` option reports where
 * every node opens and closes; from those events this builds, for each mapping and sequence, the
 * position of each key and item, so positionOf() answers like the `yaml`-based reader does.
 * YAML 1.2 core schema plus merge keys (no timestamps: dates stay strings, as with `yaml`).
 * Duplicate keys are an error, as they are for kubectl.
 */

// @types/js-yaml does not declare the built-in types; the merge type is part of js-yaml's public API.
const MERGE = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;
const SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [MERGE] });

interface Pos {
  line: number; // 0-based
  col: number; // 0-based
}
/** One node being read; once closed, the frame itself serves as its position (no copy). */
interface Frame extends Pos {
  children: Frame[] | null;
  kind: string | null;
  result: unknown;
}
interface ContainerPositions {
  keys?: Map<string, Pos>;
  items?: Pos[];
}

export interface FastYamlOptions {
  /**
   * `error` (the default, as kubectl): a key written twice in one mapping is an input error. `last`: the
   * last value wins, as the `yaml` document model reads it with `uniqueKeys: false`; the key's position
   * stays its first occurrence's in both readers.
   */
  duplicateKeys?: 'error' | 'last';
}

export function parseYamlFast(text: string, file: string, options: FastYamlOptions = {}): YamlFile {
  // A Map, not a WeakMap: it lives as long as the parsed file anyway, and ephemeron tables of ~10^5
  // entries cost the garbage collector far more (bench/manifests).
  const positions = new Map<object, ContainerPositions>();
  const stack: Frame[] = [{ line: 0, col: 0, children: [], kind: null, result: null }];
  const values: unknown[] = [];
  // An alias to a mapping or sequence (it closes with no kind of its own) makes the file a graph.
  let aliased = false;

  const listener = (event: 'open' | 'close', state: { line: number; position: number; lineStart: number; kind: string | null; result: unknown }) => {
    if (event === 'open') {
      stack.push({ line: state.line, col: state.position - state.lineStart, children: null, kind: null, result: null });
      return;
    }
    const f = stack.pop()!;
    if (state.kind === null && state.result !== null && typeof state.result === 'object') aliased = true;
    f.kind = state.kind;
    f.result = state.result;
    const parent = stack[stack.length - 1]!;
    (parent.children ??= []).push(f);
    const children = f.children;
    f.children = null;
    if (f.result === null || typeof f.result !== 'object' || positions.has(f.result)) return;
    if (f.kind === 'sequence' && Array.isArray(f.result)) positions.set(f.result, { items: children ?? [] });
    else if (f.kind === 'mapping') positions.set(f.result, { keys: keyPositions(f.result as Record<string, unknown>, children ?? [], positions) });
  };

  try {
    jsyaml.loadAll(
      text,
      // js-yaml parses every document before it calls this, so the root frames are read afterwards.
      (doc) => values.push(doc),
      { schema: SCHEMA, filename: file, listener: listener as never, json: options.duplicateKeys === 'last' },
    );
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message: string };
    const what = /\.json$/i.test(file) ? 'JSON' : 'YAML';
    // A line, no column: see parseYaml (a column inside or after a value can tell the value's length).
    if (e.mark) throw new InputError(file, `not valid ${what}: ${e.reason ?? e.message}`, e.mark.line + 1);
    throw new InputError(file, `not valid ${what}: ${e.message}`);
  }

  try {
    const budget = { left: ALIAS_BUDGET };
    for (const v of values) {
      if (aliased) ownGraph(v, budget);
      else ownTree(v);
    }
  } catch (err) {
    if (err instanceof UnsafeAliases) throw new InputError(file, err.message);
    throw err;
  }

  // One root node per document, in order.
  const roots = stack[0]!.children ?? [];
  const docs: YamlDoc[] = values.map((value, index) => {
    const root: Pos = roots[index] ?? { line: 0, col: 0 };
    const positionOf = (path: readonly (string | number)[]): Position & { exact: boolean; depth: number } => {
      let node: unknown = value;
      let pos: Pos = root;
      let depth = 0;
      for (const seg of path) {
        if (node === null || typeof node !== 'object') break;
        const info = positions.get(node);
        const p = Array.isArray(node) ? info?.items?.[Number(seg)] : info?.keys?.get(String(seg));
        if (!p) break;
        pos = p;
        node = (node as Record<string, unknown>)[seg as string];
        depth++;
      }
      return { line: pos.line + 1, column: pos.col + 1, exact: depth === path.length, depth };
    };
    return { index, value, positionOf, line: (path) => positionOf(path).line };
  });
  return { docs };
}

/**
 * Children of a mapping alternate key, value — except that an empty value (`key:` then the next key)
 * has no node of its own. A scalar that names a key of the result, on a later line at the same column
 * as the previous key, is that next key. A key that a merge (`<<: *anchor`, `<<: [*a, *b]`) brought in
 * is where the merged mapping has it (its own keys first, then the sources in order), as the `yaml`
 * reader finds it.
 */
function keyPositions(obj: Record<string, unknown>, children: Frame[], positions: Map<object, ContainerPositions>): Map<string, Pos> {
  const keys = new Map<string, Pos>();
  let expectKey = true;
  let lastKey: Frame | null = null;
  let merged: unknown[] | null = null;
  let mergeNext = false;
  for (const c of children) {
    if (mergeNext) {
      mergeNext = false;
      (merged ??= []).push(...(Array.isArray(c.result) ? c.result : [c.result]));
      continue;
    }
    const isKeyName = c.kind === 'scalar' && c.result !== null && typeof c.result !== 'object' && Object.prototype.hasOwnProperty.call(obj, String(c.result));
    if (expectKey) {
      if (c.kind === 'scalar' && c.result === '<<' && !isKeyName) {
        mergeNext = true;
        continue;
      }
      if (isKeyName) {
        if (!keys.has(String(c.result))) keys.set(String(c.result), c);
        lastKey = c;
        expectKey = false;
      }
      continue;
    }
    if (isKeyName && lastKey && c.line > lastKey.line && c.col === lastKey.col) {
      if (!keys.has(String(c.result))) keys.set(String(c.result), c);
      lastKey = c;
      continue;
    }
    expectKey = true;
  }
  for (const source of merged ?? []) {
    const from = source !== null && typeof source === 'object' ? positions.get(source)?.keys : undefined;
    for (const [key, pos] of from ?? []) if (!keys.has(key)) keys.set(key, pos);
  }
  return keys;
}
