import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli, runCli } from '../workflow/cli.js';

/**
 * README (Exit codes): exit 2 for "bad config or baseline", named with the reason. An unreadable
 * --baseline or --config was reported with Node's errno code (`ENOENT`, `EISDIR`), not a reason in
 * words as an output file that cannot be written is (`is a folder`, `permission denied`).
 */
let cli: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
const HARDENED = join(REPO, 'fixtures/sandboxes/hardened');
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-trial-contract-'));
  mkdirSync(join(dir, 'a-folder.json'));
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an unreadable --baseline or --config: exit 2, the reason in words, no report', () => {
  it.each([
    [['--baseline', 'missing.json'], 'sandcheck: invalid baseline missing.json: cannot read the baseline: no such file or folder\n'],
    [['--baseline', 'a-folder.json'], 'sandcheck: invalid baseline a-folder.json: cannot read the baseline: is a folder, not a file\n'],
    [['--config', 'a-folder.json'], 'sandcheck: invalid config a-folder.json: cannot read: is a folder, not a file\n'],
  ])('scan %j', (args, stderr) => {
    const r = runCli(cli.bin, ['scan', HARDENED, '-f', 'json', ...args], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', stderr]);
  });
});

/**
 * README: "`-o, --output FILE` … (missing folders are created, as for `--format FORMAT=FILE`)", and
 * docs/ci-and-workflow.md: "`--write-baseline` does not change the exit code of the run". A baseline
 * path in a folder not yet made (`.sandcheck/baseline.json`) ended a passing run with exit 2 and
 * `cannot write the baseline: ENOENT`.
 */
describe('--write-baseline', () => {
  it('creates missing folders and keeps the exit code of the run', () => {
    const r = runCli(cli.bin, ['scan', HARDENED, '--config', join(HARDENED, 'sandcheck.yaml'), '-q', '--write-baseline', '.sandcheck/ci/baseline.json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('sandcheck: wrote 0 findings to the baseline .sandcheck/ci/baseline.json\n');
    expect(existsSync(join(dir, '.sandcheck/ci/baseline.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '.sandcheck/ci/baseline.json'), 'utf8'))).toMatchObject({ format: 'sandcheck-baseline', version: 1, findings: [] });
  });

  it('a path that cannot be written: exit 2 with the reason in words', () => {
    const r = runCli(cli.bin, ['scan', HARDENED, '--config', join(HARDENED, 'sandcheck.yaml'), '-q', '--write-baseline', 'a-folder.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sandcheck: a-folder.json: cannot write the baseline: is a folder, not a file\n');
  });
});
