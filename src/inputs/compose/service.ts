import { isSandboxedRuntime, namespaceSharing, type ContainerData, type EnvVar, type UserInfo } from '../../model/workload.js';
import { normalizeCapabilities } from '../../util/capabilities.js';
import { parseImageRef } from '../../util/image-ref.js';
import type { SourcePath } from '../source-locator.js';
import { readPorts } from './ports.js';
import { readSecurityOpts, type SecurityOpts } from './security-opt.js';
import { displayPathOf, fileVariable, hostOrLiteral, readBuildArgs, readObjectUses } from './secrets.js';
import type { ComposeContainerData, ComposeObjectDef, ComposeWorkloadData, DeviceMapping, EnvFileRef } from './types.js';
import { FieldReader, INTERPOLATION, describe, isObj, present, splitOutsideVars, withDefaults, type Obj } from './values.js';
import { readServiceMounts, workloadVolumes, type TopLevelVolume } from './volumes.js';

export interface ServiceContext {
  project: string;
  /** Display path of the compose file (env_file paths are relative to its folder). */
  file: string;
  /** Its absolute path (null for stdin): absolute env_file paths inside the working directory are shown relative. */
  absPath?: string | null;
  volumes: Map<string, TopLevelVolume>;
  /** Top-level `secrets:` / `configs:` of the file. */
  objects: readonly ComposeObjectDef[];
}

export interface NormalizedService {
  workload: ComposeWorkloadData;
  container: ComposeContainerData;
  /** normalized pointer → path inside the service mapping */
  workloadPaths: Map<string, SourcePath>;
  containerPaths: Map<string, SourcePath>;
}

/**
 * One compose service → the shared workload/container shapes, with Docker's defaults where a field is
 * unset: the default capability set (so nothing is dropped), the default seccomp and AppArmor profiles,
 * privilege escalation allowed unless `no-new-privileges`, and the image's USER when `user` is unset.
 */
