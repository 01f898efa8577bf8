import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/finding.js';
import { REPO, buildCli, runCli } from './cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sandcheck-baseline-'));
  for (const f of ['worker.yaml', 'tools.yaml']) copyFileSync(join(REPO, 'fixtures/workflow/leaky', f), join(dir, f));
});
afterAll(() => cli?.cleanup());

function scan(...args: string[]): { status: number | null; report: Report; stderr: string } {
  const r = runCli(cli.bin, ['scan', '.', '--format', 'json', ...args], { cwd: dir });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const active = (r: Report) => r.findings.filter((f) => !f.suppressed);

describe('baselines', () => {
  let recorded: Report;

  it('--write-baseline records every finding by fingerprint, sorted and without line numbers', () => {
    const r = scan('--write-baseline', 'baseline.json');
    expect(r.status).toBe(1);
    recorded = r.report;
    const text = readFileSync(join(dir, 'baseline.json'), 'utf8');
    const doc = JSON.parse(text);
    expect(doc.format).toBe('sandcheck-baseline');
    expect(doc.version).toBe(1);
    expect(doc.findings).toHaveLength(r.report.findings.length);
    expect(r.report.findings).toHaveLength(9);
    expect(r.stderr).toBe('sandcheck: wrote 9 findings to the baseline baseline.json\n');
    expect(new Set(doc.findings.map((e: { fingerprint: string }) => e.fingerprint))).toEqual(new Set(r.report.findings.map((f) => f.fingerprint)));
    expect(text).not.toMatch(/"line"/);
    const sorted = [...doc.findings].sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.targetId.localeCompare(b.targetId) || a.fingerprint.localeCompare(b.fingerprint));
    expect(doc.findings).toEqual(sorted);
  });

  it('after lines move, every recorded finding is still known: nothing fails, exit 0', () => {
    // Push everything down, and move `privileged: true` above its siblings in both files.
    for (const f of ['worker.yaml', 'tools.yaml']) {
      const text = readFileSync(join(dir, f), 'utf8');
      const lines = text.split('\n');
      const i = lines.findIndex((l) => l.trim() === 'privileged: true');
      const [moved] = lines.splice(i, 1);
      const sc = lines.findIndex((l, j) => j < i && l.trim() === 'securityContext:' && lines[j + 1]!.startsWith(moved!.match(/^\s*/)![0]));
      lines.splice(sc + 1, 0, moved!);
      writeFileSync(join(dir, f), `# moved for the baseline test\n\n\n${lines.join('\n')}`);
    }
    const r = scan('--baseline', 'baseline.json');
    const before = recorded.findings.filter((f) => f.ruleId === 'container-privileged').map((f) => f.location.line);
    const after = r.report.findings.filter((f) => f.ruleId === 'container-privileged').map((f) => f.location.line);
    expect(after).not.toEqual(before);
    expect(active(r.report)).toEqual([]);
    expect(r.report.findings.every((f) => f.suppressed?.by === 'baseline' && f.suppressed.reason === 'known: recorded in the baseline baseline.json')).toBe(true);
    expect(r.report.summary.findings.suppressed).toBe(recorded.findings.length);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a new problem is reported (and fails) while the known ones stay quiet', () => {
    const text = readFileSync(join(dir, 'worker.yaml'), 'utf8');
    writeFileSync(join(dir, 'worker.yaml'), text.replace('      automountServiceAccountToken: false\n', '      automountServiceAccountToken: false\n      hostPID: true\n'));
    const r = scan('--baseline', 'baseline.json');
    expect(active(r.report).map((f) => [f.ruleId, f.location.file])).toEqual([['workload-host-namespace', 'worker.yaml']]);
    expect(r.status).toBe(1);
  });

  it('entries that no longer match are counted on stderr', () => {
    const text = readFileSync(join(dir, 'tools.yaml'), 'utf8');
    writeFileSync(join(dir, 'tools.yaml'), text.replace(/^\s*privileged: true\n/m, ''));
    const r = scan('--baseline', 'baseline.json');
    // tools.yaml loses `privileged: true`: four of the recorded entries no longer match (privileged, every
    // capability, escalation forced on, seccomp off).
    expect(r.stderr).toBe('sandcheck: 4 baseline entries no longer match a finding (fixed or renamed); rewrite it with --write-baseline baseline.json\n');
  });

  it('rewriting an unchanged baseline gives the same bytes', () => {
    scan('--write-baseline', 'b1.json');
    scan('--write-baseline', 'b2.json', '--baseline', 'b1.json');
    expect(readFileSync(join(dir, 'b2.json'), 'utf8')).toBe(readFileSync(join(dir, 'b1.json'), 'utf8'));
  });

  it('a file that is not a baseline: exit 2 naming the file and the reason', () => {
    writeFileSync(join(dir, 'not-a-baseline.json'), '{"findings": []}');
    const r = runCli(cli.bin, ['scan', '.', '--baseline', 'not-a-baseline.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sandcheck: invalid baseline not-a-baseline.json: not a sandcheck baseline (expected "format": "sandcheck-baseline"; write one with --write-baseline)\n');
    const missing = runCli(cli.bin, ['scan', '.', '--baseline', 'nope.json'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('sandcheck: invalid baseline nope.json: cannot read the baseline: no such file or folder\n');
  });
});
