import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { closest } from '../../src/engine/ajv.js';

describe('unknown keys name the key they probably meant', () => {
  it('closest: a typo, a swap, a missing letter; nothing for an unrelated word or a short key two edits away', () => {
    const keys = ['waivers', 'attestations', 'trustBoundaries', 'keys', 'secrets', 'egress', 'exclude'];
    expect(closest('waviers', keys)).toBe('waivers');
    expect(closest('trustboundaries', keys)).toBe('trustBoundaries');
    expect(closest('secret', keys)).toBe('secrets');
    expect(closest('exclde', keys)).toBe('exclude');
    expect(closest('xyz', keys)).toBeUndefined();
    expect(closest('kes', ['keys', 'kind'])).toBe('keys');
    expect(closest('ab', ['keys'])).toBeUndefined();
  });

  it('sandcheck.yaml: every unknown key with its line, a suggestion where one is close, and no "missing" line for the key a typo meant', () => {
    const text = 'waviers: []\nkeys: {maxAgeDay: 30}\nsecrets: {ignore: [{fingerprnt: x, reason: y}]}\nxyz: 1\n';
    expect(() => parseConfig(text, 'sandcheck.yaml')).toThrow(
      [
        'sandcheck.yaml:1:1: (top level): unknown key "waviers" (did you mean "waivers"?)',
        '  sandcheck.yaml:2:8: /keys: unknown key "maxAgeDay" (did you mean "maxAgeDays"?)',
        '  sandcheck.yaml:3:21: /secrets/ignore/0: unknown key "fingerprnt" (did you mean "fingerprint"?)',
        '  sandcheck.yaml:4:1: (top level): unknown key "xyz"',
      ].join('\n'),
    );
  });

  it('a missing key that no typo explains is still reported beside the typo', () => {
    expect(() => parseConfig('secrets: {ignore: [{fingerprnt: x}]}\n', 'sandcheck.yaml')).toThrow(
      'sandcheck.yaml:1:20: /secrets/ignore/0: missing required key "reason"\n  sandcheck.yaml:1:21: /secrets/ignore/0: unknown key "fingerprnt" (did you mean "fingerprint"?)',
    );
  });
});
