// Bundles the CLI with esbuild into one CommonJS file, dist/sandcheck.cjs, and records a V8 code cache
// for it: `sandcheck scan` of a small file then costs little more than starting Node (bench/startup).
// bin/sandcheck.js loads the bundle with that cache (see there). Heavy clients stay external and are
// imported lazily by the commands that need them; yaml, ajv and dockerfile-ast are pre-bundled into
// dist/vendor/ and required on first use (src/util/vendor.ts).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { devNull } from 'node:os';

// Built into a fresh folder and swapped in at the end, so a CLI started meanwhile (a test, another
// terminal) never sees a half-written dist/ and stale files never survive.
const out = `dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });

// commander requires child_process at load for executable sub-commands, which sandcheck does not
// use: give it a stand-in that loads the real module only if a property is ever read.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

// bin/sandcheck.js and src/util/code-cache.ts compile the bundle and the precompiled rules as the
// function Node's CommonJS loader would wrap them in (Module.wrap). Written into the files here, so
// that the launcher does not concatenate: V8 would flatten that into a second copy of the source,
// ~140 more page faults and one more scavenge per run.
const WRAPPER = { head: '(function (exports, require, module, __filename, __dirname) { ', tail: '\n});' };

const main = await build({
  entryPoints: ['src/cli/main.ts'],
  plugins: [lazyChildProcess],
  outfile: `${out}/sandcheck.cjs`,
  metafile: true,
  minify: true,
  bundle: true,
  platform: 'node',
  // CommonJS, not ESM: V8's code cache applies to a vm.Script, and Node 20 has no module compile cache.
  // Code behind a dynamic import() (image, docker, egress, extra report formats) stays in the file but
  // is initialised only by the commands that use it.
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  external: ['dockerode', '@kubernetes/client-node', 'fzstd', 'tar-stream'],
  define: { __SANDCHECK_BUNDLED__: 'true', 'import.meta.url': '__sandcheckUrl' },
  // The file is the CommonJS wrapper function itself (see WRAPPER), opened here and closed by the footer.
  banner: { js: `${WRAPPER.head}const __sandcheckUrl = require('node:url').pathToFileURL(__filename).href;` },
  footer: { js: WRAPPER.tail },
  logLevel: 'warning',
});
// An ASCII file reads into a one-byte string, and the launcher decodes it as latin1 (no UTF-8 validation);
// a single other character (esbuild keeps them in regular expression literals) would double the source
// in memory, or be misread.
function assertAscii(file) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at >= 0) {
    console.error(`build: ${file.replace(out, 'dist')} is not ASCII near \u00ab${bytes.subarray(Math.max(0, at - 60), at + 20).toString('utf8')}\u00bb: write the character as \\uXXXX in the source`);
    process.exit(1);
  }
}
assertAscii(`${out}/sandcheck.cjs`);
// What the bundle holds, for start-up work (`node scripts/bundle-report.mjs`); not shipped.
mkdirSync('node_modules/.cache', { recursive: true });
writeFileSync('node_modules/.cache/sandcheck-bundle-meta.json', JSON.stringify(main.metafile));

// One minified CommonJS file per lazily loaded library (src/vendor/*.cjs are their entries).
for (const entry of readdirSync('src/vendor').filter((f) => f.endsWith('.cjs'))) {
  await build({ entryPoints: [`src/vendor/${entry}`], outfile: `${out}/vendor/${entry}`, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
}

// Built-in rules compiled once here (definitions + ajv standalone validators); see src/engine/precompiled.ts.
// A rule that does not load fails the build with file:line, like it fails a scan.
const cli = (args) => execFileSync(process.execPath, ['bin/sandcheck.js', ...args], { encoding: 'utf8', env: { ...process.env, SANDCHECK_DIST: out } });
try {
  cli(['precompile-rules', `${out}/builtin-rules.raw.cjs`]);
  // The generated validators require ajv's runtime helpers and formats: bundled in, so loading them is one file.
  await build({ entryPoints: [`${out}/builtin-rules.raw.cjs`], outfile: `${out}/builtin-rules.cjs`, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', banner: { js: WRAPPER.head }, footer: { js: WRAPPER.tail } });
  rmSync(`${out}/builtin-rules.raw.cjs`);
  assertAscii(`${out}/builtin-rules.cjs`);
} catch {
  console.error('build: the built-in rules did not compile (see above); sandcheck will compile them at run time');
}

// The JSON Schema of sandcheck.yaml ships in the package for editors and CI (`sandcheck config schema` prints the same text).
writeFileSync(`${out}/sandcheck.schema.json`, cli(['config', 'schema']));

const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });

// The code caches: V8 records every function compiled during a typical scan (Kubernetes, compose and
// Dockerfile inputs, JSON and text reports), so later runs skip parsing and compiling them. Recorded
// from dist/ itself, because a cache keeps the script's path (stack traces would name the build
// folder); each is renamed into place at exit, and until then runs simply compile.
if (existsSync('fixtures/sandboxes/leaky')) {
  // Not in the published package: no cache there, same behaviour.
  try {
    execFileSync(process.execPath, ['bin/sandcheck.js', 'scan', 'fixtures/sandboxes/leaky', '--format', 'json', '--format', `text=${devNull}`], {
      env: { ...process.env, SANDCHECK_WRITE_CODE_CACHE: '1', NO_COLOR: '1' },
      stdio: 'ignore',
    });
  } catch (err) {
    // The leaky example fails its audit (exit 1): expected. Anything else means the bundle is broken.
    if (err.status !== 1) {
      console.error(`build: the bundle failed its recording run (exit ${err.status}); run \`node bin/sandcheck.js scan fixtures/sandboxes/leaky\``);
      rmSync('dist/sandcheck.cjs.cache', { force: true });
      rmSync('dist/builtin-rules.cjs.cache', { force: true });
      process.exitCode = 1;
    }
  }
}
