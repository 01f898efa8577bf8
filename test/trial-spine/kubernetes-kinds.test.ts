import { describe, expect, it } from 'vitest';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { kubernetesHandler } from '../../src/inputs/kubernetes/handler.js';

/** Nothing is ignored silently: a custom kind whose name ends in "List" is an object, not a list of objects. */
describe('kinds whose name ends in List', () => {
  it('lists a custom resource named …List (no items) as skipped, and still reads the items of PodList and List', () => {
    const text = [
      'apiVersion: security.example.com/v1\nkind: EgressAllowList\nmetadata: {name: tools, namespace: agents}\nspec:\n  hosts: [api.anthropic.com]\n',
      'apiVersion: v1\nkind: PodList\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: listed}, spec: {containers: [{name: c, image: c}]}}\n',
      'apiVersion: v1\nkind: List\nitems: []\n',
    ].join('---\n');
    const out = kubernetesHandler.parse(makeSourceFile('lists.yaml', null, text));
    expect(out.skipped).toEqual([{ kind: 'EgressAllowList', name: 'agents/tools', line: 1, reason: 'kind EgressAllowList carries no evidence sandcheck evaluates' }]);
    expect(out.targets.filter((t) => t.kind === 'workload').map((t) => t.name)).toEqual(['Pod/listed']);
  });
});

/**
 * `kubectl get all -o yaml`: a Deployment comes with its ReplicaSets (every kept revision) and its Pods,
 * all carrying the same pod template. Each is judged once, at its controller, when the controller is in
 * the same file; an object whose controller is not in the scan is judged itself.
 */
describe('objects owned by a controller in the same file', () => {
  const owner = (kind: string, name: string) => `    ownerReferences:\n    - {apiVersion: apps/v1, kind: ${kind}, name: ${name}, uid: u-${name}, controller: true}\n`;
  const podSpec = (indent: string) =>
    `${indent}containers:\n${indent}- name: worker\n${indent}  image: registry.example.com/w:1.2\n${indent}  securityContext: {privileged: true}\n`;
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-worker-5d8f-abcde
    namespace: agents
${owner('ReplicaSet', 'agent-worker-5d8f')}  spec:
${podSpec('    ')}- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: agent-worker, namespace: agents}
  spec:
    template:
      spec:
${podSpec('        ')}- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: agent-worker-5d8f
    namespace: agents
${owner('Deployment', 'agent-worker')}  spec:
    template:
      spec:
${podSpec('        ')}- apiVersion: v1
  kind: Pod
  metadata:
    name: orphan-7x
    namespace: agents
${owner('ReplicaSet', 'not-in-this-file')}  spec:
${podSpec('    ')}`;

  it('judges the Deployment, skips its ReplicaSet and Pod with the reason, and judges a Pod whose owner is absent', () => {
    const out = kubernetesHandler.parse(makeSourceFile('all.yaml', null, text));
    expect(out.targets.filter((t) => t.kind === 'workload').map((t) => t.name)).toEqual(['agents/Deployment/agent-worker', 'agents/Pod/orphan-7x']);
    expect(out.skipped).toEqual([
      { kind: 'Pod', name: 'agents/agent-worker-5d8f-abcde', line: 4, reason: 'owned by ReplicaSet agents/agent-worker-5d8f, which this file holds: its pod template is judged there' },
      { kind: 'ReplicaSet', name: 'agents/agent-worker-5d8f', line: 26, reason: 'owned by Deployment agents/agent-worker, which this file holds: its pod template is judged there' },
    ]);
  });
  it('judges a Pod that differs from its controller template (a sidecar injected by a webhook, the token volume aside)', () => {
    const withSidecar = text.replace(
      '  spec:\n    containers:\n    - name: worker\n      image: registry.example.com/w:1.2\n      securityContext: {privileged: true}\n- apiVersion: apps/v1\n  kind: Deployment',
      '  spec:\n    volumes: [{name: kube-api-access-x1, projected: {sources: []}}]\n    initContainers:\n    - {name: istio-init, image: istio/proxyv2, securityContext: {capabilities: {add: [NET_ADMIN, NET_RAW]}}}\n    containers:\n    - name: worker\n      image: registry.example.com/w:1.2\n      securityContext: {privileged: true}\n- apiVersion: apps/v1\n  kind: Deployment',
    );
    expect(withSidecar).not.toBe(text);
    const tokenOnly = text.replace(
      '  spec:\n    containers:\n    - name: worker\n      image: registry.example.com/w:1.2\n      securityContext: {privileged: true}\n- apiVersion: apps/v1\n  kind: Deployment',
      '  spec:\n    volumes: [{name: kube-api-access-x1, projected: {sources: []}}]\n    containers:\n    - name: worker\n      image: registry.example.com/w:1.2\n      securityContext: {privileged: true}\n      volumeMounts: [{name: kube-api-access-x1, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}]\n- apiVersion: apps/v1\n  kind: Deployment',
    );
    expect(tokenOnly).not.toBe(text);
    const names = (t: string) => kubernetesHandler.parse(makeSourceFile('all.yaml', null, t)).targets.filter((x) => x.kind === 'workload').map((x) => x.name);
    expect(names(withSidecar)).toEqual(['agents/Pod/agent-worker-5d8f-abcde', 'agents/Deployment/agent-worker', 'agents/Pod/orphan-7x']);
    expect(names(tokenOnly)).toEqual(['agents/Deployment/agent-worker', 'agents/Pod/orphan-7x']);
  });
});
