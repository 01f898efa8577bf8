import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/inputs/types.js';
import { parseYamlFast } from '../../src/util/yaml-fast.js';
import { parseYaml } from '../../src/util/yaml-source.js';
import { json, sandcheck } from '../helpers/cli.js';

// Ten levels of nine aliases each: 9^10 (3.5 billion) nodes once read as a tree, in 14 lines.
const bomb = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: lol',
  '  annotations:',
  `    x0: &a0 [${Array(9).fill('"lol"').join(', ')}]`,
  ...Array.from({ length: 9 }, (_, i) => `    x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`),
  'spec:',
  '  containers:',
  '    - {name: c, image: "busybox@sha256:' + 'a'.repeat(64) + '"}',
  '',
].join('\n');

const cycle = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cyc\n  annotations: &a\n    x: *a\nspec:\n  containers: [{name: c, image: busybox}]\n';

// The yaml package stops a bomb first, on its own alias count; the fast reader on the node budget.
const readers = [
  ['fast (js-yaml) reader', parseYamlFast, 'YAML aliases expand to more than 1,000,000 nodes (an alias bomb?)'],
  ['yaml package reader', parseYaml, 'YAML could not be resolved: Excessive alias count indicates a resource exhaustion attack'],
] as const;

describe.each(readers)('YAML aliases: %s', (_, read, bombReason) => {
  it('refuses an alias bomb with the file and the reason', () => {
    expect(() => read(bomb, 'bomb.yaml')).toThrow(new InputError('bomb.yaml', bombReason));
  });

  it('refuses an alias that refers to a node containing it', () => {
    expect(() => read(cycle, 'cycle.yaml')).toThrow(new InputError('cycle.yaml', 'a YAML alias refers to a node that contains it (a cycle)'));
  });

  it('reads shared aliases and merge keys as the trees they stand for', () => {
    const text = 'labels: &l {app: worker-with-a-long-name, tier: sandbox}\na: {labels: *l}\nb:\n  <<: *l\n  extra: yes-a-long-value-here\n';
    expect(read(text, 'ok.yaml').docs[0]!.value).toEqual({
      labels: { app: 'worker-with-a-long-name', tier: 'sandbox' },
      a: { labels: { app: 'worker-with-a-long-name', tier: 'sandbox' } },
      b: { app: 'worker-with-a-long-name', tier: 'sandbox', extra: 'yes-a-long-value-here' },
    });
  });
});

describe('sandcheck scan of an alias bomb', () => {
  it('exits 2 at once, naming the file and the reason, and still reports the other inputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandcheck-bomb-'));
    writeFileSync(join(dir, 'bomb.yaml'), bomb);
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers: [{name: c, image: "busybox@sha256:' + 'b'.repeat(64) + '"}]\n');
    // Before the budget, this run did not end: a tree walk over 3.5 billion nodes.
    const r = sandcheck(['scan', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    const report = json(r);
    expect(report.inputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: expect.stringMatching(/bomb\.yaml$/), status: 'error', error: expect.stringMatching(/bomb\.yaml: YAML aliases expand to more than 1,000,000 nodes \(an alias bomb\?\)$/) }),
        expect.objectContaining({ path: expect.stringMatching(/pod\.yaml$/), status: 'parsed' }),
      ]),
    );
    expect(report.findings.some((f: { location: { file: string } }) => f.location.file.endsWith('pod.yaml'))).toBe(true);
  });
});
