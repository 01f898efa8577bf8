import { describe, expect, it } from 'vitest';
import { classifyPair, fingerprint, scanText } from '../../src/analyzers/secrets/index.js';

/** Near misses and misses found by the adversarial trial of issue #3. Fake values, generated for this test. */
describe('passwords in URLs without a user name', () => {
  const password = 'Vq7TnR2xKp9LmW4sBz8c';
  it('redis://:password@host is a password in a URL (Redis AUTH has no user)', () => {
    const hits = scanText(`cache:\n  url: redis://:${password}@cache.internal:6379/0\n`);
    expect(hits.map((h) => [h.detector, h.line, h.fingerprint])).toEqual([['url-credentials', 2, fingerprint(password)]]);
  });
  it('also as a value read from a file structure', () => {
    const hits = classifyPair('REDIS_URL', `rediss://:${password}@cache.internal:6380`, { line: 3 });
    expect(hits.map((h) => [h.detector, h.fingerprint])).toEqual([['url-credentials', fingerprint(password)]]);
  });
  it('a reference or a port in the password place is not a password', () => {
    expect(scanText('url: redis://:${REDIS_PASSWORD}@cache:6379\n')).toEqual([]);
    expect(scanText('see http://:@host and ftp://:x@h\n')).toEqual([]);
  });
});
