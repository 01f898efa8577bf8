import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/inputs/envfile/parse.js';
import { InputError } from '../../src/inputs/types.js';

/**
 * An env-file error points at its line and never at a column right after a value: that column minus
 * where the value starts is the value's length. Fake value, generated for this test.
 */
const KEY = 'Tz7Qm4Wp2Ls9Vb3Nx8Kc5Rd1Gh6Jf0Ye';
const error = (text: string): InputError => {
  try {
    parseDotenv(text, 'app/.env');
  } catch (e) {
    return e as InputError;
  }
  throw new Error('parsed');
};

describe('env-file errors', () => {
  it('text after a quoted value: the line, no column', () => {
    const e = error(`A=1\nAPI_TOKEN="${KEY}" trailing\n`);
    expect(e.message).toBe('app/.env:2: unexpected text after the quoted value of API_TOKEN');
    expect(e.column).toBeUndefined();
  });
  it('an unclosed quote is placed where the value starts (that tells nothing of its length)', () => {
    const e = error(`A=1\nAPI_TOKEN="${KEY}\n`);
    expect(e.message).toBe('app/.env:2:11: the quoted value of API_TOKEN is never closed');
  });
  it('a line that is no assignment: its place once, not the line number again in the reason', () => {
    expect(error('A=1\n  =orphan\n').message).toBe('app/.env:2:3: not a NAME=value line');
  });
});
