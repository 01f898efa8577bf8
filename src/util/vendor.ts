import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUNDLED, distDir, packageRoot } from './package-root.js';

/**
 * Libraries that only some scans need (`yaml` for compose and config files, `ajv` for rule and config
 * validation, `dockerfile-ast` for Dockerfiles), loaded on first use. Each costs 30-50 ms to load,
 * and a Kubernetes scan with the precompiled built-in rules needs none of them (bench/startup).
 *
 * Each is a small CommonJS entry in src/vendor/; scripts/build.mjs bundles those into dist/vendor/
 * (next to dist/sandcheck.cjs), so the published CLI loads one minified
 * file per library. `chalk` (coloured text reports only) is one too: its colour detection loads `os`
 * and `tty` (and with it `net`), which a JSON or file report never needs. From source (the tests) the entries load the libraries from node_modules.
 */
export interface Vendors {
  yaml: typeof import('yaml');
  ajv: { ajv: typeof import('ajv'); formats: unknown; standalone: unknown };
  'dockerfile-ast': typeof import('dockerfile-ast');
  chalk: typeof import('chalk');
}

/** ESM-only packages: loaded from their built CommonJS bundle in dist/vendor/ from src/ too. */
const ESM_ONLY: ReadonlySet<keyof Vendors> = new Set(['chalk']);

const requireHere = createRequire(import.meta.url);
// Callers such as yaml-source ask per node; resolving the path each time would cost more than a lookup.
const loaded = new Map<keyof Vendors, unknown>();

export function vendor<K extends keyof Vendors>(name: K): Vendors[K] {
  let mod = loaded.get(name);
  if (mod === undefined) {
    mod = requireHere(BUNDLED || ESM_ONLY.has(name) ? join(distDir(), 'vendor', `${name}.cjs`) : join(packageRoot(), 'src', 'vendor', `${name}.cjs`));
    loaded.set(name, mod);
  }
  return mod as Vendors[K];
}

/** A CommonJS module's default export, whether or not it was compiled with `exports.default`. */
export function defaultExport<T>(mod: unknown): T {
  return ((mod as { default?: unknown }).default ?? mod) as T;
}

/**
 * A CommonJS package left outside the bundle (dockerode, tar-stream, fzstd), required on first use.
 * Not `import()`: the bundle runs as a vm.Script with a code cache (bin/sandcheck.js), where V8 has no
 * dynamic-import callback for cached scripts on Node 20.
 */
export function external<T>(name: 'dockerode' | 'tar-stream' | 'fzstd'): T {
  return requireHere(name) as T;
}
