import type { SkippedObject } from '../../model/finding.js';
import type { Suppression, Target } from '../../model/target.js';
import type { ContainerData, WorkloadData } from '../../model/workload.js';
import { isSandboxedRuntime } from '../../model/workload.js';
import type { YamlDoc } from '../../util/yaml-source.js';
import { SourceLocator, type SourcePath } from '../source-locator.js';
import type { InputHandler, ParseOutput, SourceFile } from '../types.js';
import { resolveContainer, resolveVolumes, type ContainerRole, type PodContext } from './effective.js';
import { locateContainerBlockValues } from '../block-scalar.js';
import { POD_TEMPLATE_PATHS, skipReason } from './kinds.js';
import { asObj, type Obj } from '../../util/objects.js';

const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asObj(v)).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));

export const SUPPRESS_ANNOTATION = 'ignore.sandcheck.dev/';

/** The token volume the ServiceAccount admission adds to every pod (`kube-api-access-<random>`). */
const isAdmissionTokenVolume = (name: unknown): boolean => typeof name === 'string' && name.startsWith('kube-api-access-');

const isK8sObject = (v: unknown): v is Obj => {
  const o = asObj(v);
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string';
};

/** Hook for other capabilities (NetworkPolicy → egress, ConfigMap/Secret → key storage): kind → object handler. */
export type ObjectHandler = (obj: Obj, path: SourcePath, ctx: ObjectContext) => Target<object>[];
export interface ObjectContext {
  file: SourceFile;
  doc: YamlDoc;
  locator: SourceLocator;
  /** Every object of the file by `namespace/Kind/name`, when some object has ownerReferences. */
  present?: Map<string, Obj>;
}
export const OBJECT_HANDLERS = new Map<string, ObjectHandler>();

export const kubernetesHandler: InputHandler = {
  format: 'kubernetes',
  items: ['image-hardening', 'blast-radius', 'tool-isolation', 'supply-chain', 'key-storage', 'workload-isolation', 'egress-control'],
  detect(file) {
    if (!/\.(ya?ml|json)$/i.test(file.path) && file.absPath !== null) return false;
    if (!/\bkind\b/.test(file.text) || !/\bapiVersion\b/.test(file.text)) return false;
    return file.fastYaml().docs.some((d) => isK8sObject(d.value));
  },
  parse(file) {
    const out: Required<ParseOutput> = { targets: [], skipped: [] };
    const docs = file.fastYaml().docs;
    // `kubectl get all -o yaml`: ReplicaSets and Pods repeat their controller's pod template.
    const present = file.text.includes('ownerReferences') ? presentObjects(docs.map((d) => d.value)) : undefined;
    for (const doc of docs) {
      if (doc.value === null || doc.value === undefined) continue;
      const locator = new SourceLocator(file.path, doc);
      visit(doc.value, [], { file, doc, locator, ...(present ? { present } : {}) }, out);
    }
    return out;
  },
};

const objectKey = (ns: unknown, kind: unknown, name: unknown) => `${typeof ns === 'string' ? ns : ''}/${String(kind)}/${String(name)}`;

function presentObjects(values: unknown[]): Map<string, Obj> {
  const objects = new Map<string, Obj>();
  const add = (v: unknown): void => {
    if (!isK8sObject(v)) return;
    if (/List$/.test(v.kind as string) && Array.isArray(v.items)) return v.items.forEach(add);
    const meta = asObj(v.metadata);
    objects.set(objectKey(meta.namespace, v.kind, meta.name), v);
  };
  values.forEach(add);
  return objects;
}

/**
 * What the rules judge in a pod spec. The token volume the ServiceAccount admission adds to every pod
 * (`kube-api-access-…`) is left out; anything else a webhook changed (an injected sidecar, a changed
 * securityContext) makes the pod differ from its controller's template, and then it is judged itself.
 */
function judgedPart(spec: Obj): string {
  const container = (c: unknown) => {
    const o = asObj(c);
    return [o.name, o.image, o.securityContext ?? null, asArr(o.volumeMounts).filter((m) => !isAdmissionTokenVolume(asObj(m).name)), o.ports ?? null, o.env ?? null, o.envFrom ?? null];
  };
  return JSON.stringify([
    spec.securityContext ?? null,
    ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'shareProcessNamespace', 'runtimeClassName', 'automountServiceAccountToken'].map((f) => spec[f] ?? null),
    asArr(spec.volumes).filter((v) => !isAdmissionTokenVolume(asObj(v).name)),
    asArr(spec.initContainers).map(container),
    asArr(spec.containers).map(container),
    asArr(spec.ephemeralContainers).map(container),
  ]);
}

