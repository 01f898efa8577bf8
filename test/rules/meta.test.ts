import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-rules.js';
import { CHECKLIST_IDS } from '../../src/model/checklist.js';
import { ROOT, RULE_FIXTURES } from '../helpers/fixtures.js';

// ESLint's checkRuleFiles as a test: one id = one rule file = one fixture folder = one docs page.
const set = loadRules();

describe('rule files', () => {
  it.each(set.rules.map((r) => [r.id, r] as const))('%s is consistent with its file, folder and fixtures', (id, rule) => {
    expect(basename(rule.file).replace(/\.ya?ml$/, '')).toBe(id);
    expect(basename(dirname(rule.file))).toBe(rule.checklist);
    expect(CHECKLIST_IDS).toContain(rule.checklist);
    const dir = join(RULE_FIXTURES, id);
    expect(existsSync(dir), `fixtures/rules/${id}/ must exist`).toBe(true);
    const files = readdirSync(dir);
    expect(files.some((f) => f.startsWith('pass')), 'needs a pass* fixture').toBe(true);
    expect(files.some((f) => f.startsWith('fail')), 'needs a fail* fixture').toBe(true);
    if (rule.fn) {
      const props = (rule.fn.options as { properties?: Record<string, { description?: string }> }).properties ?? {};
      for (const [k, v] of Object.entries(props)) expect(v.description, `option ${k} of ${rule.fn.name} needs a description`).toBeTruthy();
    }
  });

  it('has no fixture folder without a rule', () => {
    const orphans = readdirSync(RULE_FIXTURES).filter((d) => !set.byId.has(d));
    expect(orphans).toEqual([]);
  });

  it('keeps every rule folder named after a checklist item', () => {
    const folders = readdirSync(join(ROOT, 'rules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const f of folders) expect(CHECKLIST_IDS).toContain(f);
  });
});
