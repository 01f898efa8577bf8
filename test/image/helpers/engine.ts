import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/fixtures.js';

/**
 * A Docker engine for tests: SANDCHECK_TEST_DOCKER_HOST (set by .ci/run) if set, else the private engine of
 * scripts/docker-test-engine.sh (started here if needed; .ci/run stops it). Where none can be started
 * the tests are skipped with the reason printed — except under CI, where that is a failure.
 */
export interface TestEngine {
  host: string | null;
  reason: string;
  env: NodeJS.ProcessEnv;
}

let cached: TestEngine | undefined;

export function testEngine(): TestEngine {
  if (cached) return cached;
  const explicit = process.env['SANDCHECK_TEST_DOCKER_HOST'] || process.env['SANDCHECK_DOCKER_HOST'];
  let host: string | null = null;
  let reason = '';
  if (explicit) host = explicit;
  else if (process.env['SANDCHECK_NO_DOCKER']) reason = 'SANDCHECK_NO_DOCKER is set';
  else {
    const r = spawnSync('bash', [join(ROOT, 'scripts', 'docker-test-engine.sh'), 'start'], { encoding: 'utf8', timeout: 90_000 });
    if (r.status === 0) host = r.stdout.trim().split('\n').pop()!;
    else reason = `no Docker engine: ${(r.stderr || r.error?.message || 'docker-test-engine.sh failed').trim().split('\n')[0]}`;
  }
  if (host && !hasCli('docker')) {
    reason = 'the docker CLI is not installed (run .ci/setup-docker.sh)';
    host = null;
  }
  if (!host) {
    if (process.env['CI']) throw new Error(`Docker engine tests must run in CI, but ${reason}`);
    process.stderr.write(`[sandcheck tests] skipping Docker engine tests: ${reason}\n`);
  }
  cached = { host, reason, env: { ...process.env, DOCKER_HOST: host ?? '' } };
  return cached;
}

function hasCli(name: string): boolean {
  return spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0;
}

export function docker(engine: TestEngine, args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): string {
  return execFileSync('docker', args, { env: engine.env, encoding: 'utf8', input: opts.input, cwd: opts.cwd, timeout: 180_000, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Asynchronous, so that a server in this process (for `ADD http://…`) can answer the daemon meanwhile. */
export async function dockerAsync(engine: TestEngine, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('docker', args, { env: engine.env, encoding: 'utf8', timeout: 180_000, maxBuffer: 1 << 28 });
  return stdout;
}

/** Builds an image FROM scratch with the static busybox; `files` go into the build context. */
export async function buildImage(engine: TestEngine, dir: string, tag: string, dockerfile: string, files: Record<string, string> = {}, buildArgs: Record<string, string> = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(busybox(), join(dir, 'busybox'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const args = ['build', '-q', '--network=none', '-t', tag];
  for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
  await dockerAsync(engine, [...args, dir]);
}

export function busybox(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p)) return p;
  throw new Error('busybox-static is not installed (run .ci/setup-docker.sh)');
}

export function hasSkopeo(): boolean {
  return hasCli('skopeo');
}
