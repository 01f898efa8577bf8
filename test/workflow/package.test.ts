import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-rules.js';
import { REPO } from './cli.js';

interface PackFile {
  path: string;
  size: number;
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
let stage: string;
let files: string[];

/**
 * A copy of the working tree as git sees it (tracked and new, never ignored files), built with
 * scripts/build.mjs as `prepare` builds it, so `npm pack` judges the package.json `files` list against everything
 * the repository holds, fixtures and tests included.
 */
beforeAll(async () => {
  stage = mkdtempSync(join(tmpdir(), 'sandcheck-pack-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of listed) {
    if (!existsSync(join(REPO, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(REPO, f), join(stage, f));
  }
  // The real build (bundle, chunks, precompiled rules, config schema), with the repository's dependencies.
  symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: stage, stdio: 'pipe' });
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  files = (JSON.parse(out) as { files: PackFile[] }[])[0]!.files.map((f) => f.path).sort();
}, 120_000);

describe('npm package', () => {
  it('has the fields npm publish and users need', () => {
    expect(pkg.name).toBe('sandcheck');
    expect(pkg.bin).toEqual({ sandcheck: 'bin/sandcheck.js' });
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) });
    expect(pkg.type).toBe('module');
    expect(pkg.files).toEqual(['bin/', 'dist/', 'docs/rules/', 'rules/']);
  });

  it('the tarball holds the launcher, the bundle, every rule and the config schema', () => {
    expect(files).toContain('dist/builtin-rules.cjs');
    expect(files).toContain('package.json');
    expect(files).toContain('bin/sandcheck.js');
    // bin/ is CommonJS inside a "type": "module" package: without it the launcher would not run.
    expect(files).toContain('bin/package.json');
    expect(files).toContain('dist/sandcheck.cjs');
    expect(files).toContain('dist/sandcheck.cjs.cache');
    expect(files).toContain('dist/builtin-rules.cjs.cache');
    for (const lib of ['ajv', 'chalk', 'dockerfile-ast', 'yaml']) expect(files).toContain(`dist/vendor/${lib}.cjs`);
    expect(files).toContain('dist/sandcheck.schema.json');
    const rules = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'rules'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter((f) => /\.ya?ml$/.test(f));
    // Exactly the rule files the loader reads (a listing that found nothing would pass the check below).
    expect(rules.map((f) => f.replace(/^.*\//, '')).sort()).toEqual(loadRules().rules.map((r) => `${r.id}.yaml`).sort());
    expect(rules.filter((r) => !files.includes(r))).toEqual([]);
  });

  it('and nothing else: no fixtures, tests, sources, benchmarks, other docs or CI files', () => {
    // docs/rules/ ships because `sandcheck explain` prints those generated pages.
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/(sandcheck\.js|package\.json)|dist\/(sandcheck\.(cjs|cjs\.cache|cjs\.map|schema\.json)|builtin-rules\.cjs(\.cache)?|vendor\/[a-z-]+\.cjs)|rules\/.+\.ya?ml|docs\/rules\/[a-z0-9-]+\.md|docs\/rules\/README\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.some((f) => /^(fixtures|test|src|bench|scripts|\.ci)\//.test(f) || (f.startsWith('docs/') && !f.startsWith('docs/rules/')))).toBe(false);
    expect(files).toContain('LICENSE');
  });

  it('what the tarball holds is enough to run the CLI (with the dependencies installed beside it)', () => {
    const tgzDir = mkdtempSync(join(tmpdir(), 'sandcheck-tgz-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tgzDir], { cwd: stage, stdio: 'ignore' });
    const tgz = readdirSync(tgzDir).find((f) => f.endsWith('.tgz'))!;
    execFileSync('tar', ['xzf', join(tgzDir, tgz), '-C', tgzDir]);
    const unpacked = join(tgzDir, 'package');
    symlinkSync(join(REPO, 'node_modules'), join(unpacked, 'node_modules'), 'dir');
    const run = (...args: string[]) => spawnSync(process.execPath, [join(unpacked, 'bin/sandcheck.js'), ...args], { cwd: REPO, encoding: 'utf8' });
    const version = run('--version');
    expect(version.stdout.trim()).toBe(pkg.version);
    const scan = run('scan', 'fixtures/workflow/leaky', '--format', 'json');
    expect(scan.status).toBe(1);
    const report = JSON.parse(scan.stdout);
    expect(report.summary.rules).toBe(files.filter((f) => f.startsWith('rules/')).length);
    const privileged = report.findings.filter((f: { ruleId: string }) => f.ruleId === 'container-privileged');
    expect(privileged.map((f: { location: { file: string; line: number } }) => `${f.location.file}:${f.location.line}`)).toEqual(['fixtures/workflow/leaky/tools.yaml:19', 'fixtures/workflow/leaky/worker.yaml:26']);
    expect(JSON.parse(run('config', 'schema').stdout)).toEqual(JSON.parse(readFileSync(join(unpacked, 'dist/sandcheck.schema.json'), 'utf8')));
    const explain = run('explain', 'container-privileged');
    expect(explain.status).toBe(0);
    // The page shipped in docs/rules/, without its "generated" marker.
    expect(explain.stdout).toBe(readFileSync(join(unpacked, 'docs/rules/container-privileged.md'), 'utf8').replace(/^<!--.*-->\n/, ''));
    expect(explain.stdout.split('\n')[0]).toBe('# container-privileged');
  });
});
