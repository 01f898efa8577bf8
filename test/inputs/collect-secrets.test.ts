import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

// A GitHub token shape, made here (never a real key): ghp_ + 36 characters.
const TOKEN = `ghp_${'x7Qm2Rk9LpT4vW8z'.repeat(3).slice(0, 36)}`;

interface Report {
  findings: { ruleId: string; location: { file: string; line: number } }[];
  inputs: { path: string; format: string | null; status: string; error?: string }[];
}

describe('files the collector does not audit structurally are still scanned for keys', () => {
  it('sandcheck.yaml met in a folder walk: listed as configuration scanned for secrets, its key reported at its line', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team/sandcheck.yaml'), `# pasted by mistake\nnotes: "${TOKEN}"\n`);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nUSER 10001\n');
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expectNotPrinted(r.stdout + r.stderr, [TOKEN]);
    const report = json<Report>(r, [TOKEN]);
    expect(report.inputs.find((i) => i.path === 'team/sandcheck.yaml')).toMatchObject({ status: 'parsed', format: 'text (sandcheck configuration: scanned for secrets only)' });
    expect(report.findings.filter((f) => f.location.file === 'team/sandcheck.yaml').map((f) => `${f.ruleId} ${f.location.line}`)).toEqual(['secret-provider-token 2']);
    expect(r.code).toBe(1);
  });

  it('a file that fails to parse is an input error (exit 2) and a key in it is still reported, without its value or a column', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deploy.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n  token: "${TOKEN}"x\n`);
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expectNotPrinted(r.stdout + r.stderr, [TOKEN]);
    expect(r.code).toBe(2);
    const report = json<Report>(r, [TOKEN]);
    expect(report.inputs.find((i) => i.path === 'deploy.yaml')).toMatchObject({ status: 'error' });
    expect(report.inputs.find((i) => i.path === 'deploy.yaml')!.error).toMatch(/^deploy\.yaml:5: not valid YAML: /);
    expect(report.findings.filter((f) => f.location.file === 'deploy.yaml').map((f) => `${f.ruleId} ${f.location.line}`)).toEqual(['secret-provider-token 5']);
  });
});
