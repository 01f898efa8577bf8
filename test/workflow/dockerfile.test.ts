import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli, runCli } from './cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.cleanup());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'testsuite' || n === 'testcase' });

/** (rule, outcome) for every evaluation of the Dockerfile, read back from the JUnit report. */
function evaluations(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of parser.parse(xml).testsuites.testsuite) {
    for (const c of s.testcase ?? []) {
      if (s['@name'] === 'inputs') continue;
      const rule = String(c['@classname']).split('.')[1]!;
      out.set(rule, c.failure ? 'fail' : c.error ? 'error' : c.skipped ? 'not-applicable' : 'pass');
    }
  }
  return out;
}

describe("sandcheck's own Dockerfile", () => {
  it('passes its own audit, with the Dockerfile rules actually applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-self-'));
    const r = runCli(cli.bin, ['scan', 'Dockerfile', '--format', 'text', '--format', `junit=${join(dir, 'r.xml')}`, '--format', `json=${join(dir, 'r.json')}`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.inputs).toHaveLength(1);
    expect(report.inputs[0]).toMatchObject({ path: 'Dockerfile', format: 'dockerfile', status: 'parsed' });
    expect(report.findings).toEqual([]);
    const evals = evaluations(readFileSync(join(dir, 'r.xml'), 'utf8'));
    // The hardening the Dockerfile claims, each checked by a rule that applied and passed.
    for (const rule of ['dockerfile-user-root', 'dockerfile-from-unpinned', 'dockerfile-add-remote', 'dockerfile-curl-pipe-shell']) expect([rule, evals.get(rule)]).toEqual([rule, 'pass']);
    // and every other rule that judges a Dockerfile: the secret rules pass, the cross-input ones do not apply.
    expect(Object.fromEntries(evals)).toEqual({
      'dockerfile-user-root': 'pass',
      'dockerfile-from-unpinned': 'pass',
      'dockerfile-add-remote': 'pass',
      'dockerfile-curl-pipe-shell': 'pass',
      'secret-anthropic-key-literal': 'pass',
      'secret-build-arg': 'pass',
      'secret-environment-key-literal': 'pass',
      'secret-generic-literal': 'pass',
      'secret-provider-token': 'pass',
      'secret-rotation-overdue': 'not-applicable',
      'secret-key-shared-across-boundaries': 'not-applicable',
    });
  });

  it('the same rules fail when the hardening is taken out (the check is not vacuous)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-self-'));
    const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8')
      .replace(/^USER 10001:10001$/m, '')
      .replace(/@sha256:[0-9a-f]{64}/, '');
    writeFileSync(join(dir, 'Dockerfile'), text);
    const r = runCli(cli.bin, ['scan', 'Dockerfile', '--format', 'json'], { cwd: dir });
    expect(r.status).toBe(1);
    const rules = new Set(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId));
    expect(rules.has('dockerfile-user-root')).toBe(true);
    expect(rules.has('dockerfile-from-unpinned')).toBe(true);
  });

  it('ships only what the build needs into the build context', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.slice(1).sort()).toEqual(['!bin/', '!package-lock.json', '!package.json', '!rules/', '!scripts/build.mjs', '!src/']);
  });
});
