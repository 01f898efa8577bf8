import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { blockScalarAt, positionInValue } from '../../src/inputs/block-scalar.js';
import type { SourceFile } from '../../src/inputs/types.js';
import type { Report } from '../../src/model/finding.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { scan, tempTrees } from './helpers.js';

const file = (text: string): SourceFile => ({ path: 'x.yaml', absPath: null, text, yaml: () => ({ docs: [] }), fastYaml: () => ({ docs: [] }) });

/**
 * Every line blockScalarAt records must start, in the value js-yaml parses, at the offset it gives:
 * the folding arithmetic checked against a real YAML parser.
 */
function checkAgainstParser(text: string, keyLine: number, keyColumn: number, key: string): { line: number; column: number }[] {
  const value = (jsyaml.load(text) as Record<string, string>)[key]!;
  const block = blockScalarAt(file(text), { line: keyLine, column: keyColumn });
  expect(block).not.toBeNull();
  const lines = text.split(/\r?\n/);
  const out: { line: number; column: number }[] = [];
  for (let i = 0; i < block!.lines.length; i += 3) {
    const [offset, line, column] = [block!.lines[i]!, block!.lines[i + 1]!, block!.lines[i + 2]!];
    const content = lines[line - 1]!.slice(column - 1);
    expect(value.slice(offset, offset + content.length), `line ${line}`).toBe(content);
    out.push({ line, column });
  }
  return out;
}

describe('blockScalarAt: where the lines of a block scalar are in the file', () => {
  it('literal (|): every line, blank lines kept, more-indented lines with their extra spaces', () => {
    const text = 'k: |\n  one\n\n    two\n  three\nnext: 1\n';
    expect(checkAgainstParser(text, 1, 1, 'k')).toEqual([
      { line: 2, column: 3 },
      { line: 4, column: 3 },
      { line: 5, column: 3 },
    ]);
  });

  it('folded (>, >-): lines joined by spaces, a blank line kept as a break, more-indented lines not folded', () => {
    const text = 'k: >-\n\n  a b\n  c\n\n  d\n\n\n  e\n    f\n  g\nnext: 1\n';
    expect(checkAgainstParser(text, 1, 1, 'k').map((p) => p.line)).toEqual([3, 4, 6, 9, 10, 11]);
  });

  it('explicit indentation (|2), a comment after the header, CRLF line ends, a key in a list item', () => {
    expect(checkAgainstParser('k: |2 # note\n    indented\n  flush\n', 1, 1, 'k')).toEqual([
      { line: 2, column: 3 },
      { line: 3, column: 3 },
    ]);
    expect(checkAgainstParser('k: >\r\n  one\r\n  two\r\n', 1, 1, 'k').map((p) => p.line)).toEqual([2, 3]);
    const list = 'env:\n  - name: A\n    value: >-\n      x\n      y\n';
    expect(blockScalarAt(file(list), { line: 3, column: 5 })?.start).toMatchObject({ line: 4, column: 7 });
  });

  it('not a block scalar: plain, quoted, a `|` inside a value, an empty block', () => {
    for (const text of ['k: plain\n', 'k: "a|b"\n', 'k: a | b\n', 'k: |\nnext: 1\n']) expect(blockScalarAt(file(text), { line: 1, column: 1 }), text).toBeNull();
  });

  it('positionInValue: an offset inside a folded line maps to its own line and column', () => {
    const text = 'k: >\n  Authorization: Bearer\n  tok-123\n';
    const block = blockScalarAt(file(text), { line: 1, column: 1 })!;
    const value = (jsyaml.load(text) as { k: string }).k;
    expect(positionInValue(block.lines, value.indexOf('tok-123'))).toEqual({ line: 3, column: 3 });
    expect(positionInValue(block.lines, value.indexOf('Bearer'))).toEqual({ line: 2, column: 18 });
  });
});

const r = rng(3141);
const tree = tempTrees('sc-secrets-block-');
const failures = (rep: Report) =>
  rep.findings
    .filter((f) => f.verdict === 'fail' && f.checklist === 'key-storage')
    .map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`)
    .sort();

describe('secrets in block-scalar env values are reported at their own line', () => {
  it('Kubernetes env[].value (| and >-) and compose environment (map form), CRLF included', async () => {
    const envKey = tokens.environmentKey(r);
    const gh = tokens.github(r);
    const slack = tokens.slack(r);
    const npm = tokens.npm(r);
    const manifest = [
      'apiVersion: v1', // 1
      'kind: Pod',
      'metadata: { name: p, namespace: a }',
      'spec:',
      '  containers:', // 5
      '    - name: c',
      '      image: registry.internal/c@sha256:' + 'f'.repeat(64),
      '      env:',
      '        - name: ANTHROPIC_ENVIRONMENT_KEY',
      '          value: |', // 10
      `            ${envKey}`,
      '        - name: HOOKS',
      '          value: >',
      '            first line of prose',
      `            then the token ${gh}`, // 15
      '            and more prose',
      '',
    ].join('\n');
    const compose = ['services:', '  w:', '    image: registry.internal/w:1', '    environment:', '      SLACK: >-', '        prefix', `        ${slack}`, '      NPMRC: |', '        always-auth=true', `        _authToken=${npm}`, ''].join('\r\n');
    const dir = tree({ 'pod.yaml': manifest, 'compose.yaml': compose });
    const rep = await scan(dir);
    expectNotPrinted(JSON.stringify(rep), [envKey, gh, slack, npm]);
    expect(failures(rep)).toEqual([
      'secret-environment-key-literal pod.yaml:11',
      'secret-provider-token compose.yaml:10',
      'secret-provider-token compose.yaml:7',
      'secret-provider-token pod.yaml:15',
    ]);
    const ghFinding = rep.findings.find((f) => f.ruleId === 'secret-provider-token' && f.location?.file === 'pod.yaml');
    expect(ghFinding?.location?.column).toBe(28);
  });
});

describe('a compose environment key that is a number is a mapping key, not a list entry', () => {
  it('"0": | and 1: >- are located at their value lines like any key; `- |` entries still start after the `=`', async () => {
    const [first, second, third] = [tokens.github(r), tokens.slack(r), tokens.npm(r)];
    const mapForm = [
      'services:', // 1
      '  w:',
      '    image: registry.internal/w:1',
      '    environment:',
      '      "0": |', // 5
      `        ${first}`,
      '      1: >-',
      '        prefix=',
      `        ${second}`, // 9
      '',
    ].join('\n');
    const listForm = ['services:', '  w:', '    image: registry.internal/w:1', '    environment:', '      - |', `        NPM_TOKEN=${third}`, ''].join('\n');
    const dir = tree({ 'map/compose.yaml': mapForm, 'list/compose.yaml': listForm });
    const rep = await scan(dir);
    expectNotPrinted(JSON.stringify(rep), [first, second, third]);
    const at = (f: Report['findings'][number]) => `${f.ruleId} ${f.location?.file}:${f.location?.line}:${f.location?.column}`;
    expect(rep.findings.filter((f) => f.verdict === 'fail' && f.checklist === 'key-storage').map(at).sort()).toEqual([
      'secret-provider-token list/compose.yaml:6:19',
      'secret-provider-token map/compose.yaml:6:9',
      'secret-provider-token map/compose.yaml:9:9',
    ]);
  });
});
