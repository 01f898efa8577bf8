import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** One ajv for rule conditions: strict, all errors (the deepest one locates the finding). */
export function createAjv(): Ajv {
  // Unknown keywords are errors (strictSchema); implied types are fine (`properties` without `type: object`).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
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
