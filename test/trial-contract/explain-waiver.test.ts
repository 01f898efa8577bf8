import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README: "`sandcheck explain RULE_ID` prints … how to suppress it", and a waiver's `owner` is
 * required. The waiver explain printed had no owner: copied into sandcheck.yaml, it stopped the run
 * with exit 2 (`missing required key "owner"`).
 */
const trial = builtCliWithScratch('sc-trial-contract-');

describe('the waiver explain prints', () => {
  it('is a valid sandcheck.yaml waiver once its placeholders are filled', () => {
    const r = runCli(trial.bin, ['explain', 'container-privileged']);
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('- sandcheck.yaml: a waiver'));
    expect(line).toBe('- sandcheck.yaml: a waiver `{ rule: container-privileged, target: "<glob>", reason: "…", owner: "<who>", expires: YYYY-MM-DD }`');
    const waiver = /`(\{.*\})`/.exec(line!)![1]!
      .replace('"<glob>"', '"legacy/*"')
      .replace('"…"', '"vendor image, OPS-123"')
      .replace('"<who>"', '"platform@example.com"')
      .replace('YYYY-MM-DD', '2099-12-31');
    writeFileSync(join(trial.dir, 'sandcheck.yaml'), `version: 1\nwaivers:\n  - ${waiver}\n`);
    const v = runCli(trial.bin, ['config', 'validate'], { cwd: trial.dir });
    expect([v.status, v.stdout, v.stderr]).toEqual([0, 'sandcheck.yaml: valid (1 waiver, 0 attestations)\n', '']);
  });
});

/**
 * README: "`sandcheck explain RULE_ID`" for a finding's ruleId. Findings of the checks the engine makes
 * itself (`suppression-without-reason`, `trust-boundary-unmatched`), which waivers may also name, got
 * `unknown rule` and exit 2.
 */
describe('explain knows the checks the engine makes itself', () => {
  it.each([
    ['suppression-without-reason', 'Inline suppressions must give a reason', 'Severity: low · Checklist: that of the rule the suppression names'],
    ['trust-boundary-unmatched', 'A trust boundary of sandcheck.yaml matches nothing in the scan', 'Severity: low · Checklist: `workload-isolation`'],
  ])('%s', (id, title, meta) => {
    const r = runCli(trial.bin, ['explain', id]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([`# ${id}`, '', `**${title}**`, '', `${meta} · A check sandcheck makes itself (no rule file)`]);
    expect(lines).toContain('## How to fix');
  });

  it('an id that is neither still exits 2', () => {
    const r = runCli(trial.bin, ['explain', 'no-such-check']);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'sandcheck: unknown rule "no-such-check" (see `sandcheck rules`)\n']);
  });
});
