import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { CompiledRule } from './load-rules.js';
import type { Stored } from './precompiled.js';

// Build step only (imported lazily by the hidden `precompile-rules` command): keeps ajv's code
// generator off the start-up path. The loader side is precompiled.ts.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (ajv: Ajv, refs: Record<string, string>) => string;

/** The module text for dist/builtin-rules.cjs. */
export function precompileRules(rules: CompiledRule[], hash: string): string {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    code: { source: true, formats: { toString: () => 'require("ajv-formats/dist/formats").fullFormats' } as never },
  });
  addFormats(ajv);
  const refs: Record<string, string> = {};
  rules.forEach((r, i) => {
    if (r.when) ajv.addSchema(r.when, (refs[`r${i}_when`] = `sandcheck:${r.id}#when`));
    if (r.assert) ajv.addSchema(r.assert, (refs[`r${i}_assert`] = `sandcheck:${r.id}#assert`));
  });
  const stored: Stored[] = rules.map(({ whenFn: _w, assertFn: _a, fn: _f, ...rest }) => rest);
  return `${standaloneCode(ajv, refs)}\nexports.__hash = ${JSON.stringify(hash)};\nexports.__rules = ${JSON.stringify(stored)};\n`;
}

