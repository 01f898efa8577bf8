import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

// `trustBoundaries[].paths` globs are relative to the folder of the sandcheck.yaml that declares them,
// so a run from another working directory judges the same boundaries (a new-user trial found them
// silently matching nothing there).
describe('trust boundaries by path', () => {
  const key = tokens.environmentKey(rng(11));
  const dir = mkdtempSync(join(tmpdir(), 'sandcheck-tb-'));
  for (const t of ['red', 'blue']) {
    mkdirSync(join(dir, t));
    writeFileSync(join(dir, t, '.env'), `ANTHROPIC_ENVIRONMENT_KEY=${key}\n`);
  }
  writeFileSync(join(dir, 'sandcheck.yaml'), 'trustBoundaries:\n  - name: red\n    paths: ["red/**"]\n  - name: blue\n    paths: ["blue/**"]\n');

  const reuse = (r: ReturnType<typeof sandcheck>) =>
    json<{ findings: { ruleId: string; location: { file: string; line: number } }[]; checklist: { id: string; verdict: string }[] }>(r);

  it.each([
    ['from the folder of sandcheck.yaml', dir, ['.']],
    ['from another working directory, with --config', undefined, [dir, '--config', join(dir, 'sandcheck.yaml')]],
  ])('%s', (_, cwd, args) => {
    const r = sandcheck(['scan', ...(args as string[]), '--format', 'json'], cwd ? { cwd } : {});
    expectNotPrinted(r.stdout + r.stderr, [key]);
    expect(r.code).toBe(1);
    const report = reuse(r);
    const prefix = cwd ? '' : `${dir}/`;
    expect(report.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries').map((f) => `${f.location.file}:${f.location.line}`)).toEqual([`${prefix}blue/.env:1`, `${prefix}red/.env:1`]);
    expect(report.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('fail');
  });
});
