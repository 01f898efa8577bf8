#!/usr/bin/env node
// Starts the bundled CLI, dist/sandcheck.cjs, with the V8 code cache the build recorded for it
// (dist/sandcheck.cjs.cache): the functions a scan runs are then neither parsed nor compiled again.
// V8 rejects a cache made by another Node version or with other flags; the bundle then compiles as usual.
// CommonJS (bin/package.json): an ES module entry would load Node's ESM loader, ~20 internal modules.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// SANDCHECK_DIST: the build runs the bundle it is making from its temporary folder.
const dist = process.env.SANDCHECK_DIST ? resolve(process.env.SANDCHECK_DIST) : join(__dirname, '..', 'dist');
const bundle = join(dist, 'sandcheck.cjs');
const cacheFile = `${bundle}.cache`;

let source;
try {
  // The build checks that the bundle is ASCII: latin1 decodes it as utf8 would, without validating.
  source = readFileSync(bundle, 'latin1');
} catch (err) {
  if (err && err.code === 'ENOENT') process.stderr.write('sandcheck: the CLI is not built; run `npm install` (or `npm run build`) in the package folder\n');
  else process.stderr.write(`sandcheck: cannot read ${bundle}: ${err && err.message}\n`);
  process.exit(2);
}
// The build writes the bundle as the function Module.wrap would make of it (scripts/build.mjs, WRAPPER):
// compiling it needs no concatenated second copy of the source.
if (!source.startsWith('(function (exports, require, module, __filename, __dirname) { ')) {
  process.stderr.write(`sandcheck: ${bundle} is from an older build; run \`npm run build\` in the package folder\n`);
  process.exit(2);
}

// SANDCHECK_WRITE_CODE_CACHE=1: the build's recording run (scripts/build.mjs); the cache is written at
// exit, renamed into place so that no run reads half a file (src/util/code-cache.ts does the same for
// the precompiled rules).
const recording = process.env.SANDCHECK_WRITE_CODE_CACHE === '1';
let cachedData;
if (!recording) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache: compile as usual
  }
}

try {
  const script = new vm.Script(source, { filename: bundle, cachedData });
  if (recording) {
    process.on('exit', () => {
      writeFileSync(`${cacheFile}.tmp-${process.pid}`, script.createCachedData());
      renameSync(`${cacheFile}.tmp-${process.pid}`, cacheFile);
    });
  }
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, dist);
} catch (err) {
  process.stderr.write(`sandcheck: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.exit(2);
}
