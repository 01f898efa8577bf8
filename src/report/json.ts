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
 * `JSON.stringify(value, null, 2) + '\n'` in pieces: each member of the object, and each element of a
 * member that is an array, is stringified on its own. A report of 70,000 findings is then never one
 * string: as one, it is 70 MB, and 140 MB as soon as a single message holds a character outside
 * Latin-1 (`›`, `…`), since V8 then stores the whole string in two bytes per character.
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
    if (Array.isArray(v) && v.length > 0 && !hasToJson(v)) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (const [j, el] of v.entries()) yield `    ${indented(el, '    ')}${j < v.length - 1 ? ',\n' : '\n'}`;
      yield `  ]${end}`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indented(v, '  ')}${end}`;
    }
  }
  yield '}\n';
}

// What JSON.stringify leaves out of an object.
const serializable = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
const hasToJson = (v: object) => typeof (v as { toJSON?: unknown }).toJSON === 'function';

/** JSON.stringify(v, null, 2) nested at `prefix` (a raw newline only occurs between tokens); null where JSON has no value. */
function indented(v: unknown, prefix: string): string {
  return (JSON.stringify(v, null, 2) ?? 'null').replaceAll('\n', `\n${prefix}`);
}
