import { describe, expect, it } from 'vitest';
import { seededToken } from '../helpers/tokens.js';
import { scan, tempTrees } from './helpers.js';

const KEY = `sk-ant-api03-${seededToken(93, 7)}AA`;
const tree = tempTrees('sc-same-key-');

/**
 * A file parsed by a structured handler is also scanned as text, for what the structure does not read.
 * The text scan used to drop any key the structure had found anywhere in the file, so the same key in a
 * container's args or an annotation stayed hidden until the structured place was cleaned up.
 */
describe('the same key in a place the structure does not read', () => {
  it('is reported at every line, and the places the structure read only once', async () => {
    const dir = tree({
      'pod.yaml': [
        'apiVersion: v1', // 1
        'kind: Pod', // 2
        'metadata:', // 3
        '  name: worker', // 4
        '  namespace: red', // 5
        '  annotations:', // 6
        `    debug/last-key: "${KEY}"`, // 7
        'spec:', // 8
        '  containers:', // 9
        '    - name: w', // 10
        '      image: w@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a', // 11
        `      args: ["--api-key=${KEY}"]`, // 12
        '      env:', // 13
        '        - name: ANTHROPIC_API_KEY', // 14
        `          value: ${KEY}`, // 15
        '        - name: NOTES', // 16
        '          value: |', // 17
        '            first line', // 18
        `            key ${KEY}`, // 19
        '',
      ].join('\n'),
    });
    const report = await scan(dir);
    const hits = report.findings.filter((f) => f.ruleId === 'secret-anthropic-key-literal').map((f) => [f.location.file, f.location.line]);
    expect(hits.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['pod.yaml', 7],
      ['pod.yaml', 12],
      ['pod.yaml', 15],
      ['pod.yaml', 19],
    ]);
    expect(JSON.stringify(report)).not.toContain(KEY.slice(13, 40));
  });

  const GH = `ghp_${seededToken(36, 11)}`;
  const lines = async (files: Record<string, string>) => {
    const report = await scan(tree(files));
    const hits = report.findings.filter((f) => f.ruleId === 'secret-anthropic-key-literal' || f.ruleId === 'secret-provider-token');
    return hits.map((f) => `${f.location.file}:${f.location.line}`).sort();
  };

  // The structure places a value at its key; the text scan found the same key on the value's own line
  // below it and reported the one place twice (at a line and the line next to it).
  it('reports a value that goes on below its key once: YAML on the next line, wrapped, quoted over lines', async () => {
    const pod = [
      'apiVersion: v1', // 1
      'kind: Pod', // 2
      'metadata:', // 3
      '  name: worker', // 4
      '  namespace: red', // 5
      'spec:', // 6
      '  containers:', // 7
      '    - name: w', // 8
      '      image: w@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a', // 9
      '      env:', // 10
      '        - name: A', // 11
      '          value:', // 12
      `            ${KEY}`, // 13
      '        - name: B', // 14
      '          value: "first', // 15
      `            ${GH}"`, // 16
      `      args: ["--api-key=${KEY}"]`, // 17
      '',
    ].join('\n');
    expect(await lines({ 'pod.yaml': pod })).toEqual(['pod.yaml:12', 'pod.yaml:15', 'pod.yaml:17']);
    const compose = ['services:', '  a:', '    image: a', '    environment:', '      ANTHROPIC_API_KEY:', `        ${KEY}`, '      GH: first', `        ${GH}`, ''].join('\n');
    expect(await lines({ 'compose.yaml': compose })).toEqual(['compose.yaml:5', 'compose.yaml:7']);
  });

  it('reports a Dockerfile instruction continued over lines once, with either escape character', async () => {
    const dockerfile = ['FROM scratch', 'ENV A=1 \\', `    B=${GH}`, 'RUN echo a && \\', `    curl -H "x-api-key: ${KEY}" https://example.com/`, `LABEL k=${GH}`, ''].join('\n');
    expect(await lines({ Dockerfile: dockerfile })).toEqual(['Dockerfile:2', 'Dockerfile:4', 'Dockerfile:6']);
    const backtick = ['# escape=`', 'FROM scratch', 'ENV A=1 `', `    B=${GH}`, ''].join('\n');
    expect(await lines({ Dockerfile: backtick })).toEqual(['Dockerfile:3']);
  });
});
