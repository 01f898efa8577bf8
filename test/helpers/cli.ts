import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './fixtures.js';
import { parseErrorWithoutExcerpt, redactedHead } from './redaction.js';

export const BIN = join(ROOT, 'bin', 'sandcheck.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (npm test builds dist/ first). */
export function sandcheck(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The report on stdout. When it is not JSON the error says why and shows only the redacted head of
 * stdout (test/helpers/redaction.ts): output of a scan may hold a secret the test planted, and a
 * failing test must not print it (stderr is not shown at all). `secrets` names the planted values.
 */
export function json<T = Record<string, any>>(r: CliResult, secrets: readonly string[] = []): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch (err) {
    const why = parseErrorWithoutExcerpt((err as Error).message);
    throw new Error(`stdout is not JSON (exit ${r.code}): ${why}; it begins ${JSON.stringify(redactedHead(r.stdout, 200, secrets))} (stderr not shown)`);
  }
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sandcheck-test-'));
}
