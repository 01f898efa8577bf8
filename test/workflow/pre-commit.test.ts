import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli } from './cli.js';

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  pass_filenames?: boolean;
  require_serial?: boolean;
  files?: string;
}

const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'sandcheck')!;

let cli: Awaited<ReturnType<typeof buildCli>>;
let binDir: string;
beforeAll(async () => {
  cli = await buildCli();
  // What `language: node` installs: a `sandcheck` executable on PATH (here: the CLI built from src).
  binDir = mkdtempSync(join(tmpdir(), 'sandcheck-precommit-bin-'));
  writeFileSync(join(binDir, 'sandcheck'), `#!/bin/sh\nexec "${process.execPath}" "${cli.bin}" "$@"\n`);
  chmodSync(join(binDir, 'sandcheck'), 0o755);
});
afterAll(() => cli?.cleanup());

/** pre-commit's `files` is a Python regex; `(?i)` at the start is the only flag it uses here. */
function filesRegex(): RegExp {
  const src = hook.files!;
  return src.startsWith('(?i)') ? new RegExp(src.slice(4), 'i') : new RegExp(src);
}

/** Runs the hook the way pre-commit does: entry + args (+ filenames when pass_filenames), at the repository root. */
function runHook(repo: string, args: string[], staged: string[]): { status: number | null; out: string } {
  const argv = [...hook.entry.split(/\s+/), ...args, ...(hook.pass_filenames === false ? [] : staged)];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: repo, env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH}` }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

function repoWith(fixture: string): string {
  const repo = mkdtempSync(join(tmpdir(), 'sandcheck-precommit-'));
  mkdirSync(join(repo, 'deploy'));
  cpSync(join(REPO, fixture), join(repo, 'deploy'), { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# service\n');
  return repo;
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares a node hook that scans the whole tree once (cross-file rules need every file)', () => {
    expect(hook).toMatchObject({ name: 'sandcheck', language: 'node', pass_filenames: false, require_serial: true });
    expect(hook.entry).toBe('sandcheck scan --quiet');
  });

  it('runs when a file sandcheck reads changes, not for unrelated files', () => {
    const re = filesRegex();
    const yes = ['deploy/worker.yaml', 'compose.yml', 'Dockerfile', 'docker/api.Dockerfile', 'Containerfile.dev', '.env', 'config/prod.env', 'firewall/egress.rules', 'nft/sandbox.nft', 'infra/sg.tf', 'policy.json'];
    // Names the iptables, ipset and sysctl inputs and the secret formats read (the contract trial found them missing).
    yes.push('etc/iptables/rules.v4', 'etc/iptables/rules.v6', 'host/iptables-save.txt', 'host/egress.iptables', 'infra/prod.tfvars', 'etc/iptables/ipsets', 'etc/sysctl.conf', 'etc/sysctl.d/99-sandbox.conf', '.npmrc', 'ci/.netrc', '.pypirc', '.git-credentials', '.dockercfg');
    const no = ['README.md', 'src/main.ts', 'docs/sandbox.txt', 'Makefile', 'docs/rules.md', 'src/tables.ts'];
    expect(yes.filter((f) => !re.test(f))).toEqual([]);
    expect(no.filter((f) => re.test(f))).toEqual([]);
  });

  it('its entry fails the commit on failing manifests and lists what fails', () => {
    const repo = repoWith('fixtures/workflow/leaky');
    const r = runHook(repo, [], ['deploy/worker.yaml']);
    expect(r.status).toBe(1);
    const lines = r.out.split('\n');
    // Quiet output: the failing item, then each failing rule with its places.
    expect(lines.slice(0, 8)).toEqual([
      'FAIL         image-hardening     Sandbox image quality and runtime hardening',
      '  critical container-privileged  Containers must not run privileged',
      '      deploy/tools.yaml:19  sandbox/Pod/tool-runner › container runner',
      '        Runs privileged (`securityContext.privileged: true`)',
      '      deploy/worker.yaml:26  sandbox/Deployment/agent-worker › container worker',
      '        Runs privileged (`securityContext.privileged: true`)',
      '      fix: Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).',
      '  high container-seccomp-unconfined  Containers must run with a seccomp profile',
    ]);
    expect(lines.slice(-2)).toEqual(['FAIL: 9 failing findings (2 critical, 4 high, 2 medium, 1 low), 0 warnings, 0 suppressed; checklist: 1 fail, 3 pass, 4 not assessed; 3 inputs parsed. Exit code 1.', '']);
  });

  it('its entry passes on hardened manifests, and user args (paths, --fail-on) are honoured', () => {
    const repo = repoWith('fixtures/workflow/hardened');
    expect(runHook(repo, [], ['deploy/worker.yaml']).status).toBe(0);
    const leaky = repoWith('fixtures/workflow/leaky');
    // Only critical failures block: the privileged containers are critical, so still 1.
    expect(runHook(leaky, ['--fail-on', 'critical', 'deploy/'], []).status).toBe(1);
    // A folder without anything sandcheck reads is exit 2 (nothing to audit), never a silent pass.
    mkdirSync(join(leaky, 'docs'));
    writeFileSync(join(leaky, 'docs/notes.txt'), 'nothing here\n');
    expect(runHook(leaky, ['docs/'], []).status).toBe(2);
  });
});
