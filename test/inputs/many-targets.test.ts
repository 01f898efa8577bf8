import { describe, expect, it } from 'vitest';
import { collectFile, emptyCollected } from '../../src/inputs/collect.js';
import type { InputHandler } from '../../src/inputs/types.js';
import type { Target } from '../../src/model/target.js';
import { renderText, textPieces } from '../../src/report/text.js';
import { pushAll } from '../../src/util/arrays.js';
import { finding, makeReport } from '../report/helpers.js';

// A 9 MB manifest of 65,000 pods makes 130,000 targets: `targets.push(...list)` passed them as arguments
// and V8 threw "Maximum call stack size exceeded", so the file was "cannot be read" (exit 2).
const MANY = 150_000;

describe('inputs and reports far larger than a call stack', () => {
  it('pushAll appends every item, from an array or any iterable', () => {
    const into = [0];
    pushAll(into, Array.from({ length: MANY }, (_, i) => i + 1));
    pushAll(into, new Set([-1, -2]));
    expect(into).toHaveLength(MANY + 3);
    expect([into[0], into[MANY], into[MANY + 2]]).toEqual([0, MANY, -2]);
  });

  it('a file whose handler returns 150,000 targets is collected whole', () => {
    const handler: InputHandler = {
      format: 'many',
      items: ['image-hardening'],
      detect: () => true,
      parse: () => ({
        targets: Array.from({ length: MANY }, (_, i): Target<object> => ({ kind: 'container', id: `c${i}`, name: `c${i}`, data: {}, locations: new Map(), suppressions: [] }) as unknown as Target<object>),
        skipped: [],
      }),
    };
    const out = emptyCollected();
    collectFile({ path: 'pods.yaml', absPath: null, text: '', yaml: () => ({ docs: [] }), fastYaml: () => ({ docs: [] }) } as never, [handler], out);
    expect(out.inputs).toEqual([expect.objectContaining({ path: 'pods.yaml', status: 'parsed', targets: MANY })]);
    expect(out.targets.filter((t) => t.kind === 'container')).toHaveLength(MANY);
  });

  it('the text report of 150,000 findings under one item renders', () => {
    const findings = Array.from({ length: MANY }, (_, i) => finding('container-privileged', { location: { file: 'pods.yaml', line: i + 1 } }));
    const text = renderText(makeReport({ findings }), { color: false, quiet: false, verbose: false });
    expect(text.split('\n').filter((l) => l.includes('pods.yaml:')).length).toBe(MANY);
  });

  it('the text report is written in pieces of a few hundred lines, which join to the whole', () => {
    const report = makeReport({ findings: Array.from({ length: 5000 }, (_, i) => finding('container-privileged', { location: { file: 'pods.yaml', line: i + 1 } })) });
    for (const opts of [{ color: false }, { color: false, quiet: true }, { color: true, verbose: true }]) {
      const pieces = [...textPieces(report, opts)];
      expect(pieces.length).toBeGreaterThan(10);
      expect(Math.max(...pieces.map((p) => p.split('\n').length))).toBeLessThanOrEqual(257);
      expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
      // Every place once, in line order, and the summary last, as one string would have them.
      const lines = pieces.join('').split('\n');
      const places = lines.filter((l) => l.includes('pods.yaml:')).map((l) => Number(/pods\.yaml:(\d+)/.exec(l)![1]));
      expect(places).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
      expect(lines.at(-2)!.replace(/\x1b\[\d+m/g, '')).toMatch(/^FAIL: 5000 failing findings/);
    }
  });
});