export function normalizeService(r: FieldReader, name: string, s: Obj, ctx: ServiceContext): NormalizedService {
  const wp = new Map<string, SourcePath>([['', []], ['/name', []]]);
  const cp = new Map<string, SourcePath>([['', []], ['/name', []]]);
  const at = (m: Map<string, SourcePath>, pointer: string, field: string) => {
    if (present(s[field])) m.set(pointer, [field]);
  };

  // Container
  const imageText = r.str(s.image, ['image']);
  at(cp, '/image', 'image');

  const user = readUser(r, s.user);
  at(cp, '/user', 'user');

  const privileged = r.bool(s.privileged, ['privileged']) ?? false;
  at(cp, '/privileged', 'privileged');

  const readOnlyRootFilesystem = r.bool(s.read_only, ['read_only']) ?? false;
  at(cp, '/readOnlyRootFilesystem', 'read_only');

  const add = normalizeCapabilities(r.strList(s.cap_add, ['cap_add']));
  const drop = normalizeCapabilities(r.strList(s.cap_drop, ['cap_drop']));
  at(cp, '/capabilities/add', 'cap_add');
  at(cp, '/capabilities/drop', 'cap_drop');
  at(cp, '/capabilities/dropsAll', 'cap_drop');
  add.forEach((_, i) => cp.set(`/capabilities/add/${i}`, ['cap_add', i]));
  drop.forEach((_, i) => cp.set(`/capabilities/drop/${i}`, ['cap_drop', i]));
  const dropsAll = drop.includes('ALL');
  if (dropsAll) cp.set('/capabilities/dropsAll', ['cap_drop', drop.indexOf('ALL')]);

  const sec = readSecurityOpts(r, s.security_opt);
  at(cp, '/seccomp', 'security_opt');
  at(cp, '/apparmor', 'security_opt');
  at(cp, '/selinux', 'security_opt');
  at(cp, '/allowPrivilegeEscalation', 'security_opt');
  if (sec.at.seccomp !== undefined) cp.set('/seccomp', ['security_opt', sec.at.seccomp]);
  if (sec.at.apparmor !== undefined) cp.set('/apparmor', ['security_opt', sec.at.apparmor]);
  if (sec.at.selinux !== undefined) cp.set('/selinux', ['security_opt', sec.at.selinux]);
  if (sec.at.noNewPrivileges !== undefined) cp.set('/allowPrivilegeEscalation', ['security_opt', sec.at.noNewPrivileges]);
  if (sec.at.systemPaths !== undefined) cp.set('/systemPathsUnconfined', ['security_opt', sec.at.systemPaths]);
  // Docker runs a privileged container without seccomp, whatever profile is named, and without AppArmor
  // unless a profile is named: those findings point at `privileged`.
  if (privileged && sec.seccomp.type !== 'Unconfined') {
    sec.seccomp = { type: 'Unconfined', profile: null, source: 'service', text: '`privileged: true`, which turns seccomp off' };
    cp.set('/seccomp', ['privileged']);
  }
  if (privileged && sec.at.apparmor === undefined) {
    sec.apparmor = { type: 'Unconfined', profile: null, source: 'service', text: '`privileged: true` with no AppArmor profile in `security_opt`' };
    cp.set('/apparmor', ['privileged']);
  }
  const selinux = selinuxOf(s, privileged, sec);
  if (selinux.field) cp.set('/selinux', [selinux.field]);

  const mounts = readServiceMounts(r, s, ctx.volumes);
  mounts.forEach((m, i) => cp.set(`/mounts/${i}`, m.path));

  // Docker discards the published ports of a host-network container: read (a malformed one is still an
  // error) but not kept, so no rule reports a port that is never published.
  const read = readPorts(r, s.ports);
  const ports = typeof s.network_mode === 'string' && s.network_mode.trim() === 'host' ? [] : read;
  ports.forEach((p, i) => cp.set(`/ports/${i}`, p.path));

  const env = readEnvironment(r, s.environment);
  env.forEach((e, i) => cp.set(`/env/${i}`, e.path));

  const envFiles = readEnvFiles(r, s.env_file, { path: ctx.file, absPath: ctx.absPath ?? null });
  envFiles.forEach((e, i) => {
    cp.set(`/envFrom/${i}`, e.path);
    cp.set(`/envFiles/${i}`, e.path);
  });

  const buildArgs = readBuildArgs(r, s.build);
  buildArgs.forEach((a, i) => cp.set(`/buildArgs/${i}`, a.path));

  const objects = readObjectUses(r, s, ctx.objects).map(({ use, path }) => ({ use: { ...use, variable: fileVariable(use, env.map((e) => e.env)) }, path }));
  objects.forEach((o, i) => cp.set(`/objects/${i}`, o.path));

  const devices = readDevices(r, s.devices);
  devices.forEach((d, i) => cp.set(`/devices/${i}`, d.path));

  const container: ComposeContainerData = {
    name,
    role: 'main',
    image: s.build !== undefined && s.build !== null ? { ...parseImageRef(imageText), built: true } : parseImageRef(imageText),
    user,
    privileged,
    allowPrivilegeEscalation: !sec.noNewPrivileges,
    readOnlyRootFilesystem,
    capabilities: { add, drop, dropsAll },
    seccomp: sec.seccomp,
    apparmor: sec.apparmor,
    selinux: selinux.value,
    mounts: mounts.map((m) => m.mount),
    ports: ports.map((p) => p.port),
    env: env.map((e) => e.env),
    envFrom: envFiles.map((e) => ({ kind: 'file' as const, name: e.ref.path })),
    devices: devices.map((d) => d.device),
    envFiles: envFiles.map((e) => e.ref),
    systemPathsUnconfined: sec.systemPathsUnconfined,
    buildArgs: buildArgs.map((a) => a.env),
    objects: objects.map((o) => o.use),
  };

  // Workload
  const networkMode = r.str(s.network_mode, ['network_mode']);
  at(wp, '/networkMode', 'network_mode');
  at(wp, '/hostNetwork', 'network_mode');
  const pid = r.str(s.pid, ['pid']);
  at(wp, '/hostPID', 'pid');
  at(wp, '/shareProcessNamespace', 'pid');
  const ipc = r.str(s.ipc, ['ipc']);
  at(wp, '/hostIPC', 'ipc');
  const userns = r.str(s.userns_mode, ['userns_mode']);
  at(wp, '/hostUsers', 'userns_mode');
  const uts = r.str(s.uts, ['uts']);
  at(wp, '/hostUTS', 'uts');
  const containerName = r.str(s.container_name, ['container_name']);
  const volumesFrom = readVolumesFrom(r, s.volumes_from);
  volumesFrom.forEach((_, i) => wp.set(`/volumesFrom/${i}`, ['volumes_from', i]));
  const runtime = r.str(s.runtime, ['runtime']);
  at(wp, '/runtimeClassName', 'runtime');
  at(wp, '/sandboxedRuntime', 'runtime');

  const labels: Record<string, string> = {};
  for (const l of r.keyValues(s.labels, ['labels'])) {
    labels[l.key] = l.value ?? '';
    wp.set(`/labels/${l.key.replace(/~/g, '~0').replace(/\//g, '~1')}`, l.path);
  }
  at(wp, '/labels', 'labels');

  const volumes = workloadVolumes(container.mounts, ctx.volumes);
  volumes.forEach((v, i) => {
    const first = mounts.find((m) => m.mount.volume === v.name && m.mount.volumeType === v.type);
    if (first) wp.set(`/volumes/${i}`, first.path);
  });

  const logging = readLogging(r, s);
  if (present(s.logging)) wp.set('/logging', ['logging']);
  else if (present(s.log_driver)) wp.set('/logging', ['log_driver']);
  wp.set('/containers/0', []);

  const build = readBuild(r, s.build);
  at(wp, '/build', 'build');

  const workload: ComposeWorkloadData = {
    platform: 'compose',
    kind: 'service',
    name,
    namespace: null,
    labels,
    annotations: {},
    ...namespaceSharing({ network: networkMode, pid, ipc, userns, uts }),
    serviceAccountName: null,
    automountServiceAccountToken: false,
    automountSource: 'not-applicable',
    runtimeClassName: runtime,
    sandboxedRuntime: isSandboxedRuntime(runtime),
    volumes,
    containers: [name],
    logging,
    networkMode,
    namespaceModes: { network: networkMode, pid, ipc },
    containerName,
    ...(volumesFrom.length ? { volumesFrom } : {}),
    project: ctx.project,
    build,
  };
  return { workload, container, workloadPaths: wp, containerPaths: cp };
}

