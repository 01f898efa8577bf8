import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-rules.js';
import { renderAllDocs } from '../../src/report/rule-docs.js';
import { ROOT } from '../helpers/fixtures.js';

// kube-linter's `make generated-srcs && git diff --exit-code` as a test: docs/rules/ is generated
// from the rule files and fixtures and must match what is committed.
describe('generated rule docs', () => {
  it('are up to date (run `npm run docs` if this fails)', async () => {
    const expected = await renderAllDocs(loadRules().rules);
    const dir = join(ROOT, 'docs', 'rules');
    const committed = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
    expect(committed, 'docs/rules/ must hold exactly one page per rule plus README.md — run `npm run docs`').toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(readFileSync(join(dir, name), 'utf8'), `docs/rules/${name} is stale — run \`npm run docs\``).toBe(text);
    }
  });
});
