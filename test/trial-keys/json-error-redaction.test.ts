import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha, tarOf } from '../image/helpers/craft.js';
import { jsonSyntaxError } from '../../src/inputs/json-error.js';
import { buildCli, runCli } from '../workflow/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

/**
 * Node 20's JSON.parse quotes up to 10 characters either side of a syntax error
 * (`Unexpected token ']', ..."23456789",]}" is not valid JSON`). An input error that passed that
 * message on printed the end of a value written just before the error: in an image config, the end
 * of an `Env` key. Fake values, generated for this test.
 */
const KEY = 'Qm7vT2xLp9RzW4bYk8NcHs3JdF6gUa1E';

let cli: { bin: string; cleanup(): void };
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-json-error-'));
  // A docker save archive whose config has a trailing comma right after the key.
  const config = Buffer.from(`{"architecture":"amd64","os":"linux","config":{"Env":["ANTHROPIC_ENVIRONMENT_KEY=${KEY}",]}}`);
  const cfgName = `${sha(config).slice(7)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: ['trial/broken:1'], Layers: [] }]));
  writeFileSync(join(dir, 'broken.tar'), await tarOf([{ name: cfgName, content: config }, { name: 'manifest.json', content: manifest }]));
  // The key right before the bad token, where V8's excerpt would quote it.
  writeFileSync(join(dir, 'rules.nft.json'), `{"nftables":["${KEY}",]}\n`);
  mkdirSync(join(dir, 'etc', 'docker'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'docker', 'daemon.json'), `{"iptables": false,\n "registry-mirrors": ["${KEY}",]}\n`);
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('JSON syntax errors quote nothing of the input', () => {
  it('sandcheck image: a malformed image config is an input error without the end of its Env value', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = runCli(cli.bin, ['image', join(dir, 'broken.tar'), '--format', format]);
      expectNotPrinted(r.stdout + r.stderr, [KEY]);
      expect(r.status).toBe(2);
      expect(r.stderr.includes('the image config') && r.stderr.includes('is not valid JSON'), 'input error named').toBe(true);
    }
  });

  it('nft -j output: the error names the file and line, and quotes nothing', () => {
    const r = runCli(cli.bin, ['scan', join(dir, 'rules.nft.json'), '--format', 'json']);
    expectNotPrinted(r.stdout + r.stderr, [KEY]);
    expect(r.status).toBe(2);
    expect(r.stderr.includes(`${join(dir, 'rules.nft.json')}:1: not valid JSON: Unexpected token ']'\n`), 'file:line and V8 words').toBe(true);
  });

  it('Docker daemon.json: the error is at its line (no column: it would tell the length of the value before it) and quotes nothing', () => {
    const r = runCli(cli.bin, ['scan', join(dir, 'etc')]);
    expectNotPrinted(r.stdout + r.stderr, [KEY]);
    expect(r.status).toBe(2);
    expect(r.stderr.includes(`daemon.json:2: not valid JSON: Unexpected token ']'\n`), 'file:line and V8 words').toBe(true);
  });
});

describe('jsonSyntaxError', () => {
  const parse = (text: string) => {
    try {
      JSON.parse(text);
    } catch (e) {
      return jsonSyntaxError(e, text);
    }
    throw new Error('parsed');
  };
  it('turns a position into a line', () => {
    expect(parse('{\n  "a": "b" "c"\n}')).toEqual({ reason: "Expected ',' or '}' after property value", line: 2 });
  });
  it('drops the excerpt of the text and places the bad token on its line', () => {
    expect(parse(`{"a": 1,\n"Env":["K=${KEY}",]}`)).toEqual({ reason: "Unexpected token ']'", line: 2 });
  });
  it('an excerpt at the start of the text gives its line only as far as it is known', () => {
    expect(parse('{"a":x}')).toEqual({ reason: "Unexpected token 'x'", line: 1 });
    expect(parse('[1,\n2,]')).toEqual({ reason: "Unexpected token ']'" });
  });
  it('a position after the JSON is a line too', () => {
    expect(parse('{"a": 1}\n x')).toEqual({ reason: 'Unexpected non-whitespace character', line: 2 });
  });
  it('an error without a place keeps its words', () => {
    expect(parse('{"a": ')).toEqual({ reason: 'Unexpected end of JSON input' });
  });
});
