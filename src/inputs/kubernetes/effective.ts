import type { ContainerData, EnvVar, Mount, Profile, ProfileType, UserInfo, ValueSource, Volume, VolumeType } from '../../model/workload.js';
import { normalizeCapabilities } from '../../util/capabilities.js';
import { parseImageRef } from '../../util/image-ref.js';
import type { SourcePath } from '../source-locator.js';
import { asObj, type Obj } from '../../util/objects.js';
import { normalizeHostPath } from '../compose/volumes.js';

/**
 * The effective security settings of one container of a pod spec, after pod → container inheritance
 * and Kubernetes defaults. Pure: plain objects in, data plus the source path of every value out, so
 * a finding can point at the field that decided it (or at the nearest enclosing object when none did).
 */

export interface PodContext {
  spec: Obj;
  /** Path of the pod spec inside the document, e.g. ['spec','template','spec']. */
  specPath: SourcePath;
  /** Pod-template annotations (legacy seccomp/AppArmor annotations live there). */
  annotations: Record<string, string>;
  annotationsPath: SourcePath;
  volumes: Map<string, Volume>;
  /** `spec.os.name: windows` or a `kubernetes.io/os: windows` node selector: the Linux-only fields do not apply. */
  windows?: boolean;
}

/**
 * A Windows pod's containers carry `os: 'windows'`; rules that ask for Linux-only fields skip them (`when`).
 * `hostProcess`: the container runs as a Windows HostProcess container. `privilegedBy`: what makes a
 * privileged container privileged, as the manifest says it (for messages); `escalationBy`: what leaves
 * privilege escalation allowed, likewise.
 */
export type KubernetesContainerData = ContainerData & { os?: 'windows'; hostProcess?: true; privilegedBy?: string; escalationBy?: string };

export interface Resolved<D> {
  data: D;
  /** normalized pointer → path in the source document */
  paths: Map<string, SourcePath>;
}

export type ContainerRole = ContainerData['role'];

const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const has = (o: Obj, k: string) => o[k] !== undefined && o[k] !== null;
const bool = (v: unknown) => v === true || v === 'true';
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

