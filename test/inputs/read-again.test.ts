import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAgain, readAgainOf } from '../../src/inputs/read-again.js';
import { InputError } from '../../src/inputs/types.js';
import { tempDir } from '../helpers/cli.js';

describe('reading a file again once its text was released', () => {
  it('reads it by its display path under the shared root', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'worker.env'), 'A=1\n');
    expect(readAgain(readAgainOf('worker.env', join(dir, 'worker.env')), 'worker.env')).toBe('A=1\n');
  });

  it('a file gone since the first read is an input error with the reason in words, not an errno code', () => {
    const dir = tempDir();
    let err: unknown;
    try {
      readAgain(readAgainOf('gone.env', join(dir, 'gone.env')), 'gone.env');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('gone.env: cannot be read again: no such file or folder');
  });
});
