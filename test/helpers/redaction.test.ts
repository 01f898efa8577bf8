import { describe, expect, it } from 'vitest';
import { expectNotPrinted } from './redaction.js';

describe('expectNotPrinted', () => {
  const key = 'sk-ant-api03-Q7vL2mN9xR4tY8wZ1aB5cD3e';
  it('fails on any 8-character window of the value, naming only its index and offset', () => {
    expect(() => expectNotPrinted(`x ${key.slice(20, 28)} y`, ['unrelated-value', key])).toThrow(/^value #1 is printed: its window at offset 7 /);
    let message = '';
    try {
      expectNotPrinted(`x ${key} y`, [key]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('value #0 is printed: its window at offset 0 (after any public prefix) appears in the output');
  });
  it('passes on the public prefix alone and on a redacted form', () => {
    expect(() => expectNotPrinted('sk-ant-api03-… ****:0123456789ab', [key])).not.toThrow();
  });
  it('refuses a value too short to be checked', () => {
    expect(() => expectNotPrinted('', ['ghp_1234'])).toThrow('value #0 is shorter than one window');
  });
});
