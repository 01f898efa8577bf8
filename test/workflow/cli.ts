import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles the CLI from src/ into a private folder under node_modules/.cache (the package root is
 * still found by walking up; dist/ is not used because the build wipes it): the tests exercise the
 * code in the tree, never a stale dist/, and parallel test files do not share a bundle.
 */
export async function buildCli(): Promise<{ bin: string; cleanup(): void }> {
  const cache = join(REPO, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'sandcheck-test-'));
  const bin = join(dir, 'sandcheck.mjs');
  await build({
    entryPoints: [join(REPO, 'src/cli/main.ts')],
    outfile: bin,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['dockerode', '@kubernetes/client-node', 'fzstd', 'tar-stream'],
    banner: { js: "import { createRequire as __scCreateRequire } from 'node:module'; const require = __scCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For one test file: the CLI bundled once (buildCli) and a scratch folder, both made before its tests
 * and removed after them. Read `bin` and `dir` inside tests (they are set by then).
 */
export function builtCliWithScratch(prefix: string): { readonly bin: string; readonly dir: string } {
  let cli: Awaited<ReturnType<typeof buildCli>> | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    cli = await buildCli();
    dir = mkdtempSync(join(tmpdir(), prefix));
  }, 60_000);
  afterAll(() => {
    cli?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get bin() {
      return cli!.bin;
    },
    get dir() {
      return dir!;
    },
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const env = { ...process.env, ...opts.env };
  // The run must not see the CI's own step summary unless a test sets it.
  if (!opts.env || !('GITHUB_STEP_SUMMARY' in opts.env)) delete env.GITHUB_STEP_SUMMARY;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? REPO, env, input: opts.input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
