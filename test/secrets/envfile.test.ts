import { envfileTarget } from '../../src/inputs/envfile/handler.js';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/inputs/envfile/parse.js';
import { envfileHandler, isEnvFileName } from '../../src/inputs/envfile/handler.js';
import { InputError, type SourceFile } from '../../src/inputs/types.js';

function source(path: string, text: string): SourceFile {
  return { path, absPath: null, text, yaml: () => { throw new Error('not yaml'); } } as unknown as SourceFile;
}

describe('dotenv grammar', () => {
  it('reads the forms people write', () => {
    const text = [
      '# comment',
      '',
      'PLAIN=value',
      'export EXPORTED=1',
      '  SPACED = padded value   ',
      'INLINE=abc # trailing comment',
      'HASH=ab#cd',
      "SINGLE='lit $HOME \\n'",
      'DOUBLE="a\\nb \\"q\\""',
      'BACKTICK=`tick`',
      'MULTI="line1',
      'line2"',
      'AFTER=x',
      'REF=${OTHER}',
      'EMPTY=',
      'BARE',
      'COLON: yes',
      'dotted.name=1',
    ].join('\n');
    const { entries, comments } = parseDotenv(text, '.env');
    expect(entries.map((e) => [e.name, e.value, e.line, e.column])).toEqual([
      ['PLAIN', 'value', 3, 7],
      ['EXPORTED', '1', 4, 17],
      ['SPACED', 'padded value', 5, 12],
      ['INLINE', 'abc', 6, 8],
      ['HASH', 'ab#cd', 7, 6],
      ['SINGLE', 'lit $HOME \\n', 8, 8],
      ['DOUBLE', 'a\nb "q"', 9, 8],
      ['BACKTICK', 'tick', 10, 10],
      ['MULTI', 'line1\nline2', 11, 7],
      ['AFTER', 'x', 13, 7],
      ['REF', '${OTHER}', 14, 5],
      ['EMPTY', '', 15, 7],
      ['BARE', null, 16, 5],
      ['COLON', 'yes', 17, 8],
      ['dotted.name', '1', 18, 13],
    ]);
    expect(entries[1]!.exported).toBe(true);
    expect(comments.map((c) => [c.text, c.line, c.column])).toEqual([
      ['# comment', 1, 1],
      ['# trailing comment', 6, 12],
    ]);
  });

  it('expands \\n-escaped PEM blocks in double quotes', () => {
    const { entries } = parseDotenv('KEY="-----BEGIN X-----\\nabc\\n-----END X-----"\n', '.env');
    expect(entries[0]!.value).toBe('-----BEGIN X-----\nabc\n-----END X-----');
  });

  it('handles CRLF and a BOM', () => {
    const { entries } = parseDotenv('\ufeffA=1\r\nB="2"\r\n# c\r\n', '.env');
    expect(entries.map((e) => [e.name, e.value, e.line])).toEqual([
      ['A', '1', 1],
      ['B', '2', 2],
    ]);
  });

  it('a comment after a multi-line value is on the closing line', () => {
    const { comments, entries } = parseDotenv('K="a\nb" # note\nN=1\n', '.env');
    expect(comments).toEqual([{ text: '# note', line: 2, column: 4 }]);
    expect(entries[1]).toMatchObject({ name: 'N', line: 3 });
  });

  const bad: [string, string, number][] = [
    ['not an assignment', 'A=1\nthis is prose\n', 2],
    ['unterminated quote', 'A=1\nB="Sekr3tValue\nC=3\n', 2],
    ['text after a quoted value', "A='x' Sekr3tValue\n", 1],
    ['bad name', '1A=2\n', 1],
  ];
  for (const [why, text, line] of bad) {
    it(`rejects ${why} with the file and line, never echoing the value`, () => {
      let err: unknown;
      try {
        parseDotenv(text, 'conf/.env');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).file).toBe('conf/.env');
      expect((err as InputError).line).toBe(line);
      expect((err as InputError).message).not.toContain('Sekr3tValue');
    });
  }
});

