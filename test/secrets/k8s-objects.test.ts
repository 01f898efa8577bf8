import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectPaths } from '../../src/inputs/collect.js';
import type { ConfigMapData, SecretObjectData } from '../../src/model/secret-object.js';
import type { Target } from '../../src/model/target.js';

const dir = mkdtempSync(join(tmpdir(), 'sc-k8s-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MANIFEST = `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: red
  annotations:
    sandcheck.dev/rotated-at: "2026-10-01"
    ignore.sandcheck.dev/secret-manifest-committed: rotated weekly by the operator
type: kubernetes.io/tls
data:
  text: ${Buffer.from('hello: world').toString('base64')}
  binary: ${Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9f]).toString('base64')}
stringData:
  plain: value
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: { name: sealed, namespace: red }
spec:
  encryptedData:
    key: AgBy3i4OJSWK+PiTySYZZA==
  template:
    metadata: { name: env-key }
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: { name: vault-keys, namespace: red }
spec:
  provider: vault
  secretObjects:
    - secretName: env-key-synced
      type: Opaque
  parameters:
    objects: |
      - objectName: "environment-key"
        secretPath: "secret/data/red/anthropic"
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: { name: all-keys, namespace: red }
spec:
  refreshInterval: 24h
  secretStoreRef: { kind: SecretStore, name: aws }
  dataFrom:
    - extract:
        key: red/keys
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: red }
data:
  LOG_LEVEL: info
  settings.yaml: |
    a: 1
`;

describe('Kubernetes secret objects', async () => {
  writeFileSync(join(dir, 'objects.yaml'), MANIFEST);
  const collected = await collectPaths([dir], { cwd: dir });
  const byName = (kind: string, name: string) => collected.targets.find((t) => t.kind === kind && (t.data as { name: string }).name === name) as Target<object>;

  it('reads a Secret: decoded data, stringData, type, rotation annotation, suppression annotation, locations', () => {
    const t = byName('secret', 'creds') as Target<SecretObjectData>;
    expect(t.id).toBe('k8s:red/Secret/creds@objects.yaml');
    expect(t.boundary).toBe('red');
    expect(t.data).toMatchObject({ objectKind: 'Secret', type: 'kubernetes.io/tls', sops: false, rotatedAt: '2026-10-01', createdAt: null });
    expect(t.data.entries).toEqual([
      { key: 'text', value: 'hello: world', field: 'data' },
      { key: 'binary', value: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9f]).toString('base64'), field: 'data' },
      { key: 'plain', value: 'value', field: 'stringData' },
    ]);
    expect(t.locations.get('/entries/0/value')).toMatchObject({ file: 'objects.yaml', line: 11 });
    expect(t.locations.get('/entries/2/value')).toMatchObject({ line: 14 });
    expect(t.locations.get('/rotatedAt')).toMatchObject({ line: 7 });
    expect(t.suppressions).toEqual([expect.objectContaining({ ruleId: 'secret-manifest-committed', reason: 'rotated weekly by the operator', source: 'annotation' })]);
  });

  it('reads what SealedSecret, SecretProviderClass and ExternalSecret produce and pull', () => {
    expect((byName('secret', 'sealed') as Target<SecretObjectData>).data).toMatchObject({ objectKind: 'SealedSecret', producesSecret: 'env-key', entries: [{ key: 'key', field: 'encryptedData' }] });
    expect((byName('secret', 'vault-keys') as Target<SecretObjectData>).data).toMatchObject({
      objectKind: 'SecretProviderClass',
      store: 'vault',
      producesSecret: 'env-key-synced',
      remoteKeys: ['environment-key', 'secret/data/red/anthropic'],
    });
    const es = byName('secret', 'all-keys') as Target<SecretObjectData>;
    expect(es.data).toMatchObject({ objectKind: 'ExternalSecret', store: 'SecretStore/aws', remoteKeys: ['red/keys'], refreshInterval: '24h', producesSecret: 'all-keys' });
    expect(es.locations.get('/remoteKeys/0')).toMatchObject({ line: 46 });
  });

  it('reads ConfigMap data with a location per entry', () => {
    const cm = byName('configmap', 'settings') as Target<ConfigMapData>;
    expect(cm.data.entries).toEqual([
      { key: 'LOG_LEVEL', value: 'info' },
      { key: 'settings.yaml', value: 'a: 1\n' },
    ]);
    expect(cm.locations.get('/entries/1/value')).toMatchObject({ line: 54 }); // `settings.yaml: |` at 53: the value starts on the next line
  });

  it('also scans the manifest as text, marked as parsed by the Kubernetes handler', () => {
    const text = collected.targets.find((t) => t.kind === 'textfile');
    expect(text?.data).toMatchObject({ path: 'objects.yaml', parsedAs: 'kubernetes' });
  });
});
