import type { ImageRef } from '../../model/workload.js';
import type { ImageSourceKind, SecretHit } from './types.js';
import type { ResolvedUser } from './passwd.js';

/**
 * The `data` of an `image` target. Fields a format cannot carry are `unknown` rather than absent
 * (e.g. Healthcheck after a skopeo conversion to an OCI config).
 */
export interface ImageData {
  /** What the user named (a path or a reference) plus the tag found inside, for messages. */
  name: string;
  source: ImageSourceKind;
  /** The reference as deployed, parsed: pinned only with a digest. */
  reference: ImageRef & { repoDigests: string[] };
  /** sha256 of the config (the image id). */
  id: string;
  manifestDigest: string | null;
  platform: { os: string | null; architecture: string | null; variant: string | null };
  config: ImageConfigData;
  history: HistoryData[];
  layers: LayerData[];
  /** Accounts from the final /etc/passwd, or null when the image has none. */
  users: { name: string; uid: number; gid: number; shell: string }[] | null;
  /** setuid/setgid files and files with capabilities in the final view. */
  setuid: SetuidData[];
  /** Credential-like files found in any layer, including those a later layer deleted. */
  files: FileData[];
  secrets: {
    env: SecretData[];
    history: SecretData[];
    files: SecretData[];
  };
  anomalies: { layer: number; path: string; kind: string; detail: string }[];
  provenance: ProvenanceData;
  /** Candidates the secret filters dropped (only while `--debug-secrets` listens); never a value. */
  secretDrops?: SecretDropData[];
}

export interface ImageConfigData {
  /** config.User as written; '' when unset (root). */
  user: string;
  effectiveUser: Omit<ResolvedUser, 'configured'>;
  /** Variable names (values are not kept: the detectors ran in the normalizer). */
  env: { name: string; empty: boolean }[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  exposedPorts: string[];
  volumes: string[];
  /**
   * Labels as written, except: a value holding a secret is `[redacted <fingerprint>]`, a name that is a
   * key likewise, and a value over 1,024 characters is `[not kept: …]` (see keptPair in kept-pair.ts).
   */
  labels: Record<string, string>;
  healthcheck: { state: 'present' | 'absent' | 'disabled' | 'unknown'; reason: string };
}

export interface HistoryData {
  /** 0-based position in the config's `history` array (the JSON pointer /history/<index>). */
  index: number;
  /** The same step counted from 1, as layers are: how findings and locations name it (`history 6 (RUN, layer 4)`). */
  step: number;
  instruction: string;
  layer: number | null;
  emptyLayer: boolean;
  buildkit: boolean;
  remoteAdd: boolean;
  created: string | null;
  comment: string | null;
}

export interface LayerData {
  /** 1-based, bottom to top. */
  index: number;
  digest: string;
  diffId: string;
  compression: string;
  size: number;
  uncompressedSize: number;
  entries: number;
}

export interface SetuidData {
  path: string;
  layer: number;
  mode: string;
  uid: number;
  setuid: boolean;
  setgid: boolean;
  fileCaps: boolean;
}

export interface FileData {
  path: string;
  layer: number;
  kind: string;
  size: number;
  /** Deleted (or hidden) by a later layer: not visible in the container, still in the image. */
  deleted: boolean;
  deletedIn: number | null;
  hardlinkTo: string | null;
}

export interface SecretData {
  detector: string;
  fingerprint: string;
  confidence: string;
  /** Variable or file name; never the value. */
  name: string;
  /** Where: `config Env`, `history 6 (RUN, layer 4)`, `layer 3 /app/.env:2`. */
  where: string;
  layer: number | null;
  path: string | null;
  deleted: boolean;
  deletedIn: number | null;
  line: number | null;
  /** In words, for messages: `visible in the final filesystem`, `deleted in layer 3 but still in the image`. */
  state: string;
}

export interface SecretDropData {
  /** `config Env`, `history 6 (RUN, layer 4)`, `layer 3 /app/.env`. */
  where: string;
  /** Line inside a layer file; null for Env and history. */
  line: number | null;
  detector: string;
  reason: string;
  fingerprint: string;
  name?: string;
}

export interface ProvenanceData {
  verified: boolean;
  /** Signals present (base annotations, attestations, digest reference). */
  signals: string[];
  /** What would be needed to verify. */
  missing: string[];
  baseName: string | null;
  baseDigest: string | null;
  attestations: boolean;
  imported: boolean;
  /** The trusted base (given with --base) whose layers are the bottom of this image, if any. */
  base: { name: string; layers: number } | null;
}

export type { SecretHit };