export function resolveContainer(pod: PodContext, container: Obj, role: ContainerRole, containerPath: SourcePath): Resolved<ContainerData> {
  const paths = new Map<string, SourcePath>();
  const cPath = containerPath;
  const cSc = asObj(container.securityContext);
  const cScPath = [...cPath, 'securityContext'];
  const pSc = asObj(pod.spec.securityContext);
  const pScPath = [...pod.specPath, 'securityContext'];
  const name = String(container.name ?? '');
  paths.set('', cPath);
  paths.set('/name', [...cPath, 'name']);
  paths.set('/image', [...cPath, 'image']);

  // Each container-level field: its own path when set; else the container's securityContext; else the container.
  const scField = (field: string) => (has(cSc, field) ? [...cScPath, field] : has(container, 'securityContext') ? cScPath : cPath);

  const contexts: SecurityContexts = { container: cSc, pod: pSc, containerPath: cScPath, podPath: pScPath };
  // A Windows HostProcess container (windowsOptions.hostProcess, the container's over the pod's) is a
  // process on the node, with the node's network, filesystem and devices: it is privileged, and it is
  // a Windows container whatever the pod's os and node selector say (only Windows honours the field).
  const hostProcessP = effectiveValue(contexts, ['windowsOptions', 'hostProcess']);
  const hostProcess = hostProcessP !== null && bool(hostProcessP.value);
  const windows = pod.windows === true || hostProcess;
  const linuxPrivileged = bool(cSc.privileged);
  const privileged = linuxPrivileged || hostProcess;
  let privilegedBy: string | undefined;
  if (hostProcess && hostProcessP) {
    paths.set('/hostProcess', hostProcessP.path);
    paths.set('/privileged', hostProcessP.path);
    privilegedBy = `\`windowsOptions.hostProcess: true\` on the ${hostProcessP.source}: a HostProcess container runs as a process on the node`;
  } else {
    paths.set('/privileged', scField('privileged'));
    if (linuxPrivileged) privilegedBy = '`securityContext.privileged: true`';
  }

  const readOnlyRootFilesystem = bool(cSc.readOnlyRootFilesystem);
  paths.set('/readOnlyRootFilesystem', scField('readOnlyRootFilesystem'));
  const systemPathsUnconfined = String(cSc.procMount ?? '').toLowerCase() === 'unmasked';
  paths.set('/systemPathsUnconfined', scField('procMount'));

  const add = normalizeCapabilities(asObj(cSc.capabilities).add);
  const drop = normalizeCapabilities(asObj(cSc.capabilities).drop);
  const capsPath = has(cSc, 'capabilities') ? [...cScPath, 'capabilities'] : scField('capabilities');
  paths.set('/capabilities', capsPath);
  paths.set('/capabilities/add', has(asObj(cSc.capabilities), 'add') ? [...capsPath, 'add'] : capsPath);
  paths.set('/capabilities/drop', has(asObj(cSc.capabilities), 'drop') ? [...capsPath, 'drop'] : capsPath);
  add.forEach((_, i) => paths.set(`/capabilities/add/${i}`, [...capsPath, 'add', i]));
  drop.forEach((_, i) => paths.set(`/capabilities/drop/${i}`, [...capsPath, 'drop', i]));

  // allowPrivilegeEscalation defaults to true, and is always true when privileged or CAP_SYS_ADMIN is added.
  const forcedEscalation = linuxPrivileged || add.includes('SYS_ADMIN') || add.includes('ALL');
  const allowPrivilegeEscalation = forcedEscalation || cSc.allowPrivilegeEscalation !== false;
  paths.set('/allowPrivilegeEscalation', scField('allowPrivilegeEscalation'));
  const forcing = linuxPrivileged ? '`privileged: true`' : add.includes('SYS_ADMIN') ? 'SYS_ADMIN in `capabilities.add`' : add.includes('ALL') ? 'ALL in `capabilities.add`' : null;
  const escalationBy = forcing
    ? `${forcing}, which forces it on whatever \`allowPrivilegeEscalation\` says`
    : has(cSc, 'allowPrivilegeEscalation')
      ? `\`allowPrivilegeEscalation: ${String(cSc.allowPrivilegeEscalation)}\``
      : 'no `allowPrivilegeEscalation: false` on the container; Kubernetes allows it by default';

  const user = windows ? resolveWindowsUser(contexts, cPath, paths) : resolveUser(contexts, cPath, paths);

  // A privileged container always runs Unconfined, whatever its profile (Kubernetes' seccomp documentation).
  const declared = resolveProfile('seccomp', cSc, pSc, cScPath, pScPath, pod, name, paths, cPath);
  const seccomp: Profile = linuxPrivileged
    ? { type: 'Unconfined', profile: null, source: 'container', text: '`privileged: true`, under which no seccomp profile applies' }
    : { ...declared, text: declared.type === 'unset' ? 'no `seccompProfile` on the container or the pod' : `\`seccompProfile: ${declared.type}\`` };
  if (linuxPrivileged) paths.set('/seccomp', scField('privileged'));
  const apparmor = resolveProfile('apparmor', cSc, pSc, cScPath, pScPath, pod, name, paths, cPath);

  const cSel = asObj(cSc.seLinuxOptions);
  const pSel = asObj(pSc.seLinuxOptions);
  let selinux: ContainerData['selinux'] = { type: null, source: 'unset' };
  if (has(cSel, 'type')) {
    selinux = { type: String(cSel.type), source: 'container', text: `\`seLinuxOptions.type: ${String(cSel.type)}\` on the container` };
    paths.set('/selinux', [...cScPath, 'seLinuxOptions', 'type']);
  } else if (has(pSel, 'type')) {
    selinux = { type: String(pSel.type), source: 'pod', text: `\`seLinuxOptions.type: ${String(pSel.type)}\` on the pod` };
    paths.set('/selinux', [...pScPath, 'seLinuxOptions', 'type']);
  } else paths.set('/selinux', scField('seLinuxOptions'));

  const mounts: Mount[] = asArr(container.volumeMounts).map((m, i) => {
    const mo = asObj(m);
    const vol = pod.volumes.get(String(mo.name));
    paths.set(`/mounts/${i}`, [...cPath, 'volumeMounts', i]);
    return {
      volume: String(mo.name ?? ''),
      mountPath: String(mo.mountPath ?? ''),
      readOnly: bool(mo.readOnly),
      hostPath: vol?.hostPath ?? null,
      volumeType: vol?.type ?? 'other',
    };
  });
  paths.set('/mounts', has(container, 'volumeMounts') ? [...cPath, 'volumeMounts'] : cPath);

  const ports = asArr(container.ports).map((p, i) => {
    const po = asObj(p);
    paths.set(`/ports/${i}`, [...cPath, 'ports', i]);
    if (has(po, 'hostPort')) paths.set(`/ports/${i}/hostPort`, [...cPath, 'ports', i, 'hostPort']);
    return {
      containerPort: num(po.containerPort),
      hostPort: num(po.hostPort) || null,
      hostIp: has(po, 'hostIP') ? String(po.hostIP) : null,
      protocol: String(po.protocol ?? 'TCP'),
    };
  });

  const env: EnvVar[] = asArr(container.env).map((e, i) => {
    const eo = asObj(e);
    paths.set(`/env/${i}`, [...cPath, 'env', i]);
    if (has(eo, 'value')) paths.set(`/env/${i}/value`, [...cPath, 'env', i, 'value']);
    return { name: String(eo.name ?? ''), value: has(eo, 'value') ? String(eo.value) : null, valueFrom: envRef(asObj(eo.valueFrom)) };
  });
  const envFrom = asArr(container.envFrom).flatMap((e, i): ContainerData['envFrom'] => {
    const eo = asObj(e);
    paths.set(`/envFrom/${i}`, [...cPath, 'envFrom', i]);
    if (has(eo, 'secretRef')) return [{ kind: 'secret', name: String(asObj(eo.secretRef).name ?? '') }];
    if (has(eo, 'configMapRef')) return [{ kind: 'configMap', name: String(asObj(eo.configMapRef).name ?? '') }];
    return [];
  });

  const data: ContainerData = {
    name,
    role,
    image: parseImageRef(container.image as string | undefined),
    user,
    privileged,
    allowPrivilegeEscalation,
    readOnlyRootFilesystem,
    systemPathsUnconfined,
    capabilities: { add, drop, dropsAll: drop.includes('ALL') },
    seccomp,
    apparmor,
    selinux,
    mounts,
    ports,
    env,
    envFrom,
  };
  const k8sData = data as KubernetesContainerData;
  if (windows) k8sData.os = 'windows';
  if (hostProcess) k8sData.hostProcess = true;
  if (privilegedBy) k8sData.privilegedBy = privilegedBy;
  if (allowPrivilegeEscalation) k8sData.escalationBy = escalationBy;
  return { data, paths };
}

