import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README: "`-q, --quiet` Only failing items, their failing findings, errors and the summary", and
 * "when every report goes to a file, the summary line goes to stderr". With --quiet and every report
 * in a file, a failing run printed nothing at all: a CI log with exit 1 and no line saying why.
 */
const trial = builtCliWithScratch('sc-trial-contract-');

describe('--quiet with every report in a file', () => {
  it('still prints the summary line on stderr, and nothing on stdout', () => {
    const r = runCli(trial.bin, ['scan', join(REPO, 'fixtures/sandboxes/leaky'), '-q', '--format', 'sarif=out/s.sarif', '--format', 'json=out/r.json'], { cwd: trial.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'sandcheck: FAIL: 53 failing findings (9 critical, 32 high, 12 medium), 4 warnings, 0 suppressed; checklist: 7 fail, 1 not assessed; 5 inputs parsed. Exit code 1. Reports: out/s.sarif, out/r.json\n',
    );
  });
});
