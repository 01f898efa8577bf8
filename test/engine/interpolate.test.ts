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
    expectNotPrinted(env, ['hunter2-but-longer']);
    expect(env).toBe('value [redacted ****:e63d7ff5f93c]');
    const node = interpolate('{{node.value}}', { target, node: { value: 'plain-looking' }, value: null, nodePointer: '/entries/0' });
    expectNotPrinted(node, ['plain-looking']);
    expect(node).toBe('[redacted ****:231fe1b736fd]');
    const token = interpolate('{{value}}', { target, node: null, value: TOKEN, pointer: '/image/ref' });
    expectNotPrinted(token, [TOKEN]);
  });
});

describe('{{key.…}}: a setting as the target source format writes it', () => {
  const scope = (platform: 'kubernetes' | 'compose' | 'docker' | 'image' | 'file', field?: string) => ({
    target: { ...target, platform },
    node: { seccomp: { type: 'Unconfined', text: 'seccompProfile: Unconfined' } },
    value: null,
    ...(field ? { field } : {}),
  });

  it('picks the wording of the platform', () => {
    const t = 'Set {{key.noNewPrivileges}}.';
    expect(interpolate(t, scope('kubernetes'))).toBe('Set `securityContext.allowPrivilegeEscalation: false`, and drop `privileged: true` and an added SYS_ADMIN (either forces escalation on).');
    expect(interpolate(t, scope('compose'))).toBe('Set `security_opt: [no-new-privileges:true]`.');
    expect(interpolate(t, scope('docker'))).toBe('Set `--security-opt no-new-privileges`.');
  });

  it('{{key}} alone is the failing field', () => {
    expect(interpolate('Shares a host namespace ({{key}})', scope('compose', 'hostPID'))).toBe('Shares a host namespace (`pid: host`)');
    expect(interpolate('Shares a host namespace ({{key}})', scope('kubernetes', 'hostPID'))).toBe('Shares a host namespace (`hostPID: true`)');
    // Kept per platform and field: the same template for another field gives that field's key.
    expect(interpolate('Shares a host namespace ({{key}})', scope('compose', 'hostIPC'))).toBe('Shares a host namespace (`ipc: host`)');
    expect(interpolate('Shares a host namespace ({{key}})', scope('compose', 'hostPID'))).toBe('Shares a host namespace (`pid: host`)');
  });

  it('an image takes its own wording, else Docker\'s (what an image cannot carry is set at docker run); other inputs the default', () => {
    expect(interpolate('{{key.nonRootUser}}', scope('image'))).toBe('Start the container as a numeric non-root user (`docker run --user 10001:10001`, compose `user:`, Kubernetes `runAsUser`)');
    expect(interpolate('{{key.privileged}}', scope('image'))).toBe('`--privileged`');
    expect(interpolate('{{key.deliverKey}}', scope('file'))).toBe(
      'deliver it from a secrets manager: a Kubernetes Secret created by External Secrets or the Secrets Store CSI driver and referenced with `secretKeyRef`, a Vault agent, or a compose secret backed by an external store',
    );
  });

  it('renders the placeholders a wording holds', () => {
    expect(interpolate('({{key.seccompProfile}})', scope('kubernetes'))).toBe('(seccompProfile: Unconfined)');
  });

  it('leaves an unknown key, or a field without a key, visible', () => {
    expect(interpolate('{{key.nope}} {{key}}', scope('compose', 'image'))).toBe('{{key.nope}} {{key}}');
  });
});
