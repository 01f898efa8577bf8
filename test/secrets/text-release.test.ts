import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { reportableSecretsOf } from '../../src/analyzers/secrets/targets.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { TextFileData } from '../../src/inputs/textfile/handler.js';
import type { Target } from '../../src/model/target.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';

/**
 * A text file is scanned when its target is built and its text is not kept (the collector keeps every
 * target until the rules run): the findings come from that scan, and asking for the text reads the file.
 */
const r = rng(77);
const dir = mkdtempSync(join(tmpdir(), 'sc-text-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text targets release their text', () => {
  it('reports from the scan done at collection, and reads the file again when the text is asked for', async () => {
    const token = tokens.github(r);
    const file = join(dir, 'notes.md');
    writeFileSync(file, `# notes\ntoken: ${token}\n`);
    const collected = await collectPaths([dir], { cwd: dir });
    const target = collected.targets.find((t) => t.kind === 'textfile') as Target<TextFileData>;
    writeFileSync(file, 'changed after collection\n');
    expect(target.data.text).toBe('changed after collection\n');
    expect(reportableSecretsOf(target, collected).map((s) => [s.detector, s.location.line, s.fingerprint])).toEqual([['github-token', 2, fingerprint(token)]]);
  });

  it('keeps the text of stdin, which cannot be read twice', async () => {
    const token = tokens.github(r);
    const text = `key: ${token}\n`;
    const collected = await collectPaths(['-'], { cwd: dir, stdin: async () => text });
    const target = collected.targets.find((t) => t.kind === 'textfile') as Target<TextFileData>;
    expect(target.data.text === text).toBe(true);
    expect(reportableSecretsOf(target, collected).map((s) => [s.detector, s.location.line, s.fingerprint])).toEqual([['github-token', 1, fingerprint(token)]]);
  });

  it('a file gone by the time its text is asked for is an input error naming it, not an empty text', async () => {
    const file = join(dir, 'gone.txt');
    writeFileSync(file, 'nothing here\n');
    const collected = await collectPaths([file], { cwd: dir });
    const target = collected.targets.find((t) => t.kind === 'textfile') as Target<TextFileData>;
    rmSync(file);
    expect(() => target.data.text).toThrow('gone.txt: cannot be read again: no such file or folder');
  });
});
