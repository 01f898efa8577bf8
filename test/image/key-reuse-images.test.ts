import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dockerArchive, file } from './helpers/craft.js';
import { tmp } from './helpers/scan.js';

/**
 * `sandcheck image a b` with one key in both images: key reuse across trust boundaries is not judged on
 * images (an image belongs to no boundary; NOT_FOR_IMAGE_COMMAND in src/cli/image-common.ts). Each
 * image fails the key-storage rule for the key, with the same fingerprint, and workload-isolation is
 * not assessed: never a pass. A sandcheck.yaml boundary (by path glob or label) claims no image.
 */
const KEY = tokens.npm(rng(7741));

async function image(tenant: string): Promise<Buffer> {
  return dockerArchive({
    config: { User: '10001:10001', Env: [`NPM_TOKEN=${KEY}`], Labels: { tenant } },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file:abababababababababababababababababababababababababababababababab in / ' }],
    layers: [[file(`app/${tenant}`, '1')]],
  });
}

interface Report {
  findings: { ruleId: string; location: { uri?: string; detail?: string }; evidence?: { fingerprint?: string } }[];
  checklist: { id: string; verdict: string; note?: string }[];
}

describe('one key in two images', () => {
  it('each image fails image-secret-env with the same fingerprint; no key-reuse finding; workload-isolation not assessed', async () => {
    const dir = tmp();
    for (const t of ['red', 'blue']) {
      mkdirSync(join(dir, t));
      writeFileSync(join(dir, t, 'worker.tar'), await image(t));
    }
    writeFileSync(
      join(dir, 'sandcheck.yaml'),
      ['trustBoundaries:', '  - { name: red, paths: ["red/**"] }', '  - { name: blue, paths: ["blue/**"] }', '  - { name: red-label, labels: { tenant: red } }', ''].join('\n'),
    );
    const res = sandcheck(['image', 'red/worker.tar', 'blue/worker.tar', '-f', 'json'], { cwd: dir });
    expectNotPrinted(res.stdout + res.stderr, [KEY]);
    expect(res.code).toBe(1);
    const report = json<Report>(res, [KEY]);
    expect(report.findings.filter((f) => f.ruleId === 'image-secret-env').map((f) => [f.location.uri!.replace(/@sha256:[0-9a-f]{64}$/, ''), f.location.detail, f.evidence?.fingerprint])).toEqual([
      ['image://red/worker.tar', 'config Env NPM_TOKEN', fingerprint(KEY)],
      ['image://blue/worker.tar', 'config Env NPM_TOKEN', fingerprint(KEY)],
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries')).toEqual([]);
    expect(report.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('not-assessed');
    // The boundaries claim no image, and an image run does not judge them: one sandcheck.yaml serves
    // scan, docker and image runs without noise (src/analyzers/secrets/boundary-coverage.ts).
    expect(report.findings.filter((f) => f.ruleId === 'trust-boundary-unmatched')).toEqual([]);
    expect(res.stderr).toBe('');
  });
});