/** The pod's and the container's securityContext, with their paths in the document. */
interface SecurityContexts {
  container: Obj;
  pod: Obj;
  containerPath: SourcePath;
  podPath: SourcePath;
}

interface EffectiveValue {
  value: unknown;
  source: ValueSource;
  path: SourcePath;
}

/** The value at `field` (a path inside securityContext) that applies: the container's, else the pod's. */
function effectiveValue(sc: SecurityContexts, field: readonly string[]): EffectiveValue | null {
  const candidates = [
    [sc.container, sc.containerPath, 'container'],
    [sc.pod, sc.podPath, 'pod'],
  ] as const;
  for (const [context, base, source] of candidates) {
    let holder = context;
    for (const f of field.slice(0, -1)) holder = asObj(holder[f]);
    const last = field[field.length - 1]!;
    if (has(holder, last)) return { value: holder[last], source, path: [...base, ...field] };
  }
  return null;
}

const WINDOWS_ADMINISTRATORS = /^(containeradministrator|administrator|nt authority\\system)$/i;

/**
 * On Windows the user is a name (`windowsOptions.runAsUserName`, the container's over the pod's) and
 * runAsUser cannot be set; ContainerAdministrator is the administrator, as uid 0 is root on Linux.
 */
function resolveWindowsUser(sc: SecurityContexts, cPath: SourcePath, paths: Map<string, SourcePath>): UserInfo {
  const userName = effectiveValue(sc, ['windowsOptions', 'runAsUserName']);
  const nameP = userName ? { ...userName, name: String(userName.value).trim() } : null;
  const nonRootP = effectiveValue(sc, ['runAsNonRoot']);
  const runAsNonRoot = nonRootP ? bool(nonRootP.value) : null;
  if (nonRootP) paths.set('/user/runAsNonRoot', nonRootP.path);
  const base = { uid: null, gid: null, runAsNonRoot };
  if (nameP) {
    paths.set('/user', nameP.path);
    const admin = WINDOWS_ADMINISTRATORS.test(nameP.name);
    const said = `windowsOptions.runAsUserName ${nameP.name} on the ${nameP.source}`;
    if (admin) {
      const reason = runAsNonRoot ? `${said} is the administrator; it contradicts runAsNonRoot: true (the kubelet refuses to start it)` : `${said} is the administrator`;
      return { ...base, name: nameP.name, nonRoot: false, reason, source: nameP.source };
    }
    return { ...base, name: nameP.name, nonRoot: true, reason: said, source: nameP.source };
  }
  if (runAsNonRoot && nonRootP) {
    paths.set('/user', nonRootP.path);
    return { ...base, name: null, nonRoot: true, reason: `runAsNonRoot: true on the ${nonRootP.source} (the kubelet refuses ContainerAdministrator)`, source: nonRootP.source };
  }
  paths.set('/user', nonRootP?.path ?? (Object.keys(sc.container).length ? sc.containerPath : cPath));
  return {
    ...base,
    name: null,
    nonRoot: false,
    reason: "no windowsOptions.runAsUserName or runAsNonRoot; the image's user applies (ContainerAdministrator in Windows Server Core images)",
    source: 'unset',
  };
}