/**
 * The SELinux type, and the service key that decided it when `security_opt` did not. Docker turns
 * labelling off (`spc_t`) for a privileged container and one sharing the host's PID or IPC namespace,
 * unless `security_opt` has a `label` entry (moby daemon/create.go, generateSecurityOpt).
 */
function selinuxOf(s: Obj, privileged: boolean, sec: SecurityOpts): { value: ContainerData['selinux']; field?: string } {
  if (sec.selinuxType !== null) return { value: { type: sec.selinuxType, source: 'service', ...(sec.selinuxText ? { text: sec.selinuxText } : {}) } };
  if (sec.labelled) return { value: { type: null, source: 'unset' } };
  const host = (field: 'pid' | 'ipc') => typeof s[field] === 'string' && (s[field] as string).trim() === 'host';
  const by = privileged ? 'privileged' : host('pid') ? 'pid' : host('ipc') ? 'ipc' : null;
  if (by === null) return { value: { type: null, source: 'unset' } };
  const said = by === 'privileged' ? '`privileged: true`' : `\`${by}: host\``;
  return { value: { type: 'spc_t', source: 'service', text: `${said} with no \`label\` entry in \`security_opt\`, under which Docker turns SELinux labelling off` }, field: by };
}

/** `volumes_from: [service[:ro|:rw], container:name[:ro|:rw]]`. */
function readVolumesFrom(r: FieldReader, value: unknown): NonNullable<ComposeWorkloadData['volumesFrom']> {
  return r.strList(value, ['volumes_from']).map((raw, i) => {
    const path: SourcePath = ['volumes_from', i];
    const m = /^(container:)?([^:]+)(?::(ro|rw))?$/.exec(raw.trim());
    if (!m) return r.fail(path, `${r.label(path)} '${raw}' is not a service name or container:<name>, with an optional :ro or :rw`);
    return { service: m[1] ? null : m[2]!, container: m[1] ? m[2]! : null, readOnly: m[3] === 'ro' };
  });
}

export function readUser(r: FieldReader, value: unknown): UserInfo {
  const base = { uid: null, gid: null, name: null, runAsNonRoot: null } as const;
  if (!present(value)) return { ...base, nonRoot: false, reason: "no `user:` set on the service; the image's USER applies", source: 'unset' };
  if (isObj(value) || Array.isArray(value)) return r.fail(['user'], `${r.label(['user'])} must be a string, not ${describe(value)}`);
  const text = String(value).trim();
  if (text === '') return { ...base, nonRoot: false, reason: "empty `user:`; the image's USER applies", source: 'unset' };
  if (INTERPOLATION.test(text)) {
    return { ...base, nonRoot: false, reason: `user '${text}' is set by a variable; cannot prove it is not root`, source: 'service' };
  }
  const [who, group = null] = text.split(':') as [string, string?];
  const gid = group !== null && /^\d+$/.test(group) ? Number(group) : null;
  if (/^\d+$/.test(who)) {
    const uid = Number(who);
    return uid === 0
      ? { ...base, uid, gid, nonRoot: false, reason: 'user 0 (root) set on the service', source: 'service' }
      : { ...base, uid, gid, nonRoot: true, reason: `user ${uid} set on the service`, source: 'service' };
  }
  if (who === 'root') return { ...base, uid: 0, gid, name: 'root', nonRoot: false, reason: 'user root set on the service', source: 'service' };
  return { ...base, gid, name: who, nonRoot: true, reason: `user name '${who}' (uid not resolved)`, source: 'service' };
}

