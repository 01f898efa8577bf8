import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { RULE_FIXTURES, expectedLocations, runFixture } from '../helpers/fixtures.js';

// One table-driven test over every rule and its fixtures: the exact (rule, file:line) pairs must match
// the `# expect:` annotations, no more and no fewer, and every fixture must make the rule applicable.
// SANDCHECK_RULE=<id> runs one rule.
const only = process.env.SANDCHECK_RULE;
// Image fixtures (`*.image.json`) are crafted into archives by test/image/rules.test.ts.
const textFixtures = (id: string) => readdirSync(join(RULE_FIXTURES, id)).filter((f) => /^(pass|fail)/.test(f) && !f.endsWith('.expect.yaml') && !f.endsWith('.image.json'));
const rules = loadRules().rules.filter((r) => (!only || r.id === only) && textFixtures(r.id).length > 0);

describe.each(rules.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  const dir = join(RULE_FIXTURES, id);
  const fixtures = textFixtures(id);

  it.each(fixtures)('%s', async (fixture) => {
    // A fixture folder may carry the sandcheck.yaml its rule needs (e.g. the egress allowlist).
    const cfg = join(dir, 'sandcheck.yaml');
    const report = await runFixture(rule, join(dir, fixture), dir, existsSync(cfg) ? parseConfig(readFileSync(cfg, 'utf8'), cfg) : undefined);
    expect(report.inputs.filter((i) => i.status === 'error')).toEqual([]);
    expect(report.errors).toEqual([]);
    const evaluations = report.evaluations!.filter((e) => e.ruleId === id);
    expect(evaluations.some((e) => e.outcome === 'pass' || e.outcome === 'fail'), 'the rule must apply to its fixture').toBe(true);
    const actual = report.findings
      .filter((f) => f.ruleId === id)
      .map((f) => `${f.location.file}:${f.location.line}`)
      .sort();
    const expected = expectedLocations(join(dir, fixture), id, dir);
    if (fixture.startsWith('pass')) expect(expected, 'pass fixtures carry no expect annotations').toEqual([]);
    else expect(expected.length, 'fail fixtures need at least one `# expect:` annotation').toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    for (const f of report.findings) {
      expect(f.message, 'placeholders must resolve').not.toMatch(/\{\{/);
      expect(f.remediation, 'placeholders must resolve').not.toMatch(/\{\{/);
    }
  });
});