function resolveUser(sc: SecurityContexts, cPath: SourcePath, paths: Map<string, SourcePath>): UserInfo {
  const pick = (field: string) => effectiveValue(sc, [field]);
  const uidP = pick('runAsUser');
  const gidP = pick('runAsGroup');
  const nonRootP = pick('runAsNonRoot');
  const uid = uidP ? num(uidP.value) : null;
  const gid = gidP ? num(gidP.value) : null;
  const runAsNonRoot = nonRootP ? bool(nonRootP.value) : null;
  let nonRoot: boolean;
  let reason: string;
  let source: ValueSource;
  if (uidP && uid !== null) {
    source = uidP.source;
    paths.set('/user', uidP.path);
    if (uid === 0) {
      nonRoot = false;
      reason = runAsNonRoot
        ? `runAsUser 0 on the ${uidP.source} contradicts runAsNonRoot: true (uid 0 is root; the kubelet refuses to start it)`
        : `runAsUser 0 on the ${uidP.source}`;
    } else {
      nonRoot = true;
      reason = `runAsUser ${uid} on the ${uidP.source}`;
    }
  } else if (runAsNonRoot && nonRootP) {
    source = nonRootP.source;
    paths.set('/user', nonRootP.path);
    nonRoot = true;
    reason = `runAsNonRoot: true on the ${nonRootP.source} (the kubelet refuses a root user)`;
  } else {
    source = 'unset';
    paths.set('/user', nonRootP?.path ?? (Object.keys(sc.container).length ? sc.containerPath : cPath));
    nonRoot = false;
    reason = nonRootP ? `runAsNonRoot: false on the ${nonRootP.source} and no runAsUser; the image's USER applies` : "no runAsUser or runAsNonRoot; the image's USER applies";
  }
  if (uidP) paths.set('/user/uid', uidP.path);
  if (nonRootP) paths.set('/user/runAsNonRoot', nonRootP.path);
  return { uid, gid, name: null, runAsNonRoot, nonRoot, reason, source };
}

function resolveProfile(
  which: 'seccomp' | 'apparmor',
  cSc: Obj,
  pSc: Obj,
  cScPath: SourcePath,
  pScPath: SourcePath,
  pod: PodContext,
  containerName: string,
  paths: Map<string, SourcePath>,
  cPath: SourcePath,
): Profile {
  const field = which === 'seccomp' ? 'seccompProfile' : 'appArmorProfile';
  const fromField = (o: Obj, base: SourcePath, source: ValueSource): Profile | null => {
    const p = asObj(o[field]);
    if (!has(p, 'type')) return null;
    paths.set(`/${which}`, [...base, field, 'type']);
    const text = `\`${field}.type: ${String(p.type)}\` on the ${source}`;
    return { type: profileType(String(p.type)), profile: has(p, 'localhostProfile') ? String(p.localhostProfile) : null, source, text };
  };
  const fromAnnotation = (key: string, source: ValueSource): Profile | null => {
    const v = pod.annotations[key];
    if (v === undefined) return null;
    paths.set(`/${which}`, [...pod.annotationsPath, key]);
    return { ...annotationProfile(v, source), text: `annotation \`${key}: ${v}\`` };
  };
  if (which === 'seccomp') {
    // The seccomp annotations have had no effect since Kubernetes 1.27 (kubernetes/kubernetes#114947):
    // only the fields decide. With none set, a finding points at the annotation the author relied on.
    const found = fromField(cSc, cScPath, 'container') ?? fromField(pSc, pScPath, 'pod');
    if (found) return found;
    const annotation = [`container.seccomp.security.alpha.kubernetes.io/${containerName}`, 'seccomp.security.alpha.kubernetes.io/pod'].find((k) => pod.annotations[k] !== undefined);
    paths.set(`/${which}`, annotation ? [...pod.annotationsPath, annotation] : Object.keys(cSc).length ? cScPath : cPath);
    return { type: 'unset', profile: null, source: 'unset' };
  }
  // The AppArmor annotation is deprecated (the field is GA since 1.30) but still applied.
  const found =
    fromField(cSc, cScPath, 'container') ??
    fromAnnotation(`container.apparmor.security.beta.kubernetes.io/${containerName}`, 'container') ??
    fromField(pSc, pScPath, 'pod');
  if (found) return found;
  paths.set(`/${which}`, Object.keys(cSc).length ? cScPath : cPath);
  return { type: 'unset', profile: null, source: 'unset' };
}

