import type { ContainerData, WorkloadData } from '../../model/workload.js';

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
}

export interface ComposeWorkloadData extends WorkloadData {
  project: string;
  /** `build:` of the service: where its Dockerfile is, relative to the compose file. */
  build: { context: string; dockerfile: string | null } | null;
}
