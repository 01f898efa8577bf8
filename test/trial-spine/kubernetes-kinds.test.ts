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
