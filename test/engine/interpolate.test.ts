import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/engine/interpolate.js';
import { expectNotPrinted } from '../helpers/redaction.js';

const target = { name: 'ns/Pod/p › container c', id: 'k8s:ns/Pod/p#container=c', kind: 'container' };
const TOKEN = 'ghp_' + 'R4nd0mT0k3nV4lu3Th4tL00ksR3al1234567'.slice(0, 36);

describe('message placeholders', () => {
  it('renders target, node, value, field and data', () => {
    const out = interpolate('{{target.name}} {{node.image.ref}} {{value}} {{field}} {{data.n}}', {
      target,
      node: { image: { ref: 'nginx:1.27' } },
      value: 'SYS_ADMIN',
      field: 'add',
      data: { n: 3 },
      pointer: '/capabilities/add/0',
      nodePointer: '',
    });
    expect(out).toBe('ns/Pod/p › container c nginx:1.27 SYS_ADMIN add 3');
  });

  it('leaves an unresolved placeholder visible (the rule tests catch it)', () => {
    expect(interpolate('x {{node.missing}} {{nope}}', { target, node: {}, value: null })).toBe('x {{node.missing}} {{nope}}');
  });

  it('never prints a literal value from env, entries or data, nor anything a detector recognises', () => {
    const env = interpolate('value {{value}}', { target, node: null, value: 'hunter2-but-longer', pointer: '/env/3/value' });
    expect(env).toMatch(/^value \[redacted .+\]$/);
    expect(env).not.toContain('hunter2');
    const node = interpolate('{{node.value}}', { target, node: { value: 'plain-looking' }, value: null, nodePointer: '/entries/0' });
    expect(node).not.toContain('plain-looking');
    const token = interpolate('{{value}}', { target, node: null, value: TOKEN, pointer: '/image/ref' });
    expectNotPrinted(token, [TOKEN]);
  });
});
