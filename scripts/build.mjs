// Bundles the CLI with esbuild: one main file loads faster than hundreds of modules, which keeps
// `sandcheck scan` of a small file close to the cost of starting Node (see bench/startup).
// Heavy clients stay external and are imported lazily by the commands that need them.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';

// Built into a fresh folder and swapped in at the end, so a CLI started meanwhile (a test, another
// terminal) never sees a half-written dist/ and stale chunks never survive.
const out = `dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: { sandcheck: 'src/cli/main.ts' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  // Code behind a dynamic import() (image, docker, egress, extra report formats) becomes its own chunk,
  // parsed only by the commands that use it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: ['dockerode', '@kubernetes/client-node', 'fzstd', 'tar-stream'],
  banner: { js: "import { createRequire as __scCreateRequire } from 'node:module'; const require = __scCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// Built-in rules compiled once here (definitions + ajv standalone validators); see src/engine/precompiled.ts.
// A rule that does not load fails the build with file:line, like it fails a scan.
const { execFileSync } = await import('node:child_process');
try {
  execFileSync(process.execPath, [`${out}/sandcheck.mjs`, 'precompile-rules', `${out}/builtin-rules.cjs`], { stdio: 'inherit' });
} catch {
  console.error('build: the built-in rules did not compile (see above); sandcheck will compile them at run time');
}

const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });

// The JSON Schema of sandcheck.yaml ships in the package for editors and CI (`sandcheck config schema` prints the same text).
const { writeFileSync } = await import('node:fs');
writeFileSync('dist/sandcheck.schema.json', execFileSync(process.execPath, ['bin/sandcheck.js', 'config', 'schema'], { encoding: 'utf8' }));
