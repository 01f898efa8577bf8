import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPieces, renderJson } from '../../src/report/json.js';
import { writeTextFile } from '../../src/util/stdout.js';
import { tempDir } from '../helpers/cli.js';
import { finding, makeReport } from './helpers.js';

// The JSON report is written in pieces (src/report/json.ts); its text must stay exactly what
// JSON.stringify(report, null, 2) gives, since CI pipelines diff and parse it.
const whole = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

describe('the JSON report in pieces', () => {
  it('is the text of JSON.stringify with two spaces, for a report with findings, unicode and empty lists', () => {
    const report = makeReport({
      findings: [
        finding('container-privileged', { message: 'worker \u203a container w: privileged \u2026', remediation: 'set privileged: false\nthen redeploy' }),
        finding('container-run-as-root'),
      ],
    });
    const { evaluations, ...rest } = report;
    expect(renderJson(report)).toBe(whole(rest));
    expect(renderJson(report, { evaluations: true })).toBe(whole({ ...rest, evaluations }));
    const { evaluations: _none, ...empty } = makeReport();
    expect(renderJson(makeReport())).toBe(whole(empty));
  });

  it('is JSON.stringify for the shapes JSON treats specially', () => {
    const samples: Record<string, unknown>[] = [
      {},
      { a: undefined, b: () => 1 },
      { list: [], obj: {}, nested: [[], {}, [1, [2]], { x: [] }] },
      { holes: [undefined, () => 1, null, 0, ''], s: 'tab\there "q" \\ \u2028' },
      { when: new Date(Date.UTC(2026, 10, 24)), dates: [new Date(0)], n: -0, big: 1e21 },
      { withToJson: Object.assign([1, 2], { toJSON: () => 'custom' }) },
    ];
    for (const s of samples) expect([...jsonPieces(s)].join(''), JSON.stringify(s)).toBe(whole(s));
  });

  it('never holds a report of many findings as one piece, and cuts long lists at the right places', () => {
    const findings = Array.from({ length: 2000 }, (_, i) => finding('container-privileged', { message: `m${i} \u203a` }));
    const report = makeReport({ findings }) as unknown as Record<string, unknown>;
    const pieces = [...jsonPieces(report)];
    const text = pieces.join('');
    expect(text).toBe(whole(report));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(text.length / 5);
    for (const n of [1, 31, 32, 33, 64, 65, 255, 256, 257]) {
      const list = { 'a[b': Array.from({ length: n }, (_, i) => (i % 3 ? { i, l: [i] } : null)), after: { k: [] } };
      expect([...jsonPieces(list)].join(''), String(n)).toBe(whole(list));
    }
  });

  it('cuts long lists at any depth (SARIF results sit in runs[0].results) and stays JSON.stringify', () => {
    const long = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
    const samples: unknown[] = [
      { runs: [{ tool: { driver: { rules: long(40, (i) => ({ id: `r${i}` })) } }, results: long(100, (i) => ({ i, m: 'x \u203a', loc: [{ l: i }] })) }] },
      [long(33, (i) => i), [], {}, { deep: { deeper: { deepest: long(70, (i) => [i, { i }]) } } }],
      { a: long(33, () => undefined), b: long(34, () => () => 1), c: [long(35, () => null), undefined, () => 1], d: undefined },
      { when: new Date(0), list: long(33, (i) => new Date(i)), obj: Object.assign([1], { toJSON: () => long(40, (i) => i) }) },
      { tooDeep: [[[[[[long(50, (i) => ({ i }))]]]]]] },
      long(65, (i) => (i % 2 ? { k: long(33, (j) => j) } : 'text')),
    ];
    for (const s of samples) {
      const pieces = [...jsonPieces(s)];
      expect(pieces.join(''), JSON.stringify(s).slice(0, 80)).toBe(whole(s));
    }
    const sarifLike = { runs: [{ results: long(3200, (i) => ({ ruleId: `r${i}`, message: { text: 'm \u2026' } })) }] };
    const pieces = [...jsonPieces(sarifLike)];
    expect(pieces.join('')).toBe(whole(sarifLike));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(whole(sarifLike).length / 50);
  });

  it('is written to a file in order, pieces joined or cut around the 1 MiB chunks', () => {
    const dir = tempDir();
    const big = 'x'.repeat((1 << 20) + 17);
    // Pieces are encoded into one reused buffer: pieces that fill it, of multi-byte characters, around a long one.
    const wide = (n: number) => Array.from({ length: 5 }, (_, i) => `"${'\u00e9\u203a'.repeat(n)}${i}",`);
    const pieces = ['{"a": "', big, '", "b": [', ...wide(174_762), ...Array.from({ length: 50_000 }, (_, i) => `${i},`), ...wide(99_999), '"\u203a\ud83d\ude00"]}\n'];
    const file = join(dir, 'out.json');
    writeTextFile(file, pieces);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });
});