function profileType(t: string): ProfileType {
  const l = t.toLowerCase();
  if (l === 'runtimedefault') return 'RuntimeDefault';
  if (l === 'localhost') return 'Localhost';
  if (l === 'unconfined') return 'Unconfined';
  return 'unset';
}

function annotationProfile(v: string, source: ValueSource): Profile {
  if (v === 'runtime/default' || v === 'docker/default') return { type: 'RuntimeDefault', profile: null, source };
  if (v === 'unconfined') return { type: 'Unconfined', profile: null, source };
  if (v.startsWith('localhost/')) return { type: 'Localhost', profile: v.slice('localhost/'.length), source };
  return { type: 'unset', profile: v, source };
}

function envRef(vf: Obj): EnvVar['valueFrom'] {
  if (has(vf, 'secretKeyRef')) {
    const r = asObj(vf.secretKeyRef);
    return { kind: 'secret', name: has(r, 'name') ? String(r.name) : null, key: has(r, 'key') ? String(r.key) : null };
  }
  if (has(vf, 'configMapKeyRef')) {
    const r = asObj(vf.configMapKeyRef);
    return { kind: 'configMap', name: has(r, 'name') ? String(r.name) : null, key: has(r, 'key') ? String(r.key) : null };
  }
  if (has(vf, 'fieldRef')) return { kind: 'field', name: null, key: String(asObj(vf.fieldRef).fieldPath ?? '') };
  if (has(vf, 'resourceFieldRef')) return { kind: 'resource', name: null, key: String(asObj(vf.resourceFieldRef).resource ?? '') };
  return null;
}

const VOLUME_TYPES: [string, VolumeType][] = [
  ['hostPath', 'hostPath'],
  ['emptyDir', 'emptyDir'],
  ['secret', 'secret'],
  ['configMap', 'configMap'],
  ['projected', 'projected'],
  ['persistentVolumeClaim', 'pvc'],
  ['csi', 'csi'],
];

/** Pod volumes by name; `readOnly` is filled in once every container's mounts are known. */
export function resolveVolumes(spec: Obj, specPath: SourcePath, paths: Map<string, SourcePath>): Map<string, Volume> {
  const out = new Map<string, Volume>();
  asArr(spec.volumes).forEach((v, i) => {
    const vo = asObj(v);
    const name = String(vo.name ?? '');
    const typeEntry = VOLUME_TYPES.find(([k]) => has(vo, k));
    const type: VolumeType = typeEntry ? typeEntry[1] : 'other';
    // The kubelet mounts the path the kernel resolves: `/./etc` and `/etc/` are /etc (the API rejects `..`).
    const hostPath = type === 'hostPath' ? normalizeHostPath(String(asObj(vo.hostPath).path ?? '')) : null;
    const driver = type === 'csi' ? String(asObj(vo.csi).driver ?? '') : null;
    paths.set(`/volumes/${i}`, [...specPath, 'volumes', i]);
    if (type === 'hostPath') paths.set(`/volumes/${i}/hostPath`, [...specPath, 'volumes', i, 'hostPath', 'path']);
    out.set(name, { name, type, hostPath, driver, readOnly: true });
  });
  return out;
}
