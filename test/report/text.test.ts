import { describe, expect, it } from 'vitest';
import { renderText, summaryLine } from '../../src/report/text.js';
import { aggregate } from '../../src/report/aggregate.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { finding, makeReport } from './helpers.js';

describe('text report: suppressed findings under their item', () => {
  it('one line per item, grouped by how and why, each rule once with its count', () => {
    const baseline = { by: 'baseline' as const, reason: 'known: recorded in the baseline b.json' };
    const report = makeReport({
      findings: [
        finding('container-privileged', { suppressed: baseline }),
        finding('container-run-as-root', { suppressed: baseline, fingerprint: 'a' }),
        finding('container-run-as-root', { suppressed: baseline, fingerprint: 'b' }),
        finding('container-rootfs-writable', { suppressed: { by: 'waiver', reason: 'tools write to /tmp, OPS-9' } }),
      ],
    });
    const text = renderText(report, { color: false });
    const lines = text.split('\n').filter((l) => l.includes('suppressed —'));
    expect(lines).toEqual([
      '             4 suppressed — baseline (known: recorded in the baseline b.json): container-privileged, container-run-as-root ×2; waiver (tools write to /tmp, OPS-9): container-rootfs-writable',
    ]);
  });

  it('--quiet leaves them out (failing items, failing findings, errors and the summary only), the summary still counts them', () => {
    const report = makeReport({
      findings: [finding('container-privileged'), finding('container-run-as-root', { suppressed: { by: 'waiver', reason: 'OPS-9' } })],
    });
    const text = renderText(report, { color: false, quiet: true });
    expect(text).toContain('container-privileged');
    expect(text).not.toContain('suppressed —');
    expect(text).toMatch(/1 suppressed;/);
  });
});

describe('text report: colour', () => {
  const report = makeReport({ findings: [finding('container-privileged')] });

  it('has no escape sequence without colour', () => {
    expect(renderText(report, { color: false })).not.toMatch(/\x1b\[/);
  });

  it('paints with basic ANSI colours (chalk, loaded only for a coloured report)', () => {
    const text = renderText(report, { color: true });
    const head = text.split('\n')[0]!;
    // the item's verdict in bold red, its id in bold
    expect(head.startsWith('\x1b[31m\x1b[1mFAIL        \x1b[22m\x1b[39m \x1b[1m')).toBe(true);
    expect(text.replace(/\x1b\[\d+m/g, '')).toBe(renderText(report, { color: false }));
  });
});

describe('text report: findings of one rule', () => {
  it('a rule that fails in one place and only warns in another gets a heading per verdict, failures first', () => {
    const report = makeReport({
      findings: [
        finding('egress-dns-unrestricted', { verdict: 'warn', severity: 'medium', fingerprint: 'w', location: { file: 'a.rules', line: 3 } }),
        finding('egress-dns-unrestricted', { verdict: 'fail', severity: 'medium', fingerprint: 'f', location: { file: 'a.rules', line: 9 } }),
      ],
    });
    const lines = renderText(report, { color: false }).split('\n');
    const headings = lines.filter((l) => l.includes('egress-dns-unrestricted  Title'));
    expect(headings).toEqual(['  medium egress-dns-unrestricted  Title of egress-dns-unrestricted', '  warn medium egress-dns-unrestricted  Title of egress-dns-unrestricted']);
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
    expect(at('      a.rules:9')).toBe(lines.indexOf(headings[0]!) + 1);
    expect(at('      a.rules:3')).toBe(lines.indexOf(headings[1]!) + 1);
  });

  it('one fix line per wording, labelled with its source format when there are several', () => {
    const compose = { kind: 'container' as const, id: 'compose:p/worker#container', name: 'p/service worker › container worker' };
    const report = makeReport({
      findings: [
        finding('container-privileged', { remediation: 'Remove `securityContext.privileged: true`.' }),
        finding('container-privileged', { remediation: 'Remove `privileged: true`.', target: compose, fingerprint: 'c' }),
      ],
    });
    const fixes = renderText(report, { color: false }).split('\n').filter((l) => l.trimStart().startsWith('fix'));
    expect(fixes).toEqual(['      fix (Kubernetes): Remove `securityContext.privileged: true`.', '      fix (compose): Remove `privileged: true`.']);
    const single = renderText(makeReport({ findings: [finding('container-privileged')] }), { color: false }).split('\n').filter((l) => l.trimStart().startsWith('fix'));
    expect(single).toEqual(['      fix: Fix container-privileged like this.']);
  });
});

describe('text report: skipped inputs', () => {
  const skipped = (path: string, reason: string) => ({ path, format: null, status: 'skipped' as const, reason });
  const inputs = [
    { path: 'deploy/web.yaml', format: 'kubernetes', status: 'parsed' as const, targets: 2 },
    ...['a', 'b', 'c', 'd', 'e'].map((n) => skipped(`img/${n}.png`, 'binary file')),
    skipped('charts', 'symbolic link to a folder (not followed)'),
  ];

  it('more than five are counted by reason, each reason once with its count', () => {
    const lines = renderText(makeReport({ inputs }), { color: false }).split('\n');
    expect(lines.filter((l) => l.includes('skipped'))).toEqual(['  skipped 6 files (binary file ×5, symbolic link to a folder (not followed)); --verbose lists them']);
  });

  it('--verbose lists each one', () => {
    const lines = renderText(makeReport({ inputs }), { color: false, verbose: true }).split('\n');
    expect(lines.filter((l) => l.includes('skipped'))).toEqual([...['a', 'b', 'c', 'd', 'e'].map((n) => `  skipped img/${n}.png: binary file`), '  skipped charts: symbolic link to a folder (not followed)']);
  });
});

describe('text report: summary line', () => {
  it('names an expired attestation that fails the run, which has no failing finding', () => {
    const config = { ...structuredClone(DEFAULT_CONFIG), attestations: [{ item: 'session-data' as const, by: 'sec@example.com', date: '2025-01-15', evidence: 'https://wiki.example.com/r', expires: '2025-07-15' }] };
    const run = (cfg: typeof config) =>
      aggregate({ findings: [], evaluations: [{ ruleId: 'r', checklist: 'image-hardening', targetId: 't', targetName: 't', outcome: 'pass' }], inputs: [{ path: 'a.yaml', format: 'kubernetes', status: 'parsed', targets: 1 }], recognisedInputs: 1, inputErrorItems: [], errors: [], failOn: 'any', config: cfg, targets: 1, rules: 1, now: new Date('2026-11-24T00:00:00Z') });
    expect(summaryLine(run(config), false)).toBe('FAIL: 0 failing findings, 0 warnings, 0 suppressed, 1 expired attestation; checklist: 1 fail, 1 pass, 6 not assessed; 1 input parsed. Exit code 1.');
    // Unexpired: manual, and the line says nothing of attestations.
    const current = { ...config, attestations: [{ ...config.attestations[0]!, expires: '2027-07-15' }] };
    expect(summaryLine(run(current), false)).toBe('PASS: 0 failing findings, 0 warnings, 0 suppressed; checklist: 1 pass, 1 manual, 6 not assessed; 1 input parsed. Exit code 0.');
  });
});
