import type { Report } from '../model/finding.js';

/** The JSON report (schemaVersion 1; see README "JSON report"). Evaluations only when asked. */
export function renderJson(report: Report, opts: { evaluations?: boolean } = {}): string {
  return [...jsonReportPieces(report, opts)].join('');
}

/** renderJson's text in pieces, for writing without ever holding the whole report as one string. */
export function jsonReportPieces(report: Report, opts: { evaluations?: boolean } = {}): Iterable<string> {
  const { evaluations, ...rest } = report;
  return jsonPieces(opts.evaluations ? { ...rest, evaluations } : rest);
}

/**
 * `JSON.stringify(value, null, 2) + '\n'` in pieces: an array longer than BATCH, at any depth, is
 * stringified a batch of elements at a time, and the objects and short arrays that lead to one are
 * written member by member. A report of 70,000 findings (or its SARIF, where they sit in
 * runs[0].results) is then never one string: as one, it is 70 MB, and 140 MB as soon as a single
 * message holds a character outside Latin-1 (`›`, `…`), since V8 then stores the whole string in two
 * bytes per character. Every piece is JSON.stringify's own text of the value nested as deep as it
 * stands in the whole, less the wrapping, so the indentation is the same as in the whole.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  yield* piecesAt(value, 0);
  yield '\n';
}

const BATCH = 32;
/** How deep a long array is looked for (SARIF's results are at depth 3). */
const MAX_DEPTH = 4;

function* piecesAt(v: unknown, depth: number): Generator<string> {
  if (!hasLongArray(v, depth)) {
    yield stringifyAt(v, depth);
    return;
  }
  const inner = indent(depth + 1);
  if (Array.isArray(v)) {
    yield '[\n';
    if (v.length > BATCH) {
      for (let at = 0; at < v.length; at += BATCH) {
        yield elementsAt(v.slice(at, at + BATCH), depth);
        if (at + BATCH < v.length) yield ',\n';
      }
    } else {
      for (let i = 0; i < v.length; i++) {
        yield inner;
        yield* piecesAt(serializable(v[i]) ? v[i] : null, depth + 1);
        if (i < v.length - 1) yield ',\n';
      }
    }
    yield `\n${indent(depth)}]`;
    return;
  }
  const members = Object.entries(v as object).filter(([, m]) => serializable(m));
  yield '{\n';
  for (const [i, [key, m]] of members.entries()) {
    yield `${inner}${JSON.stringify(key)}: `;
    yield* piecesAt(m, depth + 1);
    if (i < members.length - 1) yield ',\n';
  }
  yield `\n${indent(depth)}}`;
}

/** Whether v is an array longer than BATCH, or a plain object or array leading to one within MAX_DEPTH. */
function hasLongArray(v: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof v !== 'object' || v === null || hasToJson(v)) return false;
  if (Array.isArray(v)) return v.length > BATCH || v.some((e) => hasLongArray(e, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
  for (const k in v) if (Object.hasOwn(v, k) && hasLongArray((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** JSON.stringify(v, null, 2) as it stands at `depth` in the whole: nested in `depth` arrays, then cut out. */
function stringifyAt(v: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(v, null, 2) ?? 'null';
  let wrapped: unknown = v;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  return text.slice(wrapperHead(depth), text.length - wrapperTail(depth));
}

/** The elements of an array at `depth`, each on its line at depth + 1 as in the whole; one slice, nothing appended. */
function elementsAt(batch: unknown[], depth: number): string {
  let wrapped: unknown = batch;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // V8 builds JSON.stringify's text as a tree of parts, which a slice or a concatenation first copies
  // into one string: one slice, and separators as pieces of their own.
  return text.slice(wrapperHead(depth) + 2, text.length - wrapperTail(depth + 1));
}

// The text of `n` nested arrays around a value: `[\n  [\n    ` before it (each opening, a line break
// and the next line's indentation: 2i + 4 characters at level i), `\n  ]\n]` after it (2i + 2).
const wrapperHead = (n: number) => n * n + 3 * n;
const wrapperTail = (n: number) => n * n + n;
const indent = (depth: number) => '  '.repeat(depth);

// What JSON.stringify leaves out of an object, and writes as null in an array.
const serializable = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
const hasToJson = (v: object) => typeof (v as { toJSON?: unknown }).toJSON === 'function';
