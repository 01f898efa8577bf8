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
 * `JSON.stringify(value, null, 2) + '\n'` in pieces: each member of the object, and each batch of
 * elements of a member that is an array, is stringified on its own. A report of 70,000 findings is
 * then never one string: as one, it is 70 MB, and 140 MB as soon as a single message holds a character
 * outside Latin-1 (`›`, `…`), since V8 then stores the whole string in two bytes per character.
 * Each piece is JSON.stringify's own text of a one-member object, less its braces, so the
 * indentation is the same as in the whole.
 */
export function* jsonPieces(value: Record<string, unknown>): Generator<string> {
  const members = Object.entries(value).filter(([, v]) => serializable(v));
  if (!members.length) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (const [i, [key, v]] of members.entries()) {
    const end = i < members.length - 1 ? ',\n' : '\n';
    if (!Array.isArray(v) || v.length <= BATCH || hasToJson(v)) {
      yield member(key, v) + end;
      continue;
    }
    // `  "key": [` + batches of elements at four spaces + `  ]`: cut from {"key": batch}'s own text.
    const open = `  ${JSON.stringify(key)}: [`;
    yield open + '\n';
    for (let at = 0; at < v.length; at += BATCH) {
      // One slice of the stringified text, and nothing appended: V8 builds it as a tree of parts, which
      // a slice or a concatenation first copies into one string.
      const text = JSON.stringify({ [key]: v.slice(at, at + BATCH) }, null, 2);
      yield text.slice(open.length + 3, text.length - 6); // less `{\n` + open + `\n` and `\n  ]\n}`
      yield at + BATCH < v.length ? ',\n' : '\n';
    }
    yield `  ]${end}`;
  }
  yield '}\n';
}

const BATCH = 32;

// What JSON.stringify leaves out of an object.
const serializable = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
const hasToJson = (v: object) => typeof (v as { toJSON?: unknown }).toJSON === 'function';

/** `  "key": value` as it stands in JSON.stringify(object, null, 2). */
function member(key: string, v: unknown): string {
  const text = JSON.stringify({ [key]: v }, null, 2);
  return text.slice(2, text.length - 2);
}
