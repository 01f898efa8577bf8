import type { Ajv, ErrorObject, Options } from 'ajv';
import { defaultExport, vendor } from '../util/vendor.js';
import { scanText } from '../analyzers/secrets/scan-text.js';

/** The options every sandcheck ajv shares (rules, config, the precompiled validators). */
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true };

/** A new ajv with formats; `extra` adds options (e.g. standalone code generation). ajv loads on first call. */
export function newAjv(extra: Options = {}): Ajv {
  const lib = vendor('ajv');
  const ajv = new lib.ajv.Ajv({ ...AJV_OPTIONS, ...extra });
  defaultExport<(a: Ajv) => Ajv>(lib.formats)(ajv);
  return ajv;
}

/** One ajv for rule conditions: strict, all errors (the deepest one locates the finding). */
export function createAjv(): Ajv {
  // Unknown keywords are errors (strictSchema); implied types are fine (`properties` without `type: object`).
  return newAjv();
}

/** "must be equal to constant" → words a user can act on, with the path. */
export function describeAjvError(e: ErrorObject, rootSchema?: object): string {
  const where = e.instancePath || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      // A key is quoted only when it reads as a name: a value pasted as a key (`[ <token> ]`, `ghp_…:`) is not printed.
      if (!/^[A-Za-z_][\w.-]{0,63}$/.test(key) || scanText(key).length > 0) return `${where}: an unknown key that is not a name (not shown: it may be a value)`;
      const near = rootSchema ? meantKey(e, rootSchema) : undefined;
      return `${where}: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    case 'required':
      return `${where}: missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'const':
      return `${where}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format': {
      const format = (e.params as { format: string }).format;
      return `${where}: must be a valid ${format}${format === 'date' ? ' (YYYY-MM-DD, a day that exists)' : ''}`;
    }
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

/** The most specific error: the longest instance path, preferring leaf keywords over combinators. */
export function deepestError(errors: ErrorObject[]): ErrorObject {
  const combinator = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'then', 'else']);
  return [...errors].sort((a, b) => {
    const d = b.instancePath.split('/').length - a.instancePath.split('/').length;
    if (d !== 0) return d;
    return Number(combinator.has(a.keyword)) - Number(combinator.has(b.keyword));
  })[0]!;
}

/**
 * One error per place, the most specific: ajv reports every branch of a failed anyOf/oneOf and the
 * combinator itself; a user needs the leaf (an unknown key, a wrong value), once.
 */
export function leafErrors(errors: ErrorObject[]): ErrorObject[] {
  const combinator = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'then', 'else']);
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const key = e.keyword === 'additionalProperties' ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}` : e.instancePath;
    const known = byPath.get(key);
    if (!known || (combinator.has(known.keyword) && !combinator.has(e.keyword))) byPath.set(key, e);
  }
  // A combinator error at a path that also has a deeper error adds nothing.
  return [...byPath.values()].filter((e) => !combinator.has(e.keyword) || ![...byPath.keys()].some((k) => k !== e.instancePath && k.startsWith(`${e.instancePath}/`)));
}

/** For an unknown-key error: the known key it most likely misspells. */
function meantKey(e: ErrorObject, rootSchema: object): string | undefined {
  return closest((e.params as { additionalProperty: string }).additionalProperty, Object.keys(schemaAt(rootSchema, e.schemaPath)?.properties ?? {}));
}

/**
 * The errors without the "missing key" that a misspelt key explains (`reasn:` also makes `reason`
 * missing): the typo is what to point at. Other missing keys of the same object stay.
 */
export function withoutTypoShadows(errors: ErrorObject[], rootSchema: object): ErrorObject[] {
  const meant = new Set(errors.filter((x) => x.keyword === 'additionalProperties').map((x) => `${x.instancePath}\0${meantKey(x, rootSchema) ?? ''}`));
  return errors.filter((x) => !(x.keyword === 'required' && meant.has(`${x.instancePath}\0${(x.params as { missingProperty: string }).missingProperty}`)));
}

/** The subschema holding the keyword at `schemaPath` (`#/properties/waivers/items/additionalProperties`). */
function schemaAt(root: object, schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  let node: unknown = root;
  for (const seg of schemaPath.split('/').slice(1, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== null && typeof node === 'object' ? (node as { properties?: Record<string, unknown> }) : undefined;
}

/** The known key a typo most likely meant: at most 2 edits away (1 for short keys), the nearest first. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = word.length <= 4 ? 2 : 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
