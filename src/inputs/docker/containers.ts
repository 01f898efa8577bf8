import type { SecretHit } from '../../analyzers/secrets/types.js';
import type { Location } from '../../model/location.js';
import { escapePointerSegment, type Target } from '../../model/target.js';
import { isSandboxedRuntime, namespaceSharing, type ContainerData, type EnvVar, type ImageRef, type Mount, type PortInfo, type Profile, type UserInfo, type Volume, type WorkloadData } from '../../model/workload.js';
import { DOCKER_DEFAULT_CAPABILITIES, normalizeCapabilities } from '../../util/capabilities.js';
import { parseImageRef } from '../../util/image-ref.js';
import { keptPair } from '../image/kept-pair.js';
import { parseGroup, parsePasswd, resolveUser, type GroupEntry, type PasswdEntry } from '../image/passwd.js';

/** The parts of `GET /containers/{id}/json` that sandcheck reads (Docker Engine API 1.41+). */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  State?: { Status?: string };
  AppArmorProfile?: string;
  Config: { User?: string; Env?: string[] | null; Image?: string; Labels?: Record<string, string> | null };
  HostConfig: {
    Privileged?: boolean;
    CapAdd?: string[] | null;
    CapDrop?: string[] | null;
    ReadonlyRootfs?: boolean;
    SecurityOpt?: string[] | null;
    Binds?: string[] | null;
    NetworkMode?: string;
    PidMode?: string;
    IpcMode?: string;
    UsernsMode?: string;
    UTSMode?: string;
    Runtime?: string;
    LogConfig?: { Type?: string; Config?: Record<string, string> | null };
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Devices?: { PathOnHost?: string; PathInContainer?: string }[] | null;
  };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string; RW?: boolean; Driver?: string }[];
}

export interface DockerContainerData extends ContainerData {
  /**
   * `gidRoot`: a numeric user (`--user 4242`, or the image's `USER 4242`) that the container's
   * /etc/passwd does not list, with no group given, runs with primary group 0 (image-user-group-root).
   */
  user: UserInfo & { gidRoot: boolean };
  /** Capabilities the process has: Docker's default set plus CapAdd minus CapDrop (all with --privileged). */
  effectiveCapabilities: string[];
  /** Added beyond Docker's default set. */
  addedBeyondDefault: string[];
  state: string | null;
  imageId: string;
  /**
   * Secrets the detector found in Config.Labels when the container was normalized: the workload keeps
   * its labels without them (see keptPair), so they are recorded here for the key-storage rules.
   */
  labelSecrets: LabelSecret[];
  /** Candidates the detector's filters dropped in Config.Labels (only while `--debug-secrets` listens). */
  labelDrops?: LabelDrop[];
}

/**
 * A secret found in one label: a detector hit without a line (never the value, nor its length). `name` is
 * the label's name, absent when the name is itself the key (it is not shown then).
 */
export type LabelSecret = Omit<SecretHit, 'line' | 'column'>;

export interface LabelDrop {
  detector: string;
  reason: string;
  fingerprint: string;
  name?: string;
}

/**
 * The shared secret detector over one label (name, value), injected: inputs do not import analyzers.
 * Candidates its filters drop go into `drops` when someone listens (`--debug-secrets`).
 */
export type LabelDetector = (name: string, value: string, drops?: LabelDrop[]) => LabelSecret[];

export interface DockerTargets {
  workload: Target<WorkloadData & { containerId: string; state: string | null }>;
  container: Target<DockerContainerData>;
}

/** Reads /etc/passwd and /etc/group of the container (through the engine's archive API; nothing runs in it). */
export interface ContainerFiles {
  passwd: PasswdEntry[] | null;
  group: GroupEntry[] | null;
}

export function containerUri(name: string): string {
  return `docker://container/${name}`;
}

