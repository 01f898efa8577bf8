import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README (Exit codes): exit 2 for "bad config or baseline", named with the reason. An unreadable
 * --baseline or --config was reported with Node's errno code (`ENOENT`, `EISDIR`), not a reason in
 * words as an output file that cannot be written is (`is a folder`, `permission denied`).
 */
const HARDENED = join(REPO, 'fixtures/sandboxes/hardened');
const trial = builtCliWithScratch('sc-trial-contract-');
beforeAll(() => {
  mkdirSync(join(trial.dir, 'a-folder.json'));
});

describe('an unreadable --baseline or --config: exit 2, the reason in words, no report', () => {
  it.each([
    [['--baseline', 'missing.json'], 'sandcheck: invalid baseline missing.json: cannot read the baseline: no such file or folder\n'],
    [['--baseline', 'a-folder.json'], 'sandcheck: invalid baseline a-folder.json: cannot read the baseline: is a folder, not a file\n'],
    [['--config', 'a-folder.json'], 'sandcheck: invalid config a-folder.json: cannot read: is a folder, not a file\n'],
  ])('scan %j', (args, stderr) => {
    const r = runCli(trial.bin, ['scan', HARDENED, '-f', 'json', ...args], { cwd: trial.dir });
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
    const r = runCli(trial.bin, ['scan', HARDENED, '--config', join(HARDENED, 'sandcheck.yaml'), '-q', '--write-baseline', '.sandcheck/ci/baseline.json'], { cwd: trial.dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('sandcheck: wrote 0 findings to the baseline .sandcheck/ci/baseline.json\n');
    expect(existsSync(join(trial.dir, '.sandcheck/ci/baseline.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(trial.dir, '.sandcheck/ci/baseline.json'), 'utf8'))).toMatchObject({ format: 'sandcheck-baseline', version: 1, findings: [] });
  });

  it('a path that cannot be written: exit 2 with the reason in words', () => {
    const r = runCli(trial.bin, ['scan', HARDENED, '--config', join(HARDENED, 'sandcheck.yaml'), '-q', '--write-baseline', 'a-folder.json'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sandcheck: a-folder.json: cannot write the baseline: is a folder, not a file\n');
  });
});