/**
 * The controller of an object when the same file holds it (owner references name an owner of the same
 * namespace) and its pod template is what the object runs: then the object is judged there, once.
 */
function presentController(obj: Obj, kind: string, present: Map<string, Obj> | undefined): string | null {
  if (!present) return null;
  const meta = asObj(obj.metadata);
  const ref = asArr(meta.ownerReferences).map(asObj).find((r) => r.controller === true);
  const owner = ref ? present.get(objectKey(meta.namespace, ref.kind, ref.name)) : undefined;
  const ownerTemplate = owner ? POD_TEMPLATE_PATHS[String(owner.kind)] : undefined;
  if (!ref || !owner || !ownerTemplate) return null;
  if (judgedPart(asObj(get(obj, POD_TEMPLATE_PATHS[kind]!.spec))) !== judgedPart(asObj(get(owner, ownerTemplate.spec)))) return null;
  return `${String(ref.kind)} ${typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : ''}${String(ref.name)}`;
}

function visit(value: unknown, path: SourcePath, ctx: ObjectContext, out: Required<ParseOutput>): void {
  if (!isK8sObject(value)) {
    out.skipped.push({ kind: '(not a Kubernetes object)', name: '', line: ctx.doc.positionOf(path).line, reason: 'document has no apiVersion/kind' });
    return;
  }
  const kind = value.kind as string;
  if (kind === 'List' || (/List$/.test(kind) && Array.isArray(value.items))) {
    asArr(value.items).forEach((item, i) => visit(item, [...path, 'items', i], ctx, out));
    return;
  }
  const meta = asObj(value.metadata);
  const name = String(meta.name ?? meta.generateName ?? '(unnamed)');
  const template = POD_TEMPLATE_PATHS[kind];
  const controller = template ? presentController(value, kind, ctx.present) : null;
  if (controller) {
    const shown = meta.namespace ? `${meta.namespace}/${name}` : name;
    out.skipped.push({ kind, name: shown, line: ctx.doc.positionOf(path).line, reason: `owned by ${controller}, which this file holds: its pod template is judged there` });
    return;
  }
  if (template) {
    out.targets.push(...podTargets(value, kind, path, template, ctx));
    return;
  }
  if (kind === 'Namespace') {
    out.targets.push(namespaceTarget(value, path, ctx));
    return;
  }
  if (kind === 'ServiceAccount') {
    out.targets.push(serviceAccountTarget(value, path, ctx));
    return;
  }
  const handler = OBJECT_HANDLERS.get(kind);
  if (handler) {
    out.targets.push(...handler(value, path, ctx));
    return;
  }
  const skipped: SkippedObject = { kind, name: meta.namespace ? `${meta.namespace}/${name}` : name, line: ctx.doc.positionOf(path).line, reason: skipReason(kind) };
  out.skipped.push(skipped);
}

function get(obj: Obj, path: SourcePath): unknown {
  let cur: unknown = obj;
  for (const seg of path) cur = asObj(cur)[seg as string];
  return cur;
}

function objectName(obj: Obj, kind: string): { ns: string | null; name: string; display: string; id: string } {
  const meta = asObj(obj.metadata);
  const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : null;
  const name = String(meta.name ?? meta.generateName ?? '(unnamed)');
  const display = `${ns ? `${ns}/` : ''}${kind}/${name}`;
  return { ns, name, display, id: `k8s:${ns ?? ''}/${kind}/${name}` };
}

function suppressionsOf(annotations: Record<string, string>, annotationsPath: SourcePath, locator: SourceLocator): Suppression[] {
  return Object.entries(annotations)
    .filter(([k]) => k.startsWith(SUPPRESS_ANNOTATION))
    .map(([k, v]) => ({
      ruleId: k.slice(SUPPRESS_ANNOTATION.length),
      reason: v.trim() ? v.trim() : null,
      source: 'annotation' as const,
      location: locator.at([...annotationsPath, k]),
    }));
}

