import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectPaths } from '../../src/inputs/collect.js';

/**
 * The chart folders and kustomizations found while scanning are remembered for one scan only: a second
 * scan in the same process (an editor integration, a test run) sees a kustomization or a Chart.yaml that
 * changed in between.
 */

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function write(dir: string, files: Record<string, string | null>): void {
  for (const [p, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, p), { force: true });
    else {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
  }
}
const PATCH = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  template:\n    spec:\n      containers: [{name: worker, image: registry.example.com/w:1}]\n';
const formats = async (dir: string) => Object.fromEntries((await collectPaths([dir], { cwd: dir })).inputs.map((i) => [i.path, i.format]));

describe('unrendered manifest sources are looked up once per scan', () => {
  it('a kustomization that stops naming a patch, and a Chart.yaml that appears, are seen by the next scan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-unrendered-'));
    dirs.push(dir);
    write(dir, { 'overlay/kustomization.yaml': 'resources: []\npatches:\n  - path: patch.yaml\n', 'overlay/patch.yaml': PATCH, 'chart/templates/worker.yaml': PATCH });
    expect(await formats(dir)).toMatchObject({ 'overlay/patch.yaml': 'kustomize-patch', 'chart/templates/worker.yaml': 'kubernetes' });

    write(dir, { 'overlay/kustomization.yaml': 'resources: [patch.yaml]\n', 'chart/Chart.yaml': 'apiVersion: v2\nname: worker\nversion: 0.1.0\n' });
    expect(await formats(dir)).toMatchObject({ 'overlay/patch.yaml': 'kubernetes', 'chart/templates/worker.yaml': 'helm-template' });

    write(dir, { 'overlay/kustomization.yaml': null, 'chart/Chart.yaml': null });
    expect(await formats(dir)).toMatchObject({ 'overlay/patch.yaml': 'kubernetes', 'chart/templates/worker.yaml': 'kubernetes' });
  });
});
