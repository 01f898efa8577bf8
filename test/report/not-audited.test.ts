import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { aggregate, whyNotAudited, type AggregateInput } from '../../src/report/aggregate.js';
import { summaryLine } from '../../src/report/text.js';
import type { InputRecord } from '../../src/model/finding.js';

/** The one reading of "why exit 2" that the text summary and the CLI's stderr line share. */
const run = (over: Partial<AggregateInput>) =>
  aggregate({ findings: [], evaluations: [], inputs: [], inputErrorItems: [], errors: [], failOn: 'any', config: structuredClone(DEFAULT_CONFIG), targets: 0, rules: 1, now: new Date('2026-11-24T00:00:00Z'), ...over });
const parsed = (path: string, targets: number): InputRecord => ({ path, format: 'kubernetes', status: 'parsed', targets });

describe('whyNotAudited', () => {
  it('tells the four cases apart, and the summary line says the same', () => {
    const cases = [
      [run({ inputs: [{ path: 'notes.txt', format: 'text', status: 'parsed', targets: 1 }], recognisedInputs: 0 }), 'nothing-recognisable', ' — nothing recognisable to audit:'],
      [run({ inputs: [parsed('svc.yaml', 0)], recognisedInputs: 1 }), 'nothing-to-audit', ' — nothing to audit:'],
      [run({ inputs: [parsed('a.yaml', 2), { path: 'b.yaml', format: 'kubernetes', status: 'error', error: 'b.yaml: not valid YAML' }], recognisedInputs: 1, inputErrorItems: ['image-hardening'] }), 'incomplete', ' — the audit is incomplete:'],
      [run({ inputs: [parsed('a.yaml', 2)], recognisedInputs: 1, evaluations: [{ ruleId: 'r', checklist: 'image-hardening', targetId: 't', targetName: 't', outcome: 'pass' }] }), null, 'PASS:'],
    ] as const;
    for (const [report, why, line] of cases) {
      expect(whyNotAudited(report)).toBe(why);
      expect(report.summary.exitCode).toBe(why === null ? 0 : 2);
      expect(summaryLine(report, false)).toContain(line);
    }
  });

  it('a run error without any input error is incomplete, not nothing to audit', () => {
    const report = run({ inputs: [parsed('a.yaml', 2)], recognisedInputs: 1, errors: [{ message: 'rule x failed', ruleId: 'x' }] });
    expect(whyNotAudited(report)).toBe('incomplete');
  });
});
