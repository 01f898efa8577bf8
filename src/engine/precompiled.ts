import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { distDir, packageRoot } from '../util/package-root.js';
import { requireWithCodeCache } from '../util/code-cache.js';
import { nodeCrypto, sha256Hex } from '../util/sha256.js';
import { defaultExport, vendor } from '../util/vendor.js';
import { newAjv } from './ajv.js';
import { CONFIG_SCHEMA } from '../config/schema.js';
import { FUNCTION_REGISTRY } from './functions/index.js';
import type { CompiledRule } from './load-rules.js';
import type { RuleFunction } from './types.js';

/**
 * Built-in rules compiled at build time (`npm run build`): their definitions plus ajv standalone
 * validators, so start-up neither parses ~50 YAML files nor compiles their schemas. The module
 * carries a hash of the rule files; when rules/ changed since the build, the loader falls back to
 * reading and compiling the YAML at run time, so an edited rule is never ignored.
 */


export const PRECOMPILED_FILE = 'builtin-rules.cjs';

type Stored = Omit<CompiledRule, 'whenFn' | 'assertFn' | 'fn'>;

export function rulesHash(root: string, files: string[]): string {
  const h = nodeCrypto().createHash('sha256');
  for (const f of [...files].sort()) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

/**
 * Each rule file's path, size and modification time, and each of their folders' modification time
 * (a file added to or removed from a folder changes it): while all are unchanged, the rules are the
 * build's, and a run checks that without listing the folders or reading a file (stampHolds).
 */
export function rulesStamp(root: string, files: string[]): string {
  const dirs = new Set<string>();
  for (const f of files) for (let d = dirname(f); d.length > root.length && !dirs.has(d); d = dirname(d)) dirs.add(d);
  const line = (p: string, size: number | '', mtime: number) => `${relative(root, p).split(sep).join('/')}\0${size}\0${mtime}`;
  const dirLines = [...dirs].sort().map((d) => line(d, '', statSync(d).mtimeMs));
  const fileLines = [...files].sort().map((f) => {
    const st = statSync(f);
    return line(f, st.size, st.mtimeMs);
  });
  return [...dirLines, ...fileLines].join('\n');
}

/** Whether every path of a stamp still has the size and time recorded (a folder's size is not compared). */
export function stampHolds(root: string, stamp: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  for (const entry of stamp.split('\n')) {
    const [path, size, mtime] = entry.split('\0') as [string, string, string];
    const st = statSync(prefix + path, { throwIfNoEntry: false });
    if (!st || String(st.mtimeMs) !== mtime || (size !== '' && String(st.size) !== size)) return false;
  }
  return true;
}

/** The module text for dist/builtin-rules.cjs. */
export function precompileRules(rules: CompiledRule[], hash: string, stamp: string): string {
  // Formats (the config's dates) come from ajv-formats at run time; `_` marks the text as code for ajv.
  const { _ } = vendor('ajv').ajv;
  const ajv = newAjv({ code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  const standaloneCode = defaultExport<(ajv: Ajv, refs: Record<string, string>) => string>(vendor('ajv').standalone);
  const refs: Record<string, string> = {};
  rules.forEach((r, i) => {
    if (r.when) ajv.addSchema(r.when, (refs[`r${i}_when`] = `sandcheck:${r.id}#when`));
    if (r.assert) ajv.addSchema(r.assert, (refs[`r${i}_assert`] = `sandcheck:${r.id}#assert`));
  });
  // The sandcheck.yaml validator too: compiling its schema costs 0.1-0.2 s of every run that has a config.
  ajv.addSchema(CONFIG_SCHEMA as object, (refs.config = 'sandcheck:config'));
  const stored: Stored[] = rules.map(({ whenFn: _w, assertFn: _a, fn: _f, ...rest }) => rest);
  return `${standaloneCode(ajv, refs)}\nexports.__hash = ${JSON.stringify(hash)};\nexports.__stamp = ${JSON.stringify(stamp)};\nexports.__configHash = ${JSON.stringify(configSchemaHash())};\nexports.__rules = ${JSON.stringify(stored)};\n`;
}

function configSchemaHash(): string {
  return sha256Hex(JSON.stringify(CONFIG_SCHEMA));
}

type PrecompiledModule = Record<string, unknown> & { __hash: string; __stamp?: string; __configHash?: string; __rules: Stored[] };
let loadedModule: PrecompiledModule | null | undefined;

/** dist/builtin-rules.cjs, loaded once; null when it is absent or does not load. */
function precompiledModule(): PrecompiledModule | null {
  if (loadedModule !== undefined) return loadedModule;
  const file = join(distDir(), PRECOMPILED_FILE);
  try {
    loadedModule = existsSync(file) ? (requireWithCodeCache(file) as PrecompiledModule) : null;
  } catch {
    loadedModule = null;
  }
  return loadedModule;
}

/** The build's validator of sandcheck.yaml, or null when absent or made from another schema. */
export function precompiledConfigValidator(): ValidateFunction | null {
  const mod = precompiledModule();
  if (!mod || mod.__configHash !== configSchemaHash() || typeof mod.config !== 'function') return null;
  return mod.config as ValidateFunction;
}

/**
 * The precompiled built-in rules, or null when absent or stale. Unchanged sizes and times of the rule
 * files and folders (no folder listed, no file read) or, failing that, the same contents as at the
 * build (`listFiles` is called only then).
 */
export function loadPrecompiled(listFiles: () => string[]): CompiledRule[] | null {
  const root = packageRoot();
  const mod = precompiledModule();
  if (!mod) return null;
  if (!(mod.__stamp && stampHolds(root, mod.__stamp)) && mod.__hash !== rulesHash(root, listFiles())) return null;
  const out: CompiledRule[] = [];
  for (const [i, r] of mod.__rules.entries()) {
    const rule: CompiledRule = { ...r };
    if (r.when) rule.whenFn = mod[`r${i}_when`] as ValidateFunction;
    if (r.assert) rule.assertFn = mod[`r${i}_assert`] as ValidateFunction;
    if (r.then) {
      const fn = FUNCTION_REGISTRY.get(r.then.function) as RuleFunction<Record<string, unknown>> | undefined;
      if (!fn) return null; // the code changed under the build: compile from the YAML, which reports it
      rule.fn = fn;
    }
    out.push(rule);
  }
  return out;
}