export function normalizeContainer(c: ContainerInspect, files: ContainerFiles, detectLabel: LabelDetector): DockerTargets {
  const name = c.Name.replace(/^\//, '') || c.Id.slice(0, 12);
  const uri = containerUri(name);
  const id = `docker:container/${name}`;
  const hc = c.HostConfig ?? {};
  const cfg = c.Config ?? {};
  const cLoc = new Map<string, Location>();
  const wLoc = new Map<string, Location>();
  const at = (m: Map<string, Location>, pointer: string, field: string) => m.set(pointer, { uri, pointer, detail: field });

  // User: Config.User is the container's --user, else the image's USER (Docker merges them).
  const userText = cfg.User ?? '';
  const resolved = resolveUser(userText, files.passwd, files.group);
  // A name that cannot be resolved to a uid (no /etc/passwd, or none readable) may be root: not non-root.
  const nonRoot = resolved.uid !== null && resolved.uid !== 0;
  const user: DockerContainerData['user'] = {
    uid: resolved.uid,
    gid: resolved.gid,
    name: resolved.name,
    runAsNonRoot: null,
    nonRoot,
    reason: userText.trim() === '' ? 'no user set on the container or its image: runs as root' : resolved.reason.replace(/^USER /, 'user '),
    source: userText.trim() === '' ? 'runtime-default' : 'container',
    // Docker gives such a process gid 0 (`id` prints gid=0(root)); an unset user is root, judged elsewhere.
    gidRoot: userText.trim() !== '' && resolved.gidRoot === true,
  };
  at(cLoc, '/user', 'Config.User');

  const privileged = hc.Privileged === true;
  at(cLoc, '/privileged', 'HostConfig.Privileged');
  const add = normalizeCapabilities(hc.CapAdd ?? []);
  const drop = normalizeCapabilities(hc.CapDrop ?? []);
  const dropsAll = drop.includes('ALL');
  at(cLoc, '/capabilities', 'HostConfig.CapAdd/CapDrop');
  at(cLoc, '/capabilities/add', 'HostConfig.CapAdd');
  at(cLoc, '/capabilities/drop', 'HostConfig.CapDrop');
  at(cLoc, '/capabilities/dropsAll', 'HostConfig.CapDrop');
  const base = dropsAll ? [] : DOCKER_DEFAULT_CAPABILITIES.filter((cap) => !drop.includes(cap));
  const effective = privileged || add.includes('ALL') ? ['ALL'] : [...new Set([...base, ...add])].sort();
  const addedBeyondDefault = add.filter((a) => !DOCKER_DEFAULT_CAPABILITIES.includes(a));

  const sec = securityOpts(hc.SecurityOpt ?? [], c.AppArmorProfile);
  // Docker runs a privileged container without seccomp, whatever profile is named: the finding points
  // at the flag the user set (an explicit seccomp=unconfined stays at SecurityOpt).
  const seccompOff = privileged && sec.seccomp.type !== 'Unconfined';
  at(cLoc, '/seccomp', seccompOff ? 'HostConfig.Privileged' : 'HostConfig.SecurityOpt');
  at(cLoc, '/apparmor', 'HostConfig.SecurityOpt');
  at(cLoc, '/selinux', 'HostConfig.SecurityOpt');
  at(cLoc, '/allowPrivilegeEscalation', 'HostConfig.SecurityOpt');
  at(cLoc, '/readOnlyRootFilesystem', 'HostConfig.ReadonlyRootfs');

  const mounts: Mount[] = (c.Mounts ?? []).map((m) => {
    const type = m.Type === 'bind' ? 'bind' : m.Type === 'tmpfs' ? 'tmpfs' : m.Type === 'volume' ? 'volume' : 'other';
    return {
      volume: type === 'bind' ? (m.Source ?? '') : (m.Name ?? m.Source ?? '(anonymous)'),
      mountPath: m.Destination ?? '',
      readOnly: m.RW === false,
      hostPath: type === 'bind' ? (m.Source ?? null) : null,
      volumeType: type,
    };
  });
  mounts.forEach((m, i) => at(cLoc, `/mounts/${i}`, `Mounts[${i}] ${m.mountPath}`));

  const env: EnvVar[] = (cfg.Env ?? []).map((kv) => {
    const i = kv.indexOf('=');
    return { name: i < 0 ? kv : kv.slice(0, i), value: i < 0 ? null : kv.slice(i + 1), valueFrom: null };
  });
  env.forEach((e, i) => at(cLoc, `/env/${i}`, `Config.Env ${e.name}`));

  const ports: PortInfo[] = [];
  for (const [key, binds] of Object.entries(hc.PortBindings ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of binds ?? []) {
      ports.push({ containerPort: Number(port) || null, hostPort: b.HostPort ? Number(b.HostPort) || null : null, hostIp: b.HostIp || null, protocol: (proto ?? 'tcp').toUpperCase() });
    }
  }
  ports.forEach((_, i) => at(cLoc, `/ports/${i}`, 'HostConfig.PortBindings'));

  const imageRef = cfg.Image ?? c.Image;
  at(cLoc, '/image', 'Config.Image');
  const container: DockerContainerData = {
    name,
    role: 'main',
    image: imageRefOf(imageRef, c.Image),
    user,
    privileged,
    allowPrivilegeEscalation: !sec.noNewPrivileges,
    readOnlyRootFilesystem: hc.ReadonlyRootfs === true,
    capabilities: { add, drop, dropsAll },
    seccomp: seccompOff ? { type: 'Unconfined', profile: null, source: 'container', text: '`--privileged`, which turns seccomp off' } : sec.seccomp,
    apparmor: sec.apparmor,
    selinux: sec.selinuxType === null ? { type: null, source: 'unset' } : { type: sec.selinuxType, source: 'container', ...(sec.selinuxText ? { text: selinuxCause(sec.selinuxText, privileged, hc) } : {}) },
    mounts,
    ports,
    env,
    envFrom: [],
    effectiveCapabilities: effective,
    addedBeyondDefault,
    state: c.State?.Status ?? null,
    imageId: c.Image,
    labelSecrets: [],
  };

  const network = hc.NetworkMode ?? null;
  const pid = hc.PidMode ?? '';
  const ipc = hc.IpcMode ?? '';
  const userns = hc.UsernsMode ?? '';
  const uts = hc.UTSMode ?? '';
  const runtime = hc.Runtime && hc.Runtime !== 'runc' ? hc.Runtime : null;
  at(wLoc, '/hostNetwork', 'HostConfig.NetworkMode');
  at(wLoc, '/networkMode', 'HostConfig.NetworkMode');
  at(wLoc, '/hostPID', 'HostConfig.PidMode');
  at(wLoc, '/shareProcessNamespace', 'HostConfig.PidMode');
  at(wLoc, '/hostIPC', 'HostConfig.IpcMode');
  at(wLoc, '/hostUsers', 'HostConfig.UsernsMode');
  at(wLoc, '/hostUTS', 'HostConfig.UTSMode');
  at(wLoc, '/logging', 'HostConfig.LogConfig');
  at(wLoc, '/runtimeClassName', 'HostConfig.Runtime');
  at(wLoc, '/sandboxedRuntime', 'HostConfig.Runtime');
  const volumes: Volume[] = [];
  for (const m of mounts) {
    if (m.volume === '(anonymous)') continue;
    const seen = volumes.find((v) => v.name === m.volume && v.type === m.volumeType);
    if (seen) seen.readOnly = seen.readOnly && m.readOnly;
    else volumes.push({ name: m.volume, type: m.volumeType, hostPath: m.hostPath, driver: m.volumeType === 'volume' ? (c.Mounts?.find((x) => x.Name === m.volume)?.Driver ?? 'local') : null, readOnly: m.readOnly });
  }
  volumes.forEach((v, i) => {
    const mi = mounts.findIndex((m) => m.volume === v.name && m.volumeType === v.type);
    at(wLoc, `/volumes/${i}`, `Mounts[${mi}] ${mounts[mi]!.mountPath}`);
  });
  // Labels are as readable as env (`docker inspect`, `docker ps --format`), and `docker run --label` puts
  // them on no image: a key in one is found here. The workload keeps them for rules, never a secret.
  const labels: Record<string, string> = {};
  const labelSecrets: LabelSecret[] = [];
  const labelDrops: LabelDrop[] = [];
  for (const [label, value] of Object.entries(cfg.Labels ?? {})) {
    const hits = detectLabel(label, value, labelDrops);
    labelSecrets.push(...hits);
    const [kept, keptValue] = keptPair(label, value, hits);
    labels[kept] = keptValue;
  }
  container.labelSecrets = labelSecrets;
  if (labelDrops.length > 0) container.labelDrops = labelDrops;
  labelSecrets.forEach((s, i) => at(cLoc, `/labelSecrets/${i}`, s.name === undefined ? 'Config.Labels' : `Config.Labels ${s.name}`));
  // Containers started by compose carry their project: the same trust boundary as the compose file's.
  const project = labels['com.docker.compose.project'];
  const boundary = project ? `compose project ${project}` : undefined;
  for (const k of Object.keys(labels)) at(wLoc, `/labels/${escapePointerSegment(k)}`, `Config.Labels ${k}`);

  const workload: DockerTargets['workload'] = {
    kind: 'workload',
    id,
    name,
    platform: 'docker',
    uri,
    data: {
      platform: 'docker',
      kind: 'container',
      name,
      namespace: null,
      labels,
      annotations: {},
      ...namespaceSharing({ network, pid, ipc, userns, uts }),
      serviceAccountName: null,
      automountServiceAccountToken: false,
      automountSource: 'not-applicable',
      runtimeClassName: runtime,
      sandboxedRuntime: isSandboxedRuntime(runtime),
      volumes,
      containers: [name],
      logging: hc.LogConfig ? { driver: hc.LogConfig.Type ?? null, options: { ...(hc.LogConfig.Config ?? {}) } } : null,
      networkMode: network,
      containerId: c.Id,
      state: c.State?.Status ?? null,
    },
    locations: wLoc,
    suppressions: [],
    ...(boundary ? { boundary } : {}),
  };
  wLoc.set('', { uri, detail: 'container' });
  cLoc.set('', { uri, detail: 'container' });
  return {
    workload,
    container: { kind: 'container', id: `${id}#container`, name, platform: 'docker', uri, data: container, locations: cLoc, suppressions: [], parentId: id, ...(boundary ? { boundary } : {}) },
  };
}

interface SecurityOpts {
  seccomp: Profile;
  apparmor: Profile;
  selinuxType: string | null;
  /** The entry that decided selinuxType, as Docker stores it, for messages. */
  selinuxText: string | null;
  noNewPrivileges: boolean;
}

/** `HostConfig.SecurityOpt` as Docker stores it (`seccomp=unconfined`, `no-new-privileges:true`, `label=disable`…). */
export function securityOpts(list: string[], appArmorProfile?: string): SecurityOpts {
  const out: SecurityOpts = {
    seccomp: { type: 'RuntimeDefault', profile: null, source: 'runtime-default' },
    apparmor:
      appArmorProfile === 'unconfined'
        ? { type: 'Unconfined', profile: null, source: 'container', text: 'AppArmor profile `unconfined` (Docker gives it to a `--privileged` container that names no profile)' }
        : { type: 'RuntimeDefault', profile: appArmorProfile || null, source: 'runtime-default' },
    selinuxType: null,
    selinuxText: null,
    noNewPrivileges: false,
  };
  for (const raw of list) {
    const opt = raw.trim();
    const cut = opt.search(/[=:]/);
    const key = (cut < 0 ? opt : opt.slice(0, cut)).toLowerCase();
    const val = cut < 0 ? null : opt.slice(cut + 1).trim();
    // Docker stores a profile file's content inline: never quote a whole JSON profile.
    const text = `\`--security-opt ${val !== null && val.startsWith('{') ? `${opt.slice(0, cut + 1)}<inline JSON profile>` : opt}\``;
    if (key === 'seccomp') out.seccomp = { ...profile(val), text };
    else if (key === 'apparmor') out.apparmor = { ...profile(val), text };
    else if (key === 'no-new-privileges') out.noNewPrivileges = (val ?? 'true').toLowerCase() !== 'false';
    else if (key === 'label' && val) {
      if (val === 'disable') {
        out.selinuxType = 'spc_t';
        out.selinuxText = text;
      }
      const m = /^type[:=](.+)$/.exec(val);
      if (m) {
        out.selinuxType = m[1]!;
        out.selinuxText = text;
      }
    }
  }
  return out;
}

/**
 * Docker writes `label=disable` into SecurityOpt itself for a `--privileged` container and one with
 * `--pid host` or `--ipc host` that names no label: the stored entry does not tell who wrote it.
 */
function selinuxCause(text: string, privileged: boolean, hc: ContainerInspect['HostConfig']): string {
  if (!text.includes('label=disable')) return text;
  const flags = [privileged ? '`--privileged`' : null, hc.PidMode === 'host' ? '`--pid host`' : null, hc.IpcMode === 'host' ? '`--ipc host`' : null].filter((f) => f !== null);
  if (flags.length === 0) return text;
  return `${text}, which Docker adds itself for ${flags.length > 1 ? `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)}` : flags[0]}`;
}

