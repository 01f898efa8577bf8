import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/**
 * Requires a CommonJS file of the build (dist/builtin-rules.cjs) with the V8 code cache recorded
 * next to it (`<file>.cache`), as bin/sandcheck.js does for the bundle: compiling the ~80 KB of
 * precompiled validators cost ~13 ms of every run. A cache V8 rejects (another Node version or other
 * flags) only means compiling as usual. The build's recording run (SANDCHECK_WRITE_CODE_CACHE, see
 * scripts/build.mjs) writes the cache when the process exits.
 */
export function requireWithCodeCache(file: string): unknown {
  const source = readFileSync(file, 'latin1'); // ASCII, checked by the build (as the bundle)
  const recording = process.env.SANDCHECK_WRITE_CODE_CACHE === '1';
  let cachedData: Buffer | undefined;
  if (!recording) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      // no cache: compile as usual
    }
  }
  // Wrapped by the build as Module.wrap would (scripts/build.mjs, WRAPPER): no second copy of the source.
  if (!source.startsWith('(function (exports, require, module, __filename, __dirname) { ')) throw new Error(`${file} is from an older build`);
  const script = new vm.Script(source, { filename: file, cachedData });
  if (recording) {
    process.on('exit', () => {
      const tmp = `${file}.cache.tmp-${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, `${file}.cache`);
    });
  }
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