function readEnvironment(r: FieldReader, value: unknown): { env: EnvVar; path: SourcePath }[] {
  return r.keyValues(value, ['environment']).map(({ key, value: v, path }) => ({ env: hostOrLiteral(key, v), path }));
}

function readEnvFiles(r: FieldReader, value: unknown, compose: { path: string; absPath: string | null }): { ref: EnvFileRef; path: SourcePath }[] {
  if (!present(value)) return [];
  const items: { entry: unknown; path: SourcePath }[] =
    typeof value === 'string' ? [{ entry: value, path: ['env_file'] }] : r.list(value, ['env_file']).map((entry, i) => ({ entry, path: ['env_file', i] }));
  return items.map(({ entry, path }) => {
    let p: string | null;
    let required = true;
    if (isObj(entry)) {
      p = r.str(entry.path, [...path, 'path']);
      required = r.bool(entry.required, [...path, 'required']) ?? true;
    } else p = r.str(entry, path);
    if (!p) return r.fail(path, `${r.label(path)} has no path`);
    const file = displayPathOf(p, compose);
    return { ref: { path: p, file, required }, path };
  });
}

function readDevices(r: FieldReader, value: unknown): { device: DeviceMapping; path: SourcePath }[] {
  return r.list(value, ['devices']).map((entry, i) => {
    const path: SourcePath = ['devices', i];
    if (isObj(entry)) {
      const hostPath = r.str(entry.source, [...path, 'source']);
      if (!hostPath) return r.fail(path, `${r.label(path)} has no source`);
      return { device: { hostPath, containerPath: r.str(entry.target, [...path, 'target']) ?? hostPath, permissions: r.str(entry.permissions, [...path, 'permissions']) ?? 'rwm' }, path };
    }
    const spec = r.str(entry, path);
    if (!spec) return r.fail(path, `${r.label(path)} is empty`);
    return { device: deviceOf(spec), path };
  });
}

/** `HOST[:CONTAINER[:PERMISSIONS]]`, after compose's `${VAR:-default}` substitution (a `:-` inside `${…}` is no separator). */
export function deviceOf(spec: string): DeviceMapping {
  const [hostPath, containerPath = hostPath, permissions = 'rwm'] = splitOutsideVars(withDefaults(spec)) as [string, string?, string?];
  return { hostPath, containerPath, permissions };
}

function readLogging(r: FieldReader, s: Obj): ComposeWorkloadData['logging'] {
  const toOptions = (v: unknown, path: SourcePath): Record<string, string> =>
    Object.fromEntries(r.keyValues(v, path).map((kv) => [kv.key, kv.value ?? '']));
  if (present(s.logging)) {
    if (!isObj(s.logging)) return r.fail(['logging'], `${r.label(['logging'])} must be a mapping, not ${describe(s.logging)}`);
    return { driver: r.str(s.logging.driver, ['logging', 'driver']), options: toOptions(s.logging.options, ['logging', 'options']) };
  }
  // Compose file format 2: `log_driver` / `log_opt`.
  if (present(s.log_driver) || present(s.log_opt)) return { driver: r.str(s.log_driver, ['log_driver']), options: toOptions(s.log_opt, ['log_opt']) };
  return null;
}

function readBuild(r: FieldReader, value: unknown): ComposeWorkloadData['build'] {
  if (!present(value)) return null;
  if (typeof value === 'string') return { context: value, dockerfile: null };
  if (!isObj(value)) return r.fail(['build'], `${r.label(['build'])} must be a string or a mapping, not ${describe(value)}`);
  return { context: r.str(value.context, ['build', 'context']) ?? '.', dockerfile: r.str(value.dockerfile, ['build', 'dockerfile']) };
}