describe('envfile handler', () => {
  it('claims .env, .env.*, *.env and nothing else', () => {
    for (const p of ['.env', 'app/.env.production', 'deploy/worker.env', '.env.example']) expect(isEnvFileName(p), p).toBe(true);
    for (const p of ['.envrc', 'env', 'environment.yaml', 'app/.env/x.yaml', 'x.envy']) expect(isEnvFileName(p), p).toBe(false);
  });

  it('emits one envfile target with a location per entry and value', () => {
    const { targets } = envfileHandler.parse(source('deploy/.env', '# x\nANTHROPIC_ENVIRONMENT_KEY=${KEY}\nB="q"\n'));
    expect(targets).toHaveLength(1);
    const t = targets[0]!;
    expect([t.kind, t.id, t.platform, t.file]).toEqual(['envfile', 'envfile:deploy/.env', 'file', 'deploy/.env']);
    expect(t.locations.get('/entries/0/value')).toEqual({ file: 'deploy/.env', line: 2, column: 27 });
    expect(t.locations.get('/entries/1')).toEqual({ file: 'deploy/.env', line: 3, column: 1 });
    expect((t.data as { sops: boolean }).sops).toBe(false);
  });

  it('recognises SOPS-encrypted dotenv files', () => {
    const { targets } = envfileHandler.parse(source('.env.enc', 'KEY=ENC[AES256_GCM,data:abc,iv:d,tag:e,type:str]\nsops_version=3.8.1\n'));
    expect((targets[0]!.data as { sops: boolean }).sops).toBe(true);
  });
});

describe('env-file target locations', () => {
  const text = '# top\nA=1\nexport B="two\nlines"  # note\n\nC=3\n';
  const target = () => envfileTarget({ path: 'x/.env', absPath: null, text, yaml: () => { throw new Error('no'); }, fastYaml: () => { throw new Error('no'); } });

  it('answers get() for entries, values and comments without building the map, and the same as the built map', () => {
    const lazy = target().locations;
    const full = target().locations;
    expect(full.size).toBe(1 + 3 * 2 + 2);
    const pointers = [...full.keys()];
    expect(pointers).toEqual(['', '/entries/0', '/entries/0/value', '/entries/1', '/entries/1/value', '/entries/2', '/entries/2/value', '/comments/0', '/comments/1']);
    for (const p of pointers) expect(lazy.get(p), p).toEqual(full.get(p));
    expect(lazy.get('/entries/1/value')).toEqual({ file: 'x/.env', line: 3, column: 10 });
    expect(lazy.get('/comments/1')).toEqual({ file: 'x/.env', line: 4, column: 9 });
    for (const p of ['/entries/3', '/entries/01', '/comments/0/value', '/entries', '/sops']) expect(lazy.get(p), p).toBeUndefined();
  });
});

describe('env-file target locations after the parse is released', () => {
  it('come from the one parse: no second read of the file (a file gone after collection still has its locations)', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { collectPaths } = await import('../../src/inputs/collect.js');
    // The secret detector installs the env-file scanner: after it ran, the target's parse is released.
    await import('../../src/analyzers/secrets/targets.js');
    const dir = mkdtempSync(join(tmpdir(), 'sc-env-loc-'));
    try {
      writeFileSync(join(dir, '.env'), '# top\nA=1\nexport B="two\nlines"  # note\n\nC=3\n');
      const collected = await collectPaths([dir], { cwd: dir });
      const target = collected.targets.find((t) => t.kind === 'envfile')!;
      rmSync(join(dir, '.env'));
      // Before: the first lookup parsed the file again (and kept that parse), so this threw "cannot be read again".
      expect(target.locations.get('/entries/1/value')).toEqual({ file: '.env', line: 3, column: 10 });
      expect(target.locations.get('/entries/2')).toEqual({ file: '.env', line: 6, column: 1 });
      expect(target.locations.get('/comments/1')).toEqual({ file: '.env', line: 4, column: 9 });
      expect(target.locations.get('/entries/3')).toBeUndefined();
      expect([...target.locations.keys()]).toEqual(['', '/entries/0', '/entries/0/value', '/entries/1', '/entries/1/value', '/entries/2', '/entries/2/value', '/comments/0', '/comments/1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