function podTargets(obj: Obj, kind: string, path: SourcePath, template: { spec: SourcePath; meta: SourcePath }, ctx: ObjectContext): Target<object>[] {
  const { locator } = ctx;
  const specPath = [...path, ...template.spec];
  const tmplMetaPath = [...path, ...template.meta];
  const spec = asObj(get(obj, template.spec));
  const meta = asObj(obj.metadata);
  const tmplMeta = kind === 'Pod' ? meta : asObj(get(obj, template.meta));
  const ident = objectName(obj, kind);
  const annotations = { ...strMap(meta.annotations), ...strMap(tmplMeta.annotations) };
  const labels = { ...strMap(meta.labels), ...strMap(tmplMeta.labels) };
  const suppressions = [
    ...suppressionsOf(strMap(meta.annotations), [...path, 'metadata', 'annotations'], locator),
    ...(kind === 'Pod' ? [] : suppressionsOf(strMap(tmplMeta.annotations), [...tmplMetaPath, 'annotations'], locator)),
  ];

  const wPaths = new Map<string, SourcePath>();
  wPaths.set('', path);
  const volumes = resolveVolumes(spec, specPath, wPaths);
  const windows = String(asObj(spec.os).name ?? '').toLowerCase() === 'windows' || strMap(spec.nodeSelector)['kubernetes.io/os'] === 'windows';
  const pod: PodContext = { spec, specPath, annotations: strMap(tmplMeta.annotations), annotationsPath: [...tmplMetaPath, 'annotations'], volumes, windows };

  const groups: [string, ContainerRole][] = [
    ['initContainers', 'init'],
    ['containers', 'main'],
    ['ephemeralContainers', 'ephemeral'],
  ];
  const containers: Target<ContainerData>[] = [];
  let hostProcessPath: SourcePath | undefined;
  for (const [field, role] of groups) {
    asArr(spec[field]).forEach((c, i) => {
      const cPath = [...specPath, field, i];
      const resolved = resolveContainer(pod, asObj(c), role, cPath);
      hostProcessPath ??= resolved.paths.get('/hostProcess');
      const label = role === 'main' ? 'container' : `${role} container`;
      const t: Target<ContainerData> = {
        kind: 'container',
        id: `${ident.id}#container=${resolved.data.name}`,
        name: `${ident.display} › ${label} ${resolved.data.name}`,
        platform: 'kubernetes',
        file: ctx.file.path,
        data: resolved.data,
        locations: new Map(),
        suppressions,
        boundary: ident.ns ?? undefined,
        parentId: ident.id,
      };
      locator.record(t, resolved.paths);
      locateContainerBlockValues(t, () => ctx.file);
      containers.push(t);
      for (const m of resolved.data.mounts) {
        const v = volumes.get(m.volume);
        if (v && !m.readOnly) v.readOnly = false;
      }
    });
  }

  const field = (f: string): SourcePath => (spec[f] !== undefined ? [...specPath, f] : specPath);
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'shareProcessNamespace', 'runtimeClassName', 'serviceAccountName']) {
    wPaths.set(`/${f}`, field(f));
  }
  const automountSet = typeof spec.automountServiceAccountToken === 'boolean';
  wPaths.set('/automountServiceAccountToken', field('automountServiceAccountToken'));
  wPaths.set('/sandboxedRuntime', field('runtimeClassName'));
  wPaths.set('/volumes', field('volumes'));
  wPaths.set('/labels', [...tmplMetaPath, 'labels']);
  // Pod sysctls (securityContext.sysctls): net.ipv6.conf.all.disable_ipv6 is IPv6 evidence for egress.
  const sysctls: Record<string, string> = {};
  asArr(asObj(spec.securityContext).sysctls).forEach((x, i) => {
    const o = asObj(x);
    if (typeof o.name !== 'string') return;
    sysctls[o.name] = String(o.value ?? '');
    wPaths.set(`/sysctls/${o.name.replace(/~/g, '~0').replace(/\//g, '~1')}`, [...specPath, 'securityContext', 'sysctls', i]);
  });
  // A HostProcess pod is in the node's network namespace; the API requires `hostNetwork: true` with it,
  // and a manifest without it is still reported, at the hostProcess that decides (workload-host-namespace).
  const hostProcessNetwork = hostProcessPath !== undefined && spec.hostNetwork !== true;
  if (hostProcessNetwork) wPaths.set('/hostProcessNetwork', hostProcessPath!);
  const runtimeClassName = typeof spec.runtimeClassName === 'string' ? spec.runtimeClassName : null;
  const apiTokenMounts = projectedApiTokens(spec, specPath, containers, wPaths);
  const data: KubernetesWorkloadData = {
    platform: 'kubernetes',
    kind,
    name: ident.name,
    namespace: ident.ns,
    labels,
    annotations,
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostUsers: false,
    shareProcessNamespace: spec.shareProcessNamespace === true,
    serviceAccountName: String(spec.serviceAccountName ?? spec.serviceAccount ?? 'default'),
    automountServiceAccountToken: automountSet ? (spec.automountServiceAccountToken as boolean) : true,
    automountSource: automountSet ? 'pod' : 'default',
    runtimeClassName,
    sandboxedRuntime: isSandboxedRuntime(runtimeClassName),
    volumes: [...volumes.values()],
    containers: containers.map((c) => c.data.name),
    logging: null,
    networkMode: null,
    ...(Object.keys(sysctls).length ? { sysctls } : {}),
    ...(apiTokenMounts.length ? { apiTokenMounts } : {}),
    ...(hostProcessNetwork ? { hostProcessNetwork: true as const } : {}),
  };
  const workload: Target<WorkloadData> = {
    kind: 'workload',
    id: ident.id,
    name: ident.display,
    platform: 'kubernetes',
    file: ctx.file.path,
    data,
    locations: new Map(),
    suppressions,
    boundary: ident.ns ?? undefined,
  };
  locator.record(workload, wPaths);
  return [workload, ...containers];
}

