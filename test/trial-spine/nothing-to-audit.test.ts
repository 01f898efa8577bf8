import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * A run in which no rule applied to anything (every checklist item not assessed) audited nothing: a
 * Kubernetes file holding only kinds that carry no evidence (a Backstage Component, a Service, a
 * Kustomization) is recognised, but a gate that says PASS with exit 0 for it is a silent pass.
 */

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const NOTHING = 'sandcheck: nothing to audit: the inputs were read, but no rule applies to anything in them (every checklist item is not assessed)\n';

describe('nothing to audit', () => {
  it('exits 2 when the only Kubernetes objects carry no evidence', () => {
    const dir = tree({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: agent-worker}\nspec: {type: service}\n',
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: agent-worker}\nspec:\n  ports: [{port: 80}]\n',
    });
    const r = sandcheck(['scan', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(NOTHING);
    expect(r.stdout).toContain('ERROR — nothing to audit: 0 failing findings');
    const report = json(sandcheck(['scan', '.', '--format', 'json'], { cwd: dir }));
    expect(report.summary).toMatchObject({ verdict: 'error', exitCode: 2, inputs: { parsed: 2, recognised: 2 } });
  });

  it('exits 2 for a kustomize overlay folder (a kustomization and its patches), which only kustomize build makes a manifest of', () => {
    const dir = tree({
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n  - path: replicas.yaml\n',
      'replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: 3}\n',
    });
    const r = sandcheck(['scan', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    // The patch is judged once built: the line says how.
    expect(r.stderr).toBe(`${NOTHING.slice(0, -1)}; kustomize patches are judged once rendered: kustomize build … | sandcheck scan -\n`);
  });

  it('keeps the message for inputs of no supported format', () => {
    const dir = tree({ 'README.md': '# hello\n' });
    const r = sandcheck(['scan', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found)\n');
  });

  it('says that no file was found in an empty folder, or one holding only the folders a walk skips', () => {
    const noFile = 'sandcheck: nothing to audit: no file found in the paths given (an empty folder, or only node_modules, .git, .hg or .svn)\n';
    for (const dir of [tempDir(), tree({ 'node_modules/x/pod.yaml': 'apiVersion: v1\nkind: Pod\n', '.git/HEAD': 'ref: refs/heads/main\n' })]) {
      const r = sandcheck(['scan', '.'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(noFile);
      // No empty "Inputs:" heading, which reads as a report cut short.
      expect(r.stdout).toContain('\nInputs:\n  none: no file found in the paths given\n\nERROR — nothing recognisable to audit: 0 failing findings');
      const junit = sandcheck(['scan', '.', '--format', 'junit'], { cwd: dir });
      expect(junit.stdout).toContain(`<error message="${noFile.slice('sandcheck: '.length, -1)}"`);
    }
  });

  it('audits a run where one item has evidence (a Namespace and its Pod Security labels): exit 0', () => {
    const dir = tree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: agents\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n',
    });
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r).checklist.find((c: Record<string, string>) => c.id === 'image-hardening').verdict).toBe('pass');
  });
});
