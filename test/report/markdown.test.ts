import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { finding, makeReport, rule } from './helpers.js';

const rules = [rule('container-privileged'), rule('container-run-as-root')];

describe('Markdown summary', () => {
  it('has a headline, one table row per checklist item and the failing findings', () => {
    const report = makeReport({ findings: [finding('container-privileged', { message: 'runs | privileged' }), finding('container-run-as-root', { severity: 'medium', verdict: 'warn', fingerprint: 'w' })] });
    const md = renderMarkdown(report, rules);
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ❌ sandcheck: fail');
    const rows = lines.filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatch(/^\| `image-hardening` Sandbox image quality and runtime hardening \| ❌ fail \|/);
    const findings = lines.slice(lines.indexOf('#### Findings (2)'));
    expect(findings[4]).toMatch(/^\| high \| \[`container-privileged`\]\(https:\/\/.*\/docs\/rules\/container-privileged\.md\) \| `deploy\/web\.yaml:12` \| runs \\\| privileged \|$/);
    expect(findings[5]).toMatch(/^\| warn\/medium \| /);
  });

  it('caps the list of findings and counts the rest', () => {
    const many = Array.from({ length: 7 }, (_, i) => finding('container-privileged', { fingerprint: `f${i}`, location: { file: 'a.yaml', line: i + 1 } }));
    const md = renderMarkdown(makeReport({ findings: many }), rules, { maxFindings: 5 });
    expect(md.split('\n').filter((l) => l.startsWith('| high |'))).toHaveLength(5);
    expect(md.split('\n').slice(-3)).toEqual(['', '…and 2 more (see the full report).', '']);
  });

  it('shows attestations, errors and suppressed counts; a clean run says pass', () => {
    const base = makeReport({ findings: [finding('container-privileged', { suppressed: { by: 'waiver', reason: 'ok' } })] });
    base.checklist[5] = {
      ...base.checklist[5]!,
      verdict: 'manual',
      note: 'attested by sre@example.com on 2026-10-01',
      attestation: { by: 'sre@example.com', date: '2026-10-01', evidence: 'https://wiki.example/retention', expires: '2027-04-01', expired: false },
    };
    base.inputs.push({ path: 'bad.yaml', format: null, status: 'error', error: 'bad.yaml:2: bad indentation' });
    const md = renderMarkdown(base, rules);
    expect(md.split('\n')[0]).toBe('### ✅ sandcheck: pass');
    expect(md.split('\n').filter((l) => l.startsWith('| `session-data`'))).toEqual([
      '| `session-data` Retention of conversation content and tool output | 📝 manual | 0 | 0 | 0 | 0 | attested by sre@example.com on 2026-10-01; [evidence](https://wiki.example/retention), expires 2027-04-01 |',
    ]);
    // After the table: the errors and the suppressed count, and no findings section.
    expect(md.slice(md.indexOf('\n\n#### '))).toBe('\n\n#### Errors\n\n- bad.yaml:2: bad indentation\n\n<sub>Suppressed: 1 by waivers.</sub>\n');
  });
});
