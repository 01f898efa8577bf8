import { describe, expect, it } from 'vitest';
import { PROVIDER_RULES, scanText } from '../../src/analyzers/secrets/index.js';

/**
 * Every rule against inputs built to make a backtracking regex explode: long runs of each rule's
 * keyword and character classes with no valid ending. Linear rules finish 1 MB in well under a second.
 */
describe('no catastrophic backtracking', () => {
  const size = 1 << 20;
  const fillers = [
    (k: string) => (k + 'A'.repeat(200) + ' ').repeat(Math.ceil(size / (k.length + 201))),
    (k: string) => (k + '-'.repeat(500)).repeat(Math.ceil(size / (k.length + 500))),
    (k: string) => k + 'a:'.repeat(size / 2),
    (k: string) => (k + '\n' + 'value: '.repeat(50)).repeat(Math.ceil(size / (k.length + 351))),
  ];
  for (const rule of PROVIDER_RULES) {
    it(rule.id, () => {
      for (const fill of fillers) {
        const text = fill(rule.keywords[0]!).slice(0, size);
        const t0 = performance.now();
        scanText(text);
        expect(performance.now() - t0, `${rule.id} took too long`).toBeLessThan(3000);
      }
    });
  }
  it('BEGIN markers without an END', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\n' + 'QUJD\n'.repeat(2000);
    const t0 = performance.now();
    scanText(text.repeat(50));
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
