import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/analyzers/secrets/scan-text.js';

// .netrc entries are tried only where `machine` starts a word, and the hit is placed at the password.
describe('netrc-password', () => {
  it('a multi-line entry is reported at the password line and column', () => {
    const hits = scanText('# netrc\nmachine api.example.com\n  login deploy\n  password Wq4Zt8Lm2Rx7Vb3Kn9Cs\n').filter((h) => h.detector === 'netrc-password');
    expect(hits.map((h) => [h.line, h.column])).toEqual([[4, 12]]);
  });

  it('a one-line entry, at the start of the text too', () => {
    expect(scanText('machine r.example.com login ci password Tz7Qm4Wp2Ls9Vb3Nx8Kc').map((h) => [h.detector, h.line, h.column])).toEqual([['netrc-password', 1, 41]]);
  });

  it('not inside another word, and not prose that mentions a machine', () => {
    expect(scanText('xmachine r.example.com login ci password Tz7Qm4Wp2Ls9Vb3Nx8Kc').filter((h) => h.detector === 'netrc-password')).toEqual([]);
    expect(scanText('The build machine needs a password to pull images; ask ops.\n').filter((h) => h.detector === 'netrc-password')).toEqual([]);
  });
});