function profile(val: string | null): Profile {
  if (!val) return { type: 'unset', profile: null, source: 'container' };
  if (val.toLowerCase() === 'unconfined') return { type: 'Unconfined', profile: null, source: 'container' };
  if (val === 'docker-default' || val === 'builtin') return { type: 'RuntimeDefault', profile: val, source: 'container' };
  return { type: 'Localhost', profile: val.startsWith('{') ? '(inline JSON profile)' : val, source: 'container' };
}

export function parseContainerFiles(passwd: string | null, group: string | null): ContainerFiles {
  return { passwd: passwd === null ? null : parsePasswd(passwd), group: group === null ? null : parseGroup(group) };
}

/**
 * `docker run a99c58427680` (or `sha256:…`): the container names its image by id, the digest of the
 * image config, which fixes every layer by its diff id. That is pinned by content, and no `latest` tag
 * is involved; parsed as a reference it would read as repository `a99c58427680` with no tag.
 */
function imageRefOf(configImage: string, imageId: string | undefined): ImageRef {
  const hex = configImage.startsWith('sha256:') ? configImage.slice(7) : configImage;
  if (imageId && /^[0-9a-f]{12,64}$/.test(hex) && imageId.startsWith(`sha256:${hex}`)) {
    return { ref: configImage, repository: null, tag: null, digest: imageId, latest: false, pinned: true };
  }
  return parseImageRef(configImage);
}
