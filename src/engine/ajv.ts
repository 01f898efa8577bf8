import type { Ajv, ErrorObject, Options } from 'ajv';
import { defaultExport, vendor } from '../util/vendor.js';

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
export function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `${where}: missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
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
