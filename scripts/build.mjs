// Bundles the CLI into one ESM file: one file loads faster than hundreds of modules, which keeps
// `sandcheck scan` of a small file close to the cost of starting Node (see bench/startup).
// Heavy clients stay external and are imported lazily by the commands that need them.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/sandcheck.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: ['dockerode', '@kubernetes/client-node', 'fzstd', 'tar-stream'],
  banner: { js: "import { createRequire as __scCreateRequire } from 'node:module'; const require = __scCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
