import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { parseConfig } from '../../src/config/load.js';
import type { Report } from '../../src/model/finding.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { scan, tempTrees } from './helpers.js';

const r = rng(3301);
const tree = tempTrees('sc-ignore-reuse-');

function pod(ns: string, key: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: ${ns}
spec:
  containers:
    - name: worker
      image: registry.internal/worker@sha256:${'d4'.repeat(32)}
      env:
        - name: ANTHROPIC_ENVIRONMENT_KEY
          value: "${key}"
`;
}

const line = (rep: Report, rule: string, suppressed: boolean) =>
  rep.findings
    .filter((f) => f.ruleId === rule && !!f.suppressed === suppressed)
    .map((f) => `${f.location.file}:${f.location.line}`)
    .sort();

describe('secrets.ignore accepts a literal, not one key shared by two trust boundaries', () => {
  const key = tokens.environmentKey(r);
  const config = (extra = '') => `secrets:\n  ignore:\n    - fingerprint: "${fingerprint(key)}"\n      reason: fixture value of the integration tests\n${extra}`;

  it('the literal findings are suppressed; the reuse across namespaces still fails, and its message says the ignore does not cover sharing', async () => {
    const dir = tree({ 'blue.yaml': pod('blue', key), 'red.yaml': pod('red', key) });
    const rep = await scan(dir, parseConfig(config(), join(dir, 'sandcheck.yaml')));
    expectNotPrinted(JSON.stringify(rep), [key]);
    expect(line(rep, 'secret-environment-key-literal', true)).toEqual(['blue.yaml:12', 'red.yaml:12']);
    expect(line(rep, 'secret-environment-key-literal', false)).toEqual([]);
    expect(line(rep, 'secret-key-shared-across-boundaries', false)).toEqual(['blue.yaml:12', 'red.yaml:12']);
    expect(line(rep, 'secret-key-shared-across-boundaries', true)).toEqual([]);
    const shared = rep.findings.find((f) => f.ruleId === 'secret-key-shared-across-boundaries')!;
    expect(shared.message).toContain(`secrets.ignore accepts ${fingerprint(key)} as a literal (fixture value of the integration tests), not shared across trust boundaries`);
    expect(rep.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('fail');
  });

  it('a waiver on secret-key-shared-across-boundaries is how sharing is accepted', async () => {
    const dir = tree({ 'blue.yaml': pod('blue', key), 'red.yaml': pod('red', key) });
    const waiver = `waivers:\n  - rule: secret-key-shared-across-boundaries\n    target: "*"\n    reason: both namespaces are CI fixtures\n    owner: qa@example.com\n    expires: 2027-06-30\n`;
    const rep = await scan(dir, parseConfig(config(waiver), join(dir, 'sandcheck.yaml')));
    expect(line(rep, 'secret-key-shared-across-boundaries', false)).toEqual([]);
    expect(line(rep, 'secret-key-shared-across-boundaries', true)).toEqual(['blue.yaml:12', 'red.yaml:12']);
    expect(rep.checklist.find((c) => c.id === 'workload-isolation')!.verdict).not.toBe('fail');
  });

  it('at the CLI: exit 1, the key in no output format', () => {
    const dir = tree({ 'blue.yaml': pod('blue', key), 'red.yaml': pod('red', key) });
    writeFileSync(join(dir, 'sandcheck.yaml'), config());
    for (const format of ['text', 'sarif', 'markdown', 'junit']) {
      const res = sandcheck(['scan', '.', '-f', format], { cwd: dir });
      expectNotPrinted(res.stdout + res.stderr, [key]);
      expect(res.code).toBe(1);
    }
    const res = sandcheck(['scan', '.', '-f', 'json'], { cwd: dir });
    const report = json<Report>(res, [key]);
    expect(report.findings.filter((f) => !f.suppressed && (f.checklist === 'key-storage' || f.checklist === 'workload-isolation')).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort()).toEqual([
      'secret-key-shared-across-boundaries blue.yaml:12',
      'secret-key-shared-across-boundaries red.yaml:12',
    ]);
    expect(res.code).toBe(1);
  });
});
