import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multitoolPath, multitoolValidate, sarifSchemaErrors } from '../report/helpers.js';
import { REPO, buildCli } from './cli.js';

interface Step {
  name: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as Action;
const mt = multitoolPath();

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.cleanup());

/** `${{ inputs.x }}` and `${{ steps.s.outputs.o }}`: the only expressions the run steps use. */
function expand(value: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) {
      if (!(m[1]! in action.inputs)) throw new Error(`undeclared input ${m[1]}`);
      return inputs[m[1]!] ?? '';
    }
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return outputs[m[1]!]?.[m[2]!] ?? '';
    throw new Error(`expression the test runner does not evaluate: ${expr}`);
  });
}

function readKeyValues(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

interface ActionRun {
  workspace: string;
  outputs: Record<string, Record<string, string>>;
  gateStatus: number | null;
  upload: { sarif_file: string; category: string } | null;
  summary: string;
  log: string;
}

/**
 * Runs the composite action's steps in order, as the runner would, with bash -eo pipefail. What
 * cannot run here is replaced, visibly: setup-node (Node is already here), the install step (it
 * needs the published package or an `npm ci` of the action's checkout; the test points
 * SANDCHECK_ENTRY at the CLI built from src instead), and upload-sarif (a GitHub API call; the test
 * checks its condition and validates the file it would upload).
 */
function runAction(fixture: string, given: Record<string, string>): ActionRun {
  const workspace = mkdtempSync(join(tmpdir(), 'sandcheck-action-'));
  cpSync(join(REPO, fixture), join(workspace, 'deploy'), { recursive: true });
  const runnerTemp = join(workspace, '.runner');
  mkdirSync(runnerTemp);
  const files = { output: join(runnerTemp, 'output'), env: join(runnerTemp, 'env'), summary: join(runnerTemp, 'summary.md') };
  writeFileSync(files.summary, '');
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = given[k] ?? v.default ?? '';
  const outputs: Record<string, Record<string, string>> = {};
  const result: ActionRun = { workspace, outputs, gateStatus: null, upload: null, summary: '', log: '' };

  for (const step of action.runs.steps) {
    if (step.uses?.startsWith('actions/setup-node@')) continue;
    if (step.id === 'install') {
      writeFileSync(files.env, `SANDCHECK_ENTRY=${cli.bin}\n`, { flag: 'a' });
      continue;
    }
    if (step.uses?.startsWith('github/codeql-action/upload-sarif@')) {
      const sarifFile = inputs['sarif-file']!;
      const wouldRun = inputs['upload-sarif'] === 'true' && (outputs.scan?.['sarif-file'] ?? '') !== '' && existsSync(join(workspace, sarifFile));
      if (wouldRun) result.upload = { sarif_file: expand(step.with!.sarif_file!, inputs, outputs), category: expand(step.with!.category!, inputs, outputs) };
      continue;
    }
    expect(step.shell).toBe('bash');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...readKeyValues(files.env),
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: runnerTemp,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs, outputs);
    writeFileSync(files.output, '');
    const script = join(runnerTemp, `${step.id ?? 'step'}.sh`);
    writeFileSync(script, step.run!);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
    result.log += `--- ${step.name}\n${r.stdout}${r.stderr}`;
    if (step.id) outputs[step.id] = readKeyValues(files.output);
    if (step.name === 'Gate') result.gateStatus = r.status;
    else expect(r.status, `${step.name} failed:\n${result.log}`).toBe(0);
  }
  result.summary = readFileSync(files.summary, 'utf8');
  return result;
}

function validSarif(file: string): any {
  const text = readFileSync(file, 'utf8');
  const log = JSON.parse(text);
  expect(sarifSchemaErrors(log)).toEqual([]);
  if (mt.path) expect(multitoolValidate(text).errors).toEqual([]);
  return log;
}