/**
 * Kubernetes workloads also list the API server tokens mounted through projected volumes
 * (workload-sa-token-projected), and `hostProcessNetwork` when a Windows HostProcess container puts the
 * pod in the node's network namespace without `hostNetwork: true` (with it, hostNetwork is reported).
 */
export type KubernetesWorkloadData = WorkloadData & { apiTokenMounts?: { volume: string; container: string; mountPath: string }[]; hostProcessNetwork?: true };

/**
 * A projected `serviceAccountToken` source without an audience is a token for the API server. The one
 * the ServiceAccount admission adds (`kube-api-access-…`, in pods read back from a cluster) is what
 * automountServiceAccountToken decides, judged by its own rule.
 */
function projectedApiTokens(spec: Obj, specPath: SourcePath, containers: Target<ContainerData>[], wPaths: Map<string, SourcePath>): NonNullable<KubernetesWorkloadData['apiTokenMounts']> {
  const out: NonNullable<KubernetesWorkloadData['apiTokenMounts']> = [];
  asArr(spec.volumes).forEach((v, vi) => {
    const vo = asObj(v);
    const name = String(vo.name ?? '');
    if (isAdmissionTokenVolume(name)) return;
    const si = asArr(asObj(vo.projected).sources).findIndex((src) => {
      const t = asObj(src).serviceAccountToken;
      return t !== undefined && t !== null && !asObj(t).audience;
    });
    if (si < 0) return;
    for (const c of containers) {
      for (const m of c.data.mounts.filter((mt) => mt.volume === name)) {
        wPaths.set(`/apiTokenMounts/${out.length}`, [...specPath, 'volumes', vi, 'projected', 'sources', si]);
        out.push({ volume: name, container: c.data.name, mountPath: m.mountPath });
      }
    }
  });
  return out;
}

function namespaceTarget(obj: Obj, path: SourcePath, ctx: ObjectContext): Target<object> {
  const ident = objectName(obj, 'Namespace');
  const labels = strMap(asObj(obj.metadata).labels);
  const psa = (mode: string) => labels[`pod-security.kubernetes.io/${mode}`] ?? null;
  const t: Target<object> = {
    kind: 'namespace',
    id: `k8s:/Namespace/${ident.name}`,
    name: `Namespace/${ident.name}`,
    platform: 'kubernetes',
    file: ctx.file.path,
    data: { name: ident.name, labels, psa: { enforce: psa('enforce'), audit: psa('audit'), warn: psa('warn') } },
    locations: new Map(),
    suppressions: suppressionsOf(strMap(asObj(obj.metadata).annotations), [...path, 'metadata', 'annotations'], ctx.locator),
    boundary: ident.name,
  };
  ctx.locator.record(t, [
    ['', path],
    ['/labels', [...path, 'metadata', 'labels']],
    ['/psa/enforce', [...path, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce']],
  ]);
  return t;
}

function serviceAccountTarget(obj: Obj, path: SourcePath, ctx: ObjectContext): Target<object> {
  const ident = objectName(obj, 'ServiceAccount');
  const automount = typeof obj.automountServiceAccountToken === 'boolean' ? obj.automountServiceAccountToken : null;
  const t: Target<object> = {
    kind: 'serviceaccount',
    id: ident.id,
    name: ident.display,
    platform: 'kubernetes',
    file: ctx.file.path,
    data: { name: ident.name, namespace: ident.ns, automountServiceAccountToken: automount },
    locations: new Map(),
    suppressions: [],
    boundary: ident.ns ?? undefined,
  };
  ctx.locator.record(t, [
    ['', path],
    ['/automountServiceAccountToken', automount === null ? path : [...path, 'automountServiceAccountToken']],
  ]);
  return t;
}
