import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, judge, loadForm } from './harness.js';
import { SCENARIOS } from './scenarios.js';

/** The same scenarios as kernel.test.ts, on the kernel output committed under fixtures/egress/kernel/ (no root needed). */
describe('egress verdicts on committed kernel output', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.trap}`, () => {
      const dir = join('fixtures/egress/kernel', s.name);
      expect(existsSync(dir), `${dir} missing: run SANDCHECK_WRITE_FIXTURES=1 npx vitest run test/egress/kernel.test.ts as root`).toBe(true);
      const problems = s.forms.flatMap((form) => check(s, form, judge(s, loadForm(dir, form, s.withIpset))));
      expect(problems).toEqual([]);
    });
  }
});
