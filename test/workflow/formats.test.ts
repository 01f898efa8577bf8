import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidSarif, multitoolPath } from '../report/helpers.js';
import { REPO, buildCli, runCli } from './cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
let out: string;
beforeAll(async () => {
  cli = await buildCli();
  out = mkdtempSync(join(tmpdir(), 'sandcheck-formats-'));
});
afterAll(() => cli?.cleanup());

const mt = multitoolPath();
if (!mt.path) console.warn(`SARIF Multitool checks skipped: ${mt.why}`);


describe('--format with destinations', () => {
  it('writes text to stdout and sarif, junit, markdown and json to their files in one run', () => {
    const f = (n: string) => join(out, `multi-${n}`);
    const r = runCli(cli.bin, ['scan', 'fixtures/workflow/leaky', '--format', 'text', '--format', `sarif=${f('r.sarif')}`, '--format', `junit=${f('r.xml')}`, '--format', `markdown=${f('s.md')}`, '--format', `json=${f('r.json')}`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL\s+image-hardening/m);
    const json = JSON.parse(readFileSync(f('r.json'), 'utf8'));
    const sarif = expectValidSarif(readFileSync(f('r.sarif'), 'utf8'));
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(json.findings.length);
    const privileged = results.find((x: any) => x.ruleId === 'container-privileged' && x.locations[0].physicalLocation.artifactLocation.uri === 'fixtures/workflow/leaky/worker.yaml');
    expect(privileged.locations[0].physicalLocation.region.startLine).toBe(26);
    expect(privileged.level).toBe('error');
    // The registry plus suppression-without-reason, which is not a rule file.
    expect(sarif.runs[0].tool.driver.rules.length).toBe(json.summary.rules + 1);
    const xml = readFileSync(f('r.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml).testsuites;
    // One failing case per (rule, target): the 9 failing findings here are each alone in their case.
    expect(Number(junit['@failures'])).toBe(9);
    expect(json.summary.findings).toEqual({ fail: 9, warn: 0, suppressed: 0 });
    expect(readFileSync(f('s.md'), 'utf8').split('\n')[0]).toBe('### ❌ sandcheck: fail');
  });

  it('--root makes SARIF paths relative to another folder', () => {
    const file = join(out, 'root.sarif');
    runCli(cli.bin, ['scan', 'fixtures/workflow/leaky/worker.yaml', '--format', `sarif=${file}`, '--root', 'fixtures/workflow']);
    const sarif = expectValidSarif(readFileSync(file, 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'leaky/worker.yaml', uriBaseId: 'ROOT' });
  });

  it('every fixture in the repository gives SARIF that both validators accept', () => {
    const file = join(out, 'all.sarif');
    const r = runCli(cli.bin, ['scan', 'fixtures', '--format', `sarif=${file}`, '--format', `json=${join(out, 'all.json')}`]);
    // fixtures/ holds inputs that are broken on purpose: the run is incomplete.
    expect(r.status).toBe(2);
    const sarif = expectValidSarif(readFileSync(file, 'utf8'));
    const json = JSON.parse(readFileSync(join(out, 'all.json'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(json.findings.length);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(json.summary.exitCode !== 2);
  });

  it('an unreadable input: exit 2, SARIF with the error as a notification and executionSuccessful false', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-bad-'));
    writeFileSync(join(dir, 'good.yaml'), readFileSync(join(REPO, 'fixtures/workflow/hardened/worker.yaml')));
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n');
    const file = join(dir, 'out.sarif');
    const r = runCli(cli.bin, ['scan', '.', '--format', `sarif=${file}`], { cwd: dir });
    expect(r.status).toBe(2);
    const sarif = expectValidSarif(readFileSync(file, 'utf8'));
    const inv = sarif.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    const errors = inv.toolExecutionNotifications.filter((n: any) => n.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].locations[0].physicalLocation.artifactLocation.uri).toBe('broken.yaml');
    expect(sarif.runs[0].results).toEqual([]);
  });

  it('appends the markdown summary to $GITHUB_STEP_SUMMARY, unless markdown already goes there', () => {
    const summary = join(out, 'step-summary.md');
    writeFileSync(summary, 'previous step\n');
    const r = runCli(cli.bin, ['scan', 'fixtures/workflow/hardened', '-q'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.status).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('previous step\n### ✅ sandcheck: pass')).toBe(true);
    runCli(cli.bin, ['scan', 'fixtures/workflow/hardened', '-q', '--format', 'text', '--format', `markdown=${summary}`], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(readFileSync(summary, 'utf8').match(/### ✅ sandcheck: pass/g)).toHaveLength(1);
  });

  it('a step summary it cannot write is a warning naming the path and the reason in words; the run keeps its exit code', () => {
    const blocker = join(out, 'not-a-folder');
    writeFileSync(blocker, 'x\n');
    const r = runCli(cli.bin, ['scan', 'fixtures/workflow/hardened', '-q'], { env: { GITHUB_STEP_SUMMARY: join(blocker, 'summary.md') } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`sandcheck: warning: cannot write the step summary to ${join(blocker, 'summary.md')} ($GITHUB_STEP_SUMMARY): a part of the path is a file, not a folder\n`);
  });

  it('rejects an unknown format and two formats on stdout with exit 2', () => {
    const a = runCli(cli.bin, ['scan', 'fixtures/workflow/hardened', '--format', 'yaml']);
    expect(a.status).toBe(2);
    expect(a.stderr).toBe('sandcheck: unknown format "yaml" (known: text, json, sarif, junit, markdown)\n');
    const b = runCli(cli.bin, ['scan', 'fixtures/workflow/hardened', '--format', 'text', '--format', 'sarif']);
    expect(b.status).toBe(2);
    expect(b.stderr).toBe('sandcheck: only one format can go to stdout; give the others a file: --format FORMAT=FILE\n');
  });
});
