import type { ContainerData, EnvVar, WorkloadData } from '../../model/workload.js';

/** A `devices:` entry: a host device node made visible in the container. */
export interface DeviceMapping {
  hostPath: string;
  containerPath: string;
  permissions: string;
}

/** An `env_file:` entry: `path` as written (relative to the compose file), `file` as a display path from the working directory. */
export interface EnvFileRef {
  path: string;
  file: string;
  required: boolean;
}

/** The container shape shared with Kubernetes and live Docker, plus what only compose/Docker express. */
export interface ComposeContainerData extends ContainerData {
  devices: DeviceMapping[];
  envFiles: EnvFileRef[];
  /** `security_opt: [systempaths=unconfined]`: the /proc and /sys paths Docker masks are exposed. */
  systemPathsUnconfined: boolean;
  /** `build.args` (long `build:` syntax): the same shape as env, literal or from the host environment. */
  buildArgs: EnvVar[];
  /** `secrets:` and `configs:` the service mounts, resolved against the top-level definitions. */
  objects: ComposeObjectUse[];
}

export interface ComposeWorkloadData extends WorkloadData {
  project: string;
  /** `network_mode`, `pid` and `ipc` as written (`service:<name>` joins another service's namespace). */
  namespaceModes?: { network: string | null; pid: string | null; ipc: string | null };
  /** `container_name:`, which `container:<name>` joins and `volumes_from` entries name. */
  containerName?: string | null;
  /** `volumes_from` entries: another service's (or `container:<name>`'s) mounts, read-only with `:ro` (volumes-from.ts). */
  volumesFrom?: { service: string | null; container: string | null; readOnly: boolean }[];
  /** Set when a `service:` join reaches a service in the host's namespace: the mode as written (joined-namespaces.ts). */
  hostNetworkJoined?: string;
  hostPIDJoined?: string;
  hostIPCJoined?: string;
  /** `build:` of the service: where its Dockerfile is, relative to the compose file. */
  build: { context: string; dockerfile: string | null } | null;
}

/** A top-level `secrets:` / `configs:` entry. `content` (configs only) is a literal: never print it. */
export interface ComposeObjectDef {
  kind: 'secret' | 'config';
  name: string;
  /** Line of the definition's name. */
  line: number;
  /** `name:` (or the old `external: {name: …}`): the entry's name in the store or on the engine. */
  storeName: string | null;
  /** `external: true`: created outside compose (`docker secret create`, a swarm or platform store). */
  external: boolean;
  /** `file:` as written, and as a display path from the working directory. */
  file: { path: string; file: string } | null;
  /** `environment:`: the value comes from this variable of the deploy host's environment. */
  environment: string | null;
  content: string | null;
  /** Line of each field that was written (`file`, `external`, `name`, `environment`, `content`). */
  fields: Record<string, number>;
}

/** A service's use of a secret or config, with the definition it resolves to (without any literal). */
export interface ComposeObjectUse {
  kind: 'secret' | 'config';
  source: string;
  /** Where the container reads it: /run/secrets/<target> for secrets, /<target> for configs. */
  mountPath: string;
  /** `X` when the service sets `X_FILE` to the mount path (`ANTHROPIC_ENVIRONMENT_KEY_FILE`). */
  variable: string | null;
  /** null when this file does not define it (an override file uses the base file's definitions). */
  definition: (Omit<ComposeObjectDef, 'content'> & { content: boolean }) | null;
}

/**
 * Data of the per-file target (kind `envfile`, the shape env entries use) that carries what compose
 * files hold outside services: literal config `content:` values as entries, and the repository files
 * named by `file:` with the name their value is classified under.
 */
export interface ComposeObjectsData {
  path: string;
  entries: { name: string; value: string | null; line: number; column: number; quote: 'none'; exported: false }[];
  comments: never[];
  sops: false;
  valueFiles: ComposeValueFile[];
}

export interface ComposeValueFile {
  /** Display path of the file named by `file:`. */
  file: string;
  /** The name the file's content is classified under (`ANTHROPIC_ENVIRONMENT_KEY`, `db_password`). */
  name: string;
  kind: 'secret' | 'config';
  object: string;
  /** `compose.yaml:31`: the line that names the file. */
  namedAt: string;
}
