import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { InputError } from '../inputs/types.js';
import { vendor } from './vendor.js';
import { ALIAS_BUDGET, ownGraph, UnsafeAliases } from './own-value.js';
import { scanText } from '../analyzers/secrets/scan-text.js';

// Loaded on first use: a Kubernetes-only scan never needs it (see vendor.ts).
const Y = () => vendor('yaml');

export interface Position {
  line: number;
  column: number;
}

/** One YAML (or JSON) document with its plain value and the means to find where any path is. */
export interface YamlDoc {
  index: number;
  value: unknown;
  /** Position of the node at `path`, or of its deepest existing ancestor (`exact` false). */
  positionOf(path: readonly (string | number)[]): Position & { exact: boolean; depth: number };
  /** The comment lines directly above the node at `path` (for `# expect:` / `# sandcheck-ignore`). */
  line(path: readonly (string | number)[]): number;
}

export interface YamlFile {
  docs: YamlDoc[];
}

/**
 * `uniqueKeys`: a key written twice in one mapping is an error (sandcheck's own files: one of the two
 * values would be dropped without a word). Inputs stay lenient, as the tools that read them are.
 */
export function parseYaml(text: string, file: string, options: { uniqueKeys?: boolean } = {}): YamlFile {
  const lineCounter = new (Y().LineCounter)();
  let parsed: Document.Parsed[];
  try {
    parsed = Y().parseAllDocuments(text, { lineCounter, uniqueKeys: options.uniqueKeys ? sameJsKey : false, prettyErrors: false, strict: false, merge: true, logLevel: 'error' }) as Document.Parsed[];
  } catch (err) {
    throw new InputError(file, `not valid YAML: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) parsed = [parsed as unknown as Document.Parsed];
  const docs: YamlDoc[] = [];
  const budget = { left: ALIAS_BUDGET };
  parsed.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      // A line, no column, and no quoted escape: where an error falls inside or just after a value, its
      // column less the value's start is the value's length (a secret's, possibly).
      const { line, col } = lineCounter.linePos(err.pos[0]);
      if (err.code === 'DUPLICATE_KEY') {
        const key = keyAt(doc, err.pos[0]);
        throw new InputError(file, `${key !== undefined ? `key "${key}"` : 'a key (not shown: it does not read as a name)'} is written twice in one mapping: one of the two values would be ignored`, line, col);
      }
      throw new InputError(file, `not valid YAML: ${firstLine(err.message).replace(/^(Invalid escape sequence)\b.*$/, '$1')}`, line);
    }
    let value: unknown;
    try {
      value = ownGraph(doc.toJS({ maxAliasCount: 1000 }), budget);
    } catch (e) {
      if (e instanceof UnsafeAliases) throw new InputError(file, e.message);
      throw new InputError(file, `YAML could not be resolved: ${(e as Error).message}`);
    }
    const positionOf = (path: readonly (string | number)[]) => locateNode(doc, path, lineCounter);
    docs.push({ index, value, positionOf, line: (path) => positionOf(path).line });
  });
  return { docs };
}

/**
 * Two keys are one when they become one key of the plain value: `1` and `"1"`, `true` and `"true"`,
 * `~` and `""` are told apart by the YAML reader's own comparison, yet one of their values is dropped.
 * Each `<<` merge key is its own symbol, so several stay allowed, as the reader allows them.
 */
function sameJsKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Y().isScalar(a) || !Y().isScalar(b)) return false;
  const text = (v: unknown): string | undefined => (v === null ? '' : typeof v === 'symbol' || typeof v === 'object' ? undefined : String(v));
  const ta = text(a.value);
  return ta !== undefined && ta === text(b.value);
}

/** The key whose node starts at `offset`, quoted back only when it reads as a name (a key may be a pasted token). */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  Y().visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (Y().isScalar(key) && key.range?.[0] === offset) {
        found = key.value === null ? '' : String(key.value);
        return Y().visit.BREAK;
      }
      return undefined;
    },
  });
  if (found === undefined || !/^[A-Za-z_][\w.\/-]{0,63}$/.test(found) || scanText(found).length > 0) return undefined;
  return found;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function locateNode(doc: Document.Parsed, path: readonly (string | number)[], lc: LineCounter): Position & { exact: boolean; depth: number } {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  let exact = true;
  let depth = 0;
  for (const seg of path) {
    if (Y().isMap(node)) {
      const pair = findPair(node, String(seg), doc);
      if (!pair) {
        exact = false;
        break;
      }
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (Y().isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else {
      exact = false;
      break;
    }
    depth++;
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col, exact, depth };
}

/** The pair for `key`, also when it comes from a `<<: *anchor` merge key (compose files use them a lot). */
function findPair(map: YAMLMap, key: string, doc: Document.Parsed, depth = 0): Pair | undefined {
  const own = map.items.find((p) => Y().isPair(p) && keyOf(p.key) === key);
  if (own || depth > 10) return own;
  for (const p of map.items) {
    if (!Y().isPair(p) || !isMergeKey(p.key)) continue;
    const sources = Y().isSeq(p.value) ? p.value.items : [p.value];
    for (const src of sources) {
      const target = Y().isAlias(src) ? src.resolve(doc) : src;
      if (Y().isMap(target)) {
        const found = findPair(target, key, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

// With `merge: true` the key of a `<<` pair is a scalar whose value is the symbol `<<`.
const isMergeKey = (key: unknown): boolean => Y().isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));

function keyOf(key: unknown): string {
  if (Y().isScalar(key)) return String(key.value);
  return String(key);
}
