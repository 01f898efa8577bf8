import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/finding.js';
import { globToRegExp } from '../../src/engine/waivers.js';
import { isExpired } from '../../src/util/expiry.js';
import { REPO, buildCli, runCli } from './cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.cleanup());

function scanJson(args: string[], cwd = REPO): { status: number | null; report: Report; stderr: string } {
  const r = runCli(cli.bin, ['scan', ...args, '--format', 'json'], { cwd });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const privileged = (r: Report, file: string) => r.findings.filter((f) => f.ruleId === 'container-privileged' && f.location.file === file);

describe('waivers in sandcheck.yaml', () => {
  let status: number | null;
  let report: Report;
  beforeAll(() => {
    ({ status, report } = scanJson(['fixtures/workflow/leaky', '--config', 'fixtures/workflow/config/waivers.yaml']));
  });

  it('a live waiver suppresses the finding, with its reason, owner and expiry', () => {
    const [f] = privileged(report, 'fixtures/workflow/leaky/worker.yaml');
    expect(f!.suppressed).toEqual({ by: 'waiver', reason: 'GPU driver installer needs host devices; replaced by the device plugin in Q3 (owner: platform@example.com)', expires: '2099-12-31' });
    expect(f!.location.line).toBe(26);
  });

  it('an expired waiver stops suppressing and the finding says which waiver expired', () => {
    const [f] = privileged(report, 'fixtures/workflow/leaky/tools.yaml');
    expect(f!.suppressed).toBeUndefined();
    expect(f!.message).toBe('Runs privileged (`securityContext.privileged: true`) [waiver expired on 2020-01-31, owner alice@example.com: temporary debugging access]');
    expect(f!.evidence).toMatchObject({ waiverExpired: '2020-01-31', waiverOwner: 'alice@example.com' });
    expect(status).toBe(1);
    expect(report.checklist.find((c) => c.id === 'image-hardening')!.counts.suppressed).toBe(1);
  });

  it('a live attestation makes a manual item show it', () => {
    const item = report.checklist.find((c) => c.id === 'session-data')!;
    expect(item.verdict).toBe('manual');
    expect(item.attestation).toEqual({ by: 'security@example.com', date: '2026-01-15', evidence: 'https://wiki.example.com/sandbox/retention-review', expires: '2099-07-15', expired: false });
  });

  it('an expired attestation fails its item and the run, even when every rule passes', () => {
    const r = scanJson(['fixtures/workflow/hardened', '--config', 'fixtures/workflow/config/expired-attestation.yaml']);
    const item = r.report.checklist.find((c) => c.id === 'session-data')!;
    expect(item.verdict).toBe('fail');
    expect(item.note).toBe('attestation by security@example.com expired on 2019-07-15');
    expect(r.report.summary.findings.fail).toBe(0);
    expect(r.status).toBe(1);
  });

  it('globs: `*` is any run of characters, the rest is literal; expiry covers the whole day (UTC)', () => {
    expect(globToRegExp('sandbox/Pod/tool-*').test('sandbox/Pod/tool-runner › container runner')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(isExpired('2026-03-01', new Date('2026-03-01T23:59:59Z'))).toBe(false);
    expect(isExpired('2026-03-01', new Date('2026-03-02T00:00:00Z'))).toBe(true);
    expect(isExpired(undefined, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('inline suppressions', () => {
  it('an annotation without a reason suppresses nothing and is itself a finding at the annotation', () => {
    const { report } = scanJson(['fixtures/workflow/leaky/tools.yaml']);
    expect(privileged(report, 'fixtures/workflow/leaky/tools.yaml')[0]!.suppressed).toBeUndefined();
    const meta = report.findings.filter((f) => f.ruleId === 'suppression-without-reason');
    expect(meta.map((f) => [f.checklist, f.severity, f.verdict, f.location.file, f.location.line])).toEqual([['image-hardening', 'low', 'fail', 'fixtures/workflow/leaky/tools.yaml', 7]]);
    expect(meta[0]!.message).toBe('annotation ignore.sandcheck.dev/container-privileged gives no reason, so it suppresses nothing');
  });

  it('a reasonless # sandcheck-ignore comment (Dockerfile) and x-sandcheck-ignore entry (compose) are findings too', () => {
    const { report } = scanJson(['fixtures/workflow/reasonless']);
    const meta = report.findings.filter((f) => f.ruleId === 'suppression-without-reason').map((f) => [f.location.file, f.location.line, f.checklist, f.message]);
    // Files in code-point order, the same on every machine: upper case before lower case.
    expect(meta).toEqual([
      ['fixtures/workflow/reasonless/Dockerfile', 2, 'supply-chain', '# sandcheck-ignore dockerfile-from-unpinned gives no reason, so it suppresses nothing'],
      ['fixtures/workflow/reasonless/compose.yaml', 6, 'image-hardening', 'x-sandcheck-ignore entry container-privileged gives no reason, so it suppresses nothing'],
    ]);
    // And they suppressed nothing.
    expect(report.findings.filter((f) => ['container-privileged', 'dockerfile-from-unpinned'].includes(f.ruleId)).map((f) => f.suppressed)).toEqual([undefined, undefined]);
  });

  it('with a reason, the annotation suppresses the finding and there is no meta finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-inline-'));
    const text = readFileSync(join(REPO, 'fixtures/workflow/leaky/tools.yaml'), 'utf8').replace('ignore.sandcheck.dev/container-privileged: ""', 'ignore.sandcheck.dev/container-privileged: "strace of tool crashes, lab cluster only"');
    writeFileSync(join(dir, 'tools.yaml'), text);
    const { report } = scanJson(['tools.yaml'], dir);
    expect(privileged(report, 'tools.yaml')[0]!.suppressed).toEqual({ by: 'inline', reason: 'strace of tool crashes, lab cluster only' });
    expect(report.findings.filter((f) => f.ruleId === 'suppression-without-reason')).toEqual([]);
  });

  it('a finding about something missing (no sandboxed runtime) is suppressed by an annotation on the object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-inline-'));
    const text = readFileSync(join(REPO, 'fixtures/workflow/hardened/worker.yaml'), 'utf8')
      .replace('      runtimeClassName: gvisor\n', '')
      .replace('  namespace: sandbox\n', '  namespace: sandbox\n  annotations:\n    ignore.sandcheck.dev/workload-no-sandboxed-runtime: "nodes run Kata via the default RuntimeClass (INFRA-77)"\n');
    writeFileSync(join(dir, 'worker.yaml'), text);
    const { status, report } = scanJson(['worker.yaml'], dir);
    const f = report.findings.filter((x) => x.ruleId === 'workload-no-sandboxed-runtime');
    expect(f.map((x) => x.suppressed)).toEqual([{ by: 'inline', reason: 'nodes run Kata via the default RuntimeClass (INFRA-77)' }]);
    expect(status).toBe(0);
  });

  it('a waiver can cover the meta finding too (rule: suppression-without-reason)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-inline-'));
    writeFileSync(join(dir, 'sandcheck.yaml'), 'waivers:\n  - rule: suppression-without-reason\n    target: "*tool-runner*"\n    reason: legacy manifest, rewritten in OPS-9\n    owner: platform@example.com\n    expires: 2099-12-31\n');
    writeFileSync(join(dir, 'tools.yaml'), readFileSync(join(REPO, 'fixtures/workflow/leaky/tools.yaml')));
    const { report } = scanJson(['tools.yaml'], dir);
    expect(report.findings.find((f) => f.ruleId === 'suppression-without-reason')!.suppressed).toEqual({ by: 'waiver', reason: 'legacy manifest, rewritten in OPS-9 (owner: platform@example.com)', expires: '2099-12-31' });
  });
});