describe('action.yml', () => {
  it('is a composite action whose third-party steps are pinned by commit', () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.map((u) => u.split('@')[0])).toEqual(['actions/setup-node', 'github/codeql-action/upload-sarif']);
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/);
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.scan.outputs.exit-code }}');
  });

  it('on failing manifests: SARIF written and uploadable, summary written, the gate fails with 1', () => {
    const run = runAction('fixtures/workflow/leaky', { paths: 'deploy' });
    expect(run.outputs.scan).toEqual({ 'exit-code': '1', 'sarif-file': 'sandcheck.sarif' });
    expect(run.upload).toEqual({ sarif_file: 'sandcheck.sarif', category: 'sandcheck' });
    const sarif = validSarif(join(run.workspace, 'sandcheck.sarif'));
    expect(sarif.runs[0].results.map((r: any) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`)).toEqual([
      'suppression-without-reason deploy/tools.yaml:7',
      'container-caps-not-dropped deploy/tools.yaml:19',
      'container-privileged deploy/tools.yaml:19',
      'container-seccomp-unconfined deploy/tools.yaml:19',
      'container-privilege-escalation deploy/tools.yaml:20',
      'container-privilege-escalation deploy/worker.yaml:25',
      'container-caps-not-dropped deploy/worker.yaml:26',
      'container-privileged deploy/worker.yaml:26',
      'container-seccomp-unconfined deploy/worker.yaml:26',
    ]);
    expect(run.summary.startsWith('### ❌ sandcheck: fail')).toBe(true);
    expect(run.log.split('\n').slice(0, 3)).toEqual(['--- Run sandcheck', 'FAIL         image-hardening     Sandbox image quality and runtime hardening', '  critical container-privileged  Containers must not run privileged']);
    expect(run.gateStatus).toBe(1);
  });

  it('fail-on, config, args, sarif-file and category reach the scan; a clean result passes the gate', () => {
    const run = runAction('fixtures/workflow/hardened', { paths: 'deploy', 'fail-on': 'critical', args: '--quiet', 'sarif-file': 'out/results.sarif', category: 'sandbox-prod' });
    // The scan creates the missing folder of the SARIF file (as --output does), and the upload reads it there.
    expect(run.outputs.scan!['exit-code']).toBe('0');
    expect(run.gateStatus).toBe(0);
    expect(run.upload).toEqual({ sarif_file: 'out/results.sarif', category: 'sandbox-prod' });
    validSarif(join(run.workspace, 'out/results.sarif'));

    const config = join(REPO, 'fixtures/workflow/config/waivers.yaml');
    const ok = runAction('fixtures/workflow/hardened', { paths: 'deploy', 'fail-on': 'critical', args: '--quiet', category: 'sandbox-prod', config });
    expect(ok.outputs.scan!['exit-code']).toBe('0');
    expect(ok.gateStatus).toBe(0);
    expect(ok.upload).toEqual({ sarif_file: 'sandcheck.sarif', category: 'sandbox-prod' });
    expect(ok.summary.startsWith('### ✅ sandcheck: pass')).toBe(true);
    // The attestation in the config shows up: session-data is manual.
    expect(ok.summary.split('\n').filter((l) => l.startsWith('| `session-data`'))).toEqual([
      '| `session-data` Retention of conversation content and tool output | 📝 manual | 0 | 0 | 0 | 0 | attested by security@example.com on 2026-01-15; [evidence](https://wiki.example.com/sandbox/retention-review), expires 2099-07-15 |',
    ]);
  });

  it('with a baseline input, only new findings fail', () => {
    const first = runAction('fixtures/workflow/leaky', { paths: 'deploy', 'upload-sarif': 'false' });
    expect(first.upload).toBeNull();
    const baseline = join(first.workspace, 'baseline.json');
    const r = spawnSync(process.execPath, [cli.bin, 'scan', 'deploy', '--write-baseline', baseline], { cwd: first.workspace, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const run = runAction('fixtures/workflow/leaky', { paths: 'deploy', baseline });
    expect(run.outputs.scan!['exit-code']).toBe('0');
    expect(run.gateStatus).toBe(0);
    const sarif = validSarif(join(run.workspace, 'sandcheck.sarif'));
    expect(sarif.runs[0].results.every((x: any) => x.suppressions?.[0]?.properties?.by === 'baseline')).toBe(true);
  });

  it('an unreadable input makes the gate fail with 2 and the SARIF say the run did not succeed', () => {
    const run = runAction('fixtures/workflow/hardened', { paths: 'deploy missing.yaml' });
    expect(run.outputs.scan!['exit-code']).toBe('2');
    expect(run.gateStatus).toBe(2);
    expect(validSarif(join(run.workspace, 'sandcheck.sarif')).runs[0].invocations[0].executionSuccessful).toBe(false);
  });
});
