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
});
