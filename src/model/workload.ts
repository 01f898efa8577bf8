/**
 * The data shapes of `workload` and `container` targets. Every source (Kubernetes pod templates,
 * compose services, live Docker containers, image configs) is normalized into these, so one rule
 * holds for all of them. Values are *effective* (after pod → container inheritance and defaults);
 * `source` fields say where a value came from.
 */

export type ValueSource = 'container' | 'pod' | 'image' | 'dockerfile' | 'service' | 'runtime-default' | 'unset';

export interface ImageRef {
  ref: string | null; // as written; null when the source has none
  repository: string | null;
  tag: string | null;
  digest: string | null; // sha256:…
  /** `latest` tag, or no tag and no digest. */
  latest: boolean;
  /** Pinned by digest. */
  pinned: boolean;
  /**
   * compose `build:` with `image:`: the reference names what compose builds (a digest cannot exist
   * before the build); the base images are judged in the Dockerfile (dockerfile-from-unpinned).
   */
  built?: true;
}

export interface UserInfo {
  uid: number | null;
  gid: number | null;
  name: string | null;
  runAsNonRoot: boolean | null;
  /** True only when the evidence proves a non-root uid (or runAsNonRoot is enforced with no uid 0). */
  nonRoot: boolean;
  /** Why nonRoot is what it is, in words: `runAsUser 0 set on the pod`, `no user set; image default applies`. */
  reason: string;
  source: ValueSource;
}

export type ProfileType = 'RuntimeDefault' | 'Localhost' | 'Unconfined' | 'unset';

export interface Profile {
  type: ProfileType;
  profile: string | null;
  source: ValueSource;
  /** What decided it, as the input says it, for messages (Kubernetes seccomp: `seccompProfile: RuntimeDefault`, or `privileged: true`). */
  text?: string;
}

export interface Mount {
  volume: string; // volume name, or the bind source for compose/docker
  mountPath: string;
  readOnly: boolean;
  /** Set when the volume is a host path / bind mount. */
  hostPath: string | null;
  volumeType: VolumeType;
}

export type VolumeType = 'hostPath' | 'bind' | 'volume' | 'emptyDir' | 'tmpfs' | 'secret' | 'configMap' | 'projected' | 'pvc' | 'csi' | 'other';

export interface Volume {
  name: string;
  type: VolumeType;
  hostPath: string | null;
  /** A named docker/compose volume whose driver options bind a host path, or a CSI driver name. */
  driver: string | null;
  /** Effective: true only if every mount of it is read-only. */
  readOnly: boolean;
}

export interface EnvVar {
  name: string;
  /** Literal value, when the source gives one. Never printed: see the redaction rules. */
  value: string | null;
  /** A reference instead of a literal. */
  valueFrom: { kind: 'secret' | 'configMap' | 'field' | 'resource' | 'file' | 'host'; name: string | null; key: string | null } | null;
}

export interface PortInfo {
  containerPort: number | null;
  hostPort: number | null;
  hostIp: string | null;
  protocol: string;
}

export interface ContainerData {
  name: string;
  role: 'main' | 'init' | 'ephemeral';
  image: ImageRef;
  user: UserInfo;
  privileged: boolean;
  /** Effective: false only when explicitly disabled (k8s allowPrivilegeEscalation: false, docker no-new-privileges). */
  allowPrivilegeEscalation: boolean;
  readOnlyRootFilesystem: boolean;
  /** /proc and /sys are not masked: Kubernetes `procMount: Unmasked`, Docker `systempaths=unconfined`. */
  systemPathsUnconfined?: boolean;
  capabilities: {
    add: string[]; // upper case, no CAP_ prefix
    drop: string[];
    dropsAll: boolean;
  };
  seccomp: Profile;
  apparmor: Profile;
  /** `text`: what decided it, as the input says it (compose: the `security_opt` entry, or `privileged: true`). */
  selinux: { type: string | null; source: ValueSource; text?: string };
  mounts: Mount[];
  ports: PortInfo[];
  env: EnvVar[];
  envFrom: { kind: 'secret' | 'configMap' | 'file'; name: string }[];
}

export interface WorkloadData {
  platform: 'kubernetes' | 'compose' | 'docker';
  /** Deployment, Pod, CronJob…; `service` for compose; `container` for live Docker. */
  kind: string;
  name: string;
  namespace: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  /** Shares the host user namespace explicitly (compose/docker `userns_mode: host`). Kubernetes pods do unless `hostUsers: false`, which is not a finding by itself. */
  hostUsers: boolean;
  /** compose `uts: host`, docker `--uts host`: the host's hostname and NIS domain name (no Kubernetes field). */
  hostUTS?: boolean;
  shareProcessNamespace: boolean;
  serviceAccountName: string | null;
  /** Effective token automount (pod field, else the ServiceAccount's, else the Kubernetes default true). Always false outside Kubernetes. */
  automountServiceAccountToken: boolean;
  automountSource: 'pod' | 'serviceaccount' | 'default' | 'not-applicable';
  runtimeClassName: string | null;
  /** gVisor (runsc) or Kata runtime. */
  sandboxedRuntime: boolean;
  volumes: Volume[];
  containers: string[];
  logging: { driver: string | null; options: Record<string, string> } | null;
  networkMode: string | null;
  /** Kubernetes pod `securityContext.sysctls` (name → value), when set. */
  sysctls?: Record<string, string>;
}

export const SANDBOXED_RUNTIME = /(gvisor|runsc|kata)/i;

/** A runtime (class) name that is a sandboxed runtime: gVisor or Kata. */
export function isSandboxedRuntime(name: string | null): boolean {
  return name !== null && SANDBOXED_RUNTIME.test(name);
}

/**
 * Namespace sharing from Docker-style modes, as compose and the Engine API write them: `host` shares
 * the host's; `container:x` (and compose `service:x`) joins another container's PID namespace.
 */
export function namespaceSharing(modes: { network: string | null; pid: string | null; ipc: string | null; userns: string | null; uts: string | null }): Pick<WorkloadData, 'hostNetwork' | 'hostPID' | 'hostIPC' | 'hostUsers' | 'hostUTS' | 'shareProcessNamespace'> {
  return {
    hostUTS: modes.uts === 'host',
    hostNetwork: modes.network === 'host',
    hostPID: modes.pid === 'host',
    hostIPC: modes.ipc === 'host',
    hostUsers: modes.userns === 'host',
    shareProcessNamespace: modes.pid !== null && /^(service|container):/.test(modes.pid),
  };
}
