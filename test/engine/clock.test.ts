import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules, ruleSetOf } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { ROOT } from '../helpers/fixtures.js';

// Key ages are measured against the audit's clock (AuditOptions.now), never the machine's: the
// generated rule pages and these tests must not change with the day they run.
describe('the audit clock', () => {
  const rule = loadRules().rules.find((r) => r.id === 'secret-rotation-overdue')!;
  const file = join(ROOT, 'fixtures', 'rules', 'secret-rotation-overdue', 'fail.yaml');
  const messages = async (now: string) => {
    const collected = await collectPaths([file], { cwd: ROOT });
    const report = audit(collected, { rules: ruleSetOf([rule]), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date(now) });
    return report.findings.filter((f) => f.ruleId === 'secret-rotation-overdue' && f.target.kind === 'secret' && f.message.includes(' created ')).map((f) => `${f.location.line}: ${f.message}`);
  };

  it('a Secret created on 2021-03-01 10:00 is 90 days old on 2021-05-30 12:00: not overdue', async () => {
    expect(await messages('2021-05-30T12:00:00Z')).toEqual([]);
  });

  it('and 92 days old on 2021-06-01 12:00: overdue, with that age', async () => {
    expect(await messages('2021-06-01T12:00:00Z')).toEqual(['7: sandbox-a/Secret/environment-key was created 92 days ago (2021-03-01), more than keys.maxAgeDays 90']);
  });
});
