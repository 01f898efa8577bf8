import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README (sandcheck.yaml): "An invalid file stops the run with exit 2 and every problem as
 * `file:line:col: reason`". A waiver naming an unknown rule id was reported as `file:line:` only, and
 * without the id it probably meant (a misspelt key gets one).
 */
const trial = builtCliWithScratch('sc-trial-contract-');

const CONFIG = [
  'version: 1',
  'waivers:',
  '  - rule: container-run-as-rot',
  '    target: "legacy/*"',
  '    reason: vendor image',
  '    owner: platform@example.com',
  '    expires: 2099-01-01',
  '  - rule: no-such-rule-anywhere',
  '    target: "*"',
  '    reason: r',
  '    owner: platform@example.com',
  '    expires: 2099-01-01',
  '',
].join('\n');

describe('a waiver naming an unknown rule', () => {
  it('config validate names it at file:line:col with the rule it probably meant, exit 2', () => {
    writeFileSync(join(trial.dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(trial.bin, ['config', 'validate'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0/rule: unknown rule "container-run-as-rot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
      '  sandcheck.yaml:8:5: /waivers/1/rule: unknown rule "no-such-rule-anywhere" (see `sandcheck rules`)',
    ]);
  });

  it('scan --config stops with the same lines and no report', () => {
    writeFileSync(join(trial.dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(trial.bin, ['scan', join(REPO, 'fixtures/sandboxes/hardened'), '--config', 'sandcheck.yaml', '-f', 'json'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')[0]).toBe(
      'sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0/rule: unknown rule "container-run-as-rot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
    );
  });
});

/**
 * README (Key storage): "no output, format, log line or error message contains a secret value". A
 * token pasted where a rule id goes (a waiver's `rule:`, an inline `# sandcheck-ignore`) was quoted
 * back in the error or warning.
 */
describe('a rule id that is not a name is never quoted back', () => {
  // Built at run time so that no scanner of this repository reads a token in the source.
  const GITHUB = ['ghp', '_', 'Zx9Qw3Lk7Pv2Mn8Rt5Yb1Hc6Jd4Fg0KsAbCd'].join('');
  const HEX = ['3f9c0a1b2c3d4e5f', '60718293a4b5c6d7e8f90a1b'].join('');

  it.each([GITHUB, HEX])('waiver rule %#: exit 2 at file:line:col, the value not shown', (token) => {
    writeFileSync(join(trial.dir, 'sandcheck.yaml'), `version: 1\nwaivers:\n  - rule: ${token}\n    target: "*"\n    reason: r\n    owner: o@example.com\n    expires: 2099-01-01\n`);
    const r = runCli(trial.bin, ['config', 'validate'], { cwd: trial.dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0/rule: an unknown rule that is not a rule id (not shown: it may be a value) (see `sandcheck rules`)\n',
    ]);
  });

  it('an annotation or x-sandcheck-ignore key naming a token: the warning gives its place, not the token', () => {
    writeFileSync(
      join(trial.dir, 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    ignore.sandcheck.dev/${HEX}: "x"\n    ignore.sandcheck.dev/${GITHUB}: "x"\n    ignore.sandcheck.dev/no-such-rule: "typo"\nspec:\n  containers: [{name: a, image: a}]\n`,
    );
    writeFileSync(join(trial.dir, 'compose.yaml'), `services:\n  a:\n    image: a\n    x-sandcheck-ignore:\n      ${GITHUB}: "x"\n`);
    const r = runCli(trial.bin, ['scan', 'pod.yaml', 'compose.yaml', '-c', '/dev/null', '-f', 'json'], { cwd: trial.dir });
    expect(r.stderr.split('\n').filter((l) => l.includes('suppression'))).toEqual([
      'sandcheck: warning: pod.yaml:6: suppression names an unknown rule that is not a rule id (not shown: it may be a value); it suppresses nothing',
      'sandcheck: warning: pod.yaml:7: suppression names an unknown rule that is not a rule id (not shown: it may be a value); it suppresses nothing',
      'sandcheck: warning: pod.yaml:8: suppression names unknown rule "no-such-rule"; it suppresses nothing',
      'sandcheck: warning: compose.yaml:5: suppression names an unknown rule that is not a rule id (not shown: it may be a value); it suppresses nothing',
    ]);
    expect(r.stderr).not.toContain(HEX.slice(0, 8));
    expect(r.stderr).not.toContain(GITHUB.slice(4, 12));
  });
});

describe('an egress address that is not one is never quoted back', () => {
  const GITHUB = ['ghp', '_', 'Zx9Qw3Lk7Pv2Mn8Rt5Yb1Hc6Jd4Fg0KsAbCd'].join('');

  it('a token in egress.allow[].cidr: exit 2 at file:line:col, the value not shown; a mistyped address is still quoted', () => {
    writeFileSync(join(trial.dir, 'sandcheck.yaml'), `version: 1\negress:\n  allow:\n    - cidr: ${GITHUB}\n      ports: [443]\n  dns:\n    resolvers: [300.1.1.1]\n`);
    const r = runCli(trial.bin, ['config', 'validate'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain(GITHUB.slice(4, 12));
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'sandcheck: invalid config sandcheck.yaml:4:7: /egress/allow/0/cidr: must match pattern "^[0-9a-fA-F:.]+(/\\d{1,3})?$"',
      '  sandcheck.yaml:4:7: /egress/allow/0/cidr: not an IPv4 (a.b.c.d) or IPv6 address, nor a CIDR block (the value is not shown: it does not read as an address)',
      '  sandcheck.yaml:7:17: /egress/dns/resolvers/0: "300.1.1.1" is not an IPv4 (a.b.c.d) or IPv6 address',
    ]);
  });
});
