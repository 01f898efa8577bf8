import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli, runCli } from '../workflow/cli.js';

/**
 * README (sandcheck.yaml): "An invalid file stops the run with exit 2 and every problem as
 * `file:line:col: reason`". A waiver naming an unknown rule id was reported as `file:line:` only, and
 * without the id it probably meant (a misspelt key gets one).
 */
let cli: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-trial-contract-'));
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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
    writeFileSync(join(dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(cli.bin, ['config', 'validate'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0/rule: unknown rule "container-run-as-rot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
      '  sandcheck.yaml:8:5: /waivers/1/rule: unknown rule "no-such-rule-anywhere" (see `sandcheck rules`)',
    ]);
  });

  it('scan --config stops with the same lines and no report', () => {
    writeFileSync(join(dir, 'sandcheck.yaml'), CONFIG);
    const r = runCli(cli.bin, ['scan', join(REPO, 'fixtures/sandboxes/hardened'), '--config', 'sandcheck.yaml', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')[0]).toBe(
      'sandcheck: invalid config sandcheck.yaml:3:5: /waivers/0/rule: unknown rule "container-run-as-rot" (did you mean "container-run-as-root"? see `sandcheck rules`)',
    );
  });
});
