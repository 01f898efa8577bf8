import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scan, tempTrees } from '../secrets/helpers.js';

/**
 * Issue #3: "where no evidence exists the rotation part of the item is manual". key-storage
 * ("Service key stored in a secrets manager and rotated") passed on storage evidence alone and the
 * report said nothing about rotation, so a PASS read as "rotated" too.
 */
const tree = tempTrees('sc-rotation-');
const compose = 'services:\n  worker:\n    image: w\n    secrets: [anthropic_environment_key]\nsecrets:\n  anthropic_environment_key:\n    external: true\n';
const externalSecret = (interval: string) =>
  `apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: env-key, namespace: red}\nspec:\n  refreshInterval: ${interval}\n  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target: {name: env-key}\n  data:\n  - secretKey: ANTHROPIC_ENVIRONMENT_KEY\n    remoteRef: {key: anthropic/env}\n`;
const item = (r: Awaited<ReturnType<typeof scan>>) => r.checklist.find((c) => c.id === 'key-storage')!;
const NOTE = 'rotation: manual (no rotation metadata in the scan; attest it in sandcheck.yaml)';

describe('key-storage says when rotation was not verified', () => {
  it('storage passes, no rotation evidence: the item passes with a note that rotation is a manual check', async () => {
    const r = await scan(tree({ 'compose.yaml': compose }));
    expect(item(r).verdict).toBe('pass');
    expect(item(r).note).toBe(NOTE);
  });

  it('rotation metadata judged within keys.maxAgeDays: no note', async () => {
    const r = await scan(tree({ 'es.yaml': externalSecret('1h') }));
    expect(item(r).verdict).toBe('pass');
    expect(item(r).note).toBeUndefined();
  });

  it('rotation overdue: a warning, no note', async () => {
    const r = await scan(tree({ 'es.yaml': externalSecret('2400h') }));
    expect(item(r).verdict).toBe('warn');
    expect(item(r).note).toBeUndefined();
  });

  it('an attestation of key-storage is shown instead of the note', async () => {
    const config = { ...structuredClone(DEFAULT_CONFIG), attestations: [{ item: 'key-storage', by: 'sec@example.com', date: '2026-10-01', evidence: 'rotation runbook' }] };
    const r = await scan(tree({ 'compose.yaml': compose }), config);
    expect(item(r).verdict).toBe('pass');
    expect(item(r).note).toBe('rotation: attested by sec@example.com on 2026-10-01');
  });

  it('a failing item keeps its verdict and gets the note too', async () => {
    const r = await scan(tree({ '.env': 'ANTHROPIC_ENVIRONMENT_KEY=Zk3Lm9Qw2Rt7Vb4Nc8XsYp6D\n' }));
    expect(item(r).verdict).toBe('fail');
    expect(item(r).note).toBe(NOTE);
  });
});
