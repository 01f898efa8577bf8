import type { ConfigMapData, SecretEntry, SecretObjectData, SecretObjectKind } from '../../model/secret-object.js';
import { pointerOf, type Suppression, type Target } from '../../model/target.js';
import { OBJECT_HANDLERS, SUPPRESS_ANNOTATION, type ObjectContext } from '../kubernetes/handler.js';
import type { SourcePath } from '../source-locator.js';
import { blockScalarAt, locateBlockValue, positionInValue } from '../block-scalar.js';
import type { Location } from '../../model/location.js';
import { asObj, type Obj } from '../../util/objects.js';

const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asObj(v)).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));

const ROTATION_ANNOTATION = /(?:rotated-?at|last-?rotated|rotation-?(?:date|timestamp))$/i;

interface Ident {
  name: string;
  namespace: string | null;
  display: string;
  id: string;
}

function ident(obj: Obj, kind: string): Ident {
  const meta = asObj(obj.metadata);
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : null;
  const name = String(meta.name ?? meta.generateName ?? '(unnamed)');
  return { name, namespace, display: `${namespace ? `${namespace}/` : ''}${kind}/${name}`, id: `k8s:${namespace ?? ''}/${kind}/${name}` };
}

function suppressions(obj: Obj, path: SourcePath, ctx: ObjectContext): Suppression[] {
  return Object.entries(strMap(asObj(obj.metadata).annotations))
    .filter(([k]) => k.startsWith(SUPPRESS_ANNOTATION))
    .map(([k, v]) => ({
      ruleId: k.slice(SUPPRESS_ANNOTATION.length),
      reason: v.trim() ? v.trim() : null,
      source: 'annotation' as const,
      location: ctx.locator.at([...path, 'metadata', 'annotations', k]),
    }));
}

/** base64 → text when it decodes to text; otherwise the raw base64 stands for the (binary) value. */
function decodeData(raw: string): string {
  const compact = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return raw;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes('\ufffd') ? text : compact;
}

/**
 * Records each entry (at its key) and its value: where the value starts, on the next line for a block
 * scalar (`tls.key: |` then the PEM), so that a finding points at the `-----BEGIN` line.
 */
function recordEntries(t: Target<ConfigMapData | SecretObjectData>, ctx: ObjectContext, entryPaths: SourcePath[]): void {
  entryPaths.forEach((p, i) => {
    const key = ctx.locator.at(p);
    const pointer = pointerOf('entries', i, 'value');
    t.locations.set(pointerOf('entries', i), key);
    t.locations.set(pointer, key);
    locateBlockValue(t, ctx.file, pointer, key, t.data.entries[i]!);
  });
}

