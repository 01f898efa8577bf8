import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli, runCli } from '../workflow/cli.js';

/**
 * An invalid sandcheck.yaml is reported whole in one run: schema errors and waivers naming unknown rules
 * together, each at its file:line, exit 2 — from `config validate` and from `scan --config` alike.
 * (Unknown rule ids used to be checked only once the file was otherwise valid: a second run showed them.)
 */
let cli: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-config-problems-'));
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const waiver = (rule: string, extra = '') => `  - rule: ${rule}\n    target: "*"\n    reason: accepted\n    owner: a@example.com\n    expires: 2099-01-01\n${extra}`;

const BROKEN = [
  'waivers:',
  waiver('container-run-as-rooot').trimEnd(), // 2: unknown rule
  waiver('container-privileged', '    reasn: typo\n').trimEnd(), // 7: valid rule, unknown key at 12
  waiver('no-such-rule').trimEnd(), // 13: unknown rule
  'keys:',
  '  maxAgeDays: 0', // 19: below the minimum
  'version: 2', // 20: not the one version there is
  '',
].join('\n');

const EXPECTED = [
  'sandcheck: invalid config sandcheck.yaml:2:5: /waivers/0/rule: unknown rule "container-run-as-rooot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
  '  sandcheck.yaml:12:5: /waivers/1: unknown key "reasn" (did you mean "reason"?)',
  '  sandcheck.yaml:13:5: /waivers/2/rule: unknown rule "no-such-rule" (see `sandcheck rules`)',
  '  sandcheck.yaml:19:3: /keys/maxAgeDays: must be >= 1',
  '  sandcheck.yaml:20:1: /version: must be 1',
];

describe('every problem of sandcheck.yaml in one run', () => {
  it('config validate lists schema errors and unknown rule ids together, in line order, exit 2', () => {
    writeFileSync(join(dir, 'sandcheck.yaml'), BROKEN);
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it('scan --config lists the same problems, exit 2, and writes no report', () => {
    writeFileSync(join(dir, 'sandcheck.yaml'), BROKEN);
    const r = runCli(cli.bin, ['scan', join(REPO, 'fixtures/sandboxes/hardened'), '--config', 'sandcheck.yaml', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it('unknown rule ids alone are still every problem listed (not only the first)', () => {
    writeFileSync(join(dir, 'only-rules.yaml'), ['waivers:', waiver('container-run-as-rooot').trimEnd(), waiver('no-such-rule').trimEnd(), ''].join('\n'));
    const r = runCli(cli.bin, ['config', 'validate', 'only-rules.yaml'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'sandcheck: invalid config only-rules.yaml:2:5: /waivers/0/rule: unknown rule "container-run-as-rooot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
      '  only-rules.yaml:7:5: /waivers/1/rule: unknown rule "no-such-rule" (see `sandcheck rules`)',
    ]);
  });

  it('the same waivers with known rule ids validate', () => {
    writeFileSync(join(dir, 'sandcheck.yaml'), ['waivers:', waiver('container-privileged').trimEnd(), ''].join('\n'));
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'sandcheck.yaml: valid (1 waiver, 0 attestations)\n', '']);
  });
});
