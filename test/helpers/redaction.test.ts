import { describe, expect, it } from 'vitest';
import { json } from './cli.js';
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

describe('json() on output that is not JSON', () => {
  const key = 'sk-ant-api03-Q7vL2mN9xR4tY8wZ1aB5cD3e';
  const failure = (stdout: string, stderr = '', secrets: string[] = []): string => {
    try {
      json({ code: 2, stdout, stderr }, secrets);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('json() accepted output that is not JSON');
  };

  it('says why, and shows only the redacted head of stdout: never stderr, never a planted key', () => {
    const message = failure(`error: ANTHROPIC_ENVIRONMENT_KEY=${key} at line 3\n`, `debug ${key}\n`);
    expectNotPrinted(message, [key]);
    expect(message).toBe('stdout is not JSON (exit 2): Unexpected token \'e\', "…" is not valid JSON; it begins "error: … at line 3\\n" (stderr not shown)');
  });

  it('masks a token cut by the head limit, whatever is left of it', () => {
    const stdout = `${'x '.repeat(97)}ab ${key}`;
    const message = failure(stdout);
    expectNotPrinted(message, [key]);
    expect(message).toBe(`stdout is not JSON (exit 2): Unexpected token 'x', "…" is not valid JSON; it begins "${'x '.repeat(97)}ab …" (stderr not shown)`);
  });

  it('removes short planted values it is told about (too short for the token mask)', () => {
    const password = 'hunter2-pw';
    const message = failure(`{"password": ${password}`, '', [password]);
    expectNotPrinted(message, [password]);
    expect(message).toBe('stdout is not JSON (exit 2): Unexpected token \'h\', "…" is not valid JSON; it begins "{\\"password\\": …" (stderr not shown)');
  });

  it('parses JSON as before', () => {
    expect(json({ code: 0, stdout: '{"schemaVersion":1}', stderr: key })).toEqual({ schemaVersion: 1 });
  });
});