function secretObject(kind: SecretObjectKind) {
  return (obj: Obj, path: SourcePath, ctx: ObjectContext): Target<object>[] => {
    const id = ident(obj, kind);
    const meta = asObj(obj.metadata);
    const annotations = strMap(meta.annotations);
    const spec = asObj(obj.spec);
    const entries: SecretEntry[] = [];
    const entryPaths: SourcePath[] = [];
    const sops = obj.sops !== undefined && obj.sops !== null;
    const addEntries = (field: SecretEntry['field'], values: unknown, base: SourcePath, decode: boolean) => {
      for (const [key, v] of Object.entries(asObj(values))) {
        const s = str(v);
        entries.push({ key, value: s === null ? null : decode && !sops ? decodeData(s) : s, field });
        entryPaths.push([...base, key]);
      }
    };
    let remoteKeys: string[] = [];
    const remoteKeyPaths: SourcePath[] = [];
    /** SecretProviderClass keys located inside the `objects` block scalar (recorded after the paths). */
    let keyLocations: (Location | null)[] = [];
    let store: string | null = null;
    let producesSecret: string | null = null;
    if (kind === 'Secret') {
      addEntries('data', obj.data, [...path, 'data'], true);
      addEntries('stringData', obj.stringData, [...path, 'stringData'], false);
    } else if (kind === 'SealedSecret') {
      addEntries('encryptedData', spec.encryptedData, [...path, 'spec', 'encryptedData'], false);
      producesSecret = str(asObj(asObj(spec.template).metadata).name) ?? id.name;
    } else if (kind === 'ExternalSecret') {
      const ref = asObj(spec.secretStoreRef);
      store = `${str(ref.kind) ?? 'SecretStore'}/${str(ref.name) ?? '?'}`;
      asArr(spec.data).forEach((d, i) => {
        const k = str(asObj(asObj(d).remoteRef).key);
        if (k) remoteKeyPaths.push([...path, 'spec', 'data', i, 'remoteRef', 'key']) && remoteKeys.push(k);
      });
      asArr(spec.dataFrom).forEach((d, i) => {
        const extract = str(asObj(asObj(d).extract).key);
        if (extract) remoteKeyPaths.push([...path, 'spec', 'dataFrom', i, 'extract', 'key']) && remoteKeys.push(extract);
      });
      producesSecret = str(asObj(spec.target).name) ?? id.name;
    } else if (kind === 'SecretProviderClass') {
      store = str(spec.provider);
      const params = asObj(spec.parameters);
      // Providers list objects in a YAML string (Azure, Vault) or as secretObjects; keep their names.
      const objects = str(params.objects) ?? '';
      const found = [...objects.matchAll(/(?:objectName|secretPath|path)\s*:\s*["']?([^"'\s]+)/g)];
      remoteKeys = found.map((m) => m[1]!);
      // Each key where it is written: inside a block scalar, at its own line; else at `objects:`.
      const objectsPath: SourcePath = [...path, 'spec', 'parameters', 'objects'];
      const block = found.length ? blockScalarAt(ctx.file, ctx.locator.at(objectsPath)) : null;
      keyLocations = found.map((m) => (block ? { ...ctx.locator.at(objectsPath), ...positionInValue(block.lines, m.index! + m[0].length - m[1]!.length) } : null));
      if (!block) found.forEach(() => remoteKeyPaths.push(objectsPath));
      producesSecret = str(asObj(asArr(spec.secretObjects)[0]).secretName);
    }
    const rotatedKey = Object.keys(annotations).find((k) => ROTATION_ANNOTATION.test(k));
    const data: SecretObjectData = {
      objectKind: kind,
      name: id.name,
      namespace: id.namespace,
      type: kind === 'Secret' ? (str(obj.type) ?? 'Opaque') : null,
      entries,
      sops,
      labels: strMap(meta.labels),
      annotations,
      createdAt: str(meta.creationTimestamp),
      rotatedAt: rotatedKey ? annotations[rotatedKey]! : null,
      refreshInterval: str(spec.refreshInterval),
      store,
      remoteKeys,
      producesSecret,
    };
    const t: Target<SecretObjectData> = {
      kind: 'secret',
      id: id.id,
      name: id.display,
      platform: 'kubernetes',
      file: ctx.file.path,
      data,
      locations: new Map(),
      suppressions: suppressions(obj, path, ctx),
      boundary: id.namespace ?? undefined,
    };
    const paths: [string, SourcePath][] = [['', path]];
    recordEntries(t, ctx, entryPaths);
    remoteKeyPaths.forEach((p, i) => paths.push([pointerOf('remoteKeys', i), p]));
    if (rotatedKey) paths.push(['/rotatedAt', [...path, 'metadata', 'annotations', rotatedKey]]);
    if (data.createdAt) paths.push(['/createdAt', [...path, 'metadata', 'creationTimestamp']]);
    if (data.refreshInterval) paths.push(['/refreshInterval', [...path, 'spec', 'refreshInterval']]);
    ctx.locator.record(t, paths);
    keyLocations.forEach((loc, i) => loc && t.locations.set(pointerOf('remoteKeys', i), loc));
    return [t];
  };
}

function configMap(obj: Obj, path: SourcePath, ctx: ObjectContext): Target<object>[] {
  const id = ident(obj, 'ConfigMap');
  const entries: ConfigMapData['entries'] = [];
  const entryPaths: SourcePath[] = [];
  for (const [key, v] of Object.entries(asObj(obj.data))) {
    entryPaths.push([...path, 'data', key]);
    entries.push({ key, value: str(v) });
  }
  const t: Target<ConfigMapData> = {
    kind: 'configmap',
    id: id.id,
    name: id.display,
    platform: 'kubernetes',
    file: ctx.file.path,
    data: { name: id.name, namespace: id.namespace, entries },
    locations: new Map(),
    suppressions: suppressions(obj, path, ctx),
    boundary: id.namespace ?? undefined,
  };
  ctx.locator.record(t, [['', path]]);
  recordEntries(t, ctx, entryPaths);
  return [t];
}

/** Registers the key-storage object kinds with the Kubernetes handler (imported once by the input registry). */
export function registerSecretObjects(): void {
  OBJECT_HANDLERS.set('Secret', secretObject('Secret'));
  OBJECT_HANDLERS.set('SealedSecret', secretObject('SealedSecret'));
  OBJECT_HANDLERS.set('ExternalSecret', secretObject('ExternalSecret'));
  OBJECT_HANDLERS.set('SecretProviderClass', secretObject('SecretProviderClass'));
  OBJECT_HANDLERS.set('ConfigMap', configMap);
}

registerSecretObjects();
