import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * A platform repository holds the sources of what it deploys, not only rendered manifests: Helm chart
 * templates (`{{ … }}`, not YAML until rendered) and kustomize patches (partial objects). Scanning the
 * repository must not turn them into input errors (exit 2 on every run) or into findings about fields a
 * patch does not carry; they are listed as skipped with the way to judge them (render, then scan).
 */

type R = Record<string, any>;
function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const DIGEST = `registry.example.com/agents/worker@sha256:${'2'.repeat(64)}`;
const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: agent-worker, namespace: agents}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      runtimeClassName: gvisor
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: worker
          image: ${DIGEST}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
`;
const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "agent-worker.fullname" . }}
  labels:
    {{- include "agent-worker.labels" . | nindent 4 }}
spec:
  template:
    spec:
      containers:
        - name: worker
          image: "{{ .Values.image.repository }}@{{ .Values.image.digest }}"
`;

const input = (r: R, path: string) => r.inputs.find((i: R) => i.path === path);

describe('Helm chart templates in a scanned folder', () => {
  it('lists a template as skipped (render it with helm template) instead of an input error; rendered manifests beside it are judged', () => {
    const dir = tree({
      'charts/agent-worker/Chart.yaml': 'apiVersion: v2\nname: agent-worker\nversion: 0.3.1\n',
      'charts/agent-worker/templates/deployment.yaml': TEMPLATE,
      'rendered/worker.yaml': HARDENED,
    });
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(r.stderr).not.toContain('input error');
    const report = json(r);
    expect(input(report, 'charts/agent-worker/templates/deployment.yaml')).toEqual({
      path: 'charts/agent-worker/templates/deployment.yaml',
      format: 'helm-template',
      status: 'parsed',
      targets: 1,
      skippedObjects: [{ kind: '(Helm template)', name: 'chart agent-worker', line: 1, reason: 'a template of the Helm chart in charts/agent-worker: sandcheck judges rendered manifests (helm template … | sandcheck scan -)' }],
    });
    expect(report.summary.inputs.error).toBe(0);
    expect(report.findings.filter((f: R) => f.verdict === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('with nothing else to audit, says so (exit 2), never a pass', () => {
    const dir = tree({ 'agent-worker/Chart.yaml': 'apiVersion: v2\nname: agent-worker\nversion: 0.3.1\n', 'agent-worker/templates/deployment.yaml': TEMPLATE });
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(input(json(r), 'agent-worker/templates/deployment.yaml').format).toBe('helm-template');
    // Says how to audit the chart, not only that nothing was recognised.
    expect(r.stderr).toBe('sandcheck: nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found); Helm chart templates are judged once rendered: helm template … | sandcheck scan -\n');
  });

  it('still reads a templates/ folder that belongs to no chart as manifests', () => {
    const dir = tree({ 'templates/worker.yaml': HARDENED.replace('privileged', 'x') + '' });
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(input(json(r), 'templates/worker.yaml').format).toBe('kubernetes');
  });
});

describe('kustomize patches in a scanned folder', () => {
  const files = {
    'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [worker.yaml]\n',
    'base/worker.yaml': HARDENED,
    'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../base]
patches:
  - path: replicas.yaml
  - path: patches/resources.yaml
    target: {kind: Deployment, name: agent-worker}
patchesStrategicMerge:
  - env.yaml
`,
    'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent-worker}\nspec:\n  replicas: 5\n',
    'overlays/prod/patches/resources.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent-worker}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          resources: {limits: {memory: 2Gi}}\n',
    'overlays/prod/env.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent-worker}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          env: [{name: LOG_LEVEL, value: info}]\n',
    'overlays/prod/extra.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: not-a-patch}\nspec:\n  containers: [{name: c, image: c}]\n',
  };

  it('lists the files a kustomization names as patches as skipped; the base and other files are judged', () => {
    const dir = tree(files);
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    const report = json(r);
    for (const [path, line] of [['overlays/prod/replicas.yaml', 1], ['overlays/prod/patches/resources.yaml', 1], ['overlays/prod/env.yaml', 1]] as const) {
      expect(input(report, path), path).toEqual({
        path,
        format: 'kustomize-patch',
        status: 'parsed',
        targets: 1,
        skippedObjects: [{ kind: 'Deployment', name: 'agent-worker', line, reason: 'a kustomize patch named by overlays/prod/kustomization.yaml: sandcheck judges built manifests (kustomize build … | sandcheck scan -)' }],
      });
    }
    // Only the Pod that no kustomization names as a patch has findings.
    expect([...new Set(report.findings.map((f: R) => f.location.file))]).toEqual(['overlays/prod/extra.yaml']);
    expect(report.findings.length, 'the Pod has findings').toBeGreaterThan(0);
  });

  it('names the kustomization by its path from the working directory, however far up it is', () => {
    const dir = tree({
      'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: patches/deep/p.yaml\n',
      'overlay/patches/deep/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: 2}\n',
    });
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: join(dir, 'overlay/patches/deep') });
    expect(input(json(r), 'p.yaml').skippedObjects[0].reason).toBe('a kustomize patch named by ../../kustomization.yaml: sandcheck judges built manifests (kustomize build … | sandcheck scan -)');
  });

  it('judges a patch file named on the command line on its own the same way', () => {
    const dir = tree(files);
    const r = sandcheck(['scan', 'overlays/prod/env.yaml', '--format', 'json'], { cwd: dir });
    expect(input(json(r), 'overlays/prod/env.yaml').format).toBe('kustomize-patch');
    expect(r.code).toBe(2);
  });
});
