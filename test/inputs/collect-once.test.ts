import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: worker}\nspec:\n  containers:\n    - name: worker\n      image: registry.example.com/worker:1.0\n';

function repo(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'deploy/prod'), { recursive: true });
  writeFileSync(join(dir, 'deploy/prod/worker.yaml'), POD);
  writeFileSync(join(dir, '.env'), 'LOG_LEVEL=info\n');
  return dir;
}

type Report = { inputs: { path: string }[]; findings: { ruleId: string; location: { file: string; line: number } }[]; summary: { findings: { fail: number } } };

describe('a file named more than once is read once', () => {
  it.each([
    ['a folder and a file inside it', ['deploy', 'deploy/prod/worker.yaml']],
    ['a file inside a folder, then the folder', ['deploy/prod/worker.yaml', 'deploy']],
    ['the same file twice, written two ways', ['deploy/prod/worker.yaml', './deploy/prod/../prod/worker.yaml']],
  ])('%s: the same inputs and findings as the folder alone', (_, paths) => {
    const dir = repo();
    const once = json<Report>(sandcheck(['scan', 'deploy', '--format', 'json'], { cwd: dir }));
    const twice = json<Report>(sandcheck(['scan', ...paths, '--format', 'json'], { cwd: dir }));
    expect(twice.inputs.map((i) => i.path)).toEqual(['deploy/prod/worker.yaml']);
    expect(twice.findings.map((f) => [f.ruleId, f.location.line])).toEqual(once.findings.map((f) => [f.ruleId, f.location.line]));
    expect(twice.summary.findings.fail).toBe(once.summary.findings.fail);
    expect(once.summary.findings.fail).toBeGreaterThan(0);
  });

  it('`.env ./.env` lists the file once', () => {
    const dir = repo();
    const r = json<Report>(sandcheck(['scan', '.env', './.env', 'deploy', '--format', 'json'], { cwd: dir }));
    expect(r.inputs.map((i) => i.path)).toEqual(['.env', 'deploy/prod/worker.yaml']);
  });
});
