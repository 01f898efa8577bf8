/**
 * What the image reader produces before normalization: per-layer summaries (metadata of every entry,
 * content only for the few scored files) and the image config, for each image found in an input.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export type Compression = 'none' | 'gzip' | 'zstd';

/** An entry worth keeping in full: setuid/setgid/file capabilities, scored files, links to them. */
export interface NotableEntry {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string | null;
  /** The entry carries a `security.capability` xattr (file capabilities). */
  fileCaps: boolean;
}

/** A secret found in a file, without its value. */
export interface SecretHit {
  /** Detector rule id (e.g. `aws-access-key-id`), or `credential-file` for a name-only match. */
  detector: string;
  /** Redacted fingerprint (never the value, nor its length). */
  fingerprint: string;
  /** 1-based line inside the file or value, when known. */
  line: number | null;
  confidence: 'high' | 'medium' | 'low';
  /** For key=value sources: the variable name. */
  name?: string;
}

/** A secret candidate the false-positive filters dropped (`--debug-secrets` only): never the value, nor its length. */
export interface DroppedHit {
  detector: string;
  /** A DropReason of the detector (`placeholder`, `reference`, `low-entropy`…). */
  reason: string;
  fingerprint: string;
  /** 1-based line inside the file or value, when known. */
  line: number | null;
  name?: string;
}

export interface ScoredFile {
  path: string;
  size: number;
  /** Content was cut at the per-file cap. */
  truncated: boolean;
  /** Why the file was read: `passwd`, `group`, or the credential kind (`private-key`, `dotenv`, `npmrc`…). */
  kind: string;
  /** Kept only for passwd/group (needed for user resolution). */
  text: string | null;
  secrets: SecretHit[];
  /** The entry is a hard link: its content lives under this name (same or lower layer). */
  hardlinkTo: string | null;
}

export interface LayerAnomaly {
  path: string;
  kind: 'path-escape' | 'absolute-path' | 'duplicate-entry' | 'hardlink-target-missing' | 'long-path' | 'write-through-symlink';
  detail: string;
}

export interface LayerSummary {
  /** Name of the blob inside the archive or layout (`<v1id>/layer.tar`, `blobs/sha256/<hex>`). */
  blob: string;
  compression: Compression;
  /** sha256 of the blob as stored. */
  digest: string;
  /** sha256 of the uncompressed tar (compared with config.rootfs.diff_ids). */
  diffId: string;
  size: number;
  uncompressedSize: number;
  entryCount: number;
  /** Every path in the layer → packed (type code | mode << 4); whiteouts and opaque markers excluded. */
  paths: Map<string, number>;
  /** Paths removed from lower layers by `.wh.<name>`. */
  whiteouts: Set<string>;
  /** Directories whose lower contents are hidden by `.wh..wh..opq`. */
  opaque: Set<string>;
  notable: NotableEntry[];
  files: ScoredFile[];
  hardlinks: Map<string, string>;
  anomalies: LayerAnomaly[];
  /** Candidates the secret filters dropped, by file (only while `--debug-secrets` listens). */
  drops?: { path: string; drops: DroppedHit[] }[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export type ImageSourceKind = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'docker-engine';

/** Raw material for one image: everything the normalizer needs. */
export interface ImageScan {
  source: ImageSourceKind;
  /** What the user named: a path or a reference. */
  input: string;
  /** Tags found in the input (RepoTags, ref.name annotations) or the reference asked for. */
  tags: string[];
  repoDigests: string[];
  /** sha256 of the config blob: the image id. */
  configDigest: string;
  /** sha256 of the manifest, when the input has one (OCI). */
  manifestDigest: string | null;
  configMediaType: string | null;
  /** The config as parsed JSON (Docker or OCI image config). */
  config: Record<string, unknown>;
  layers: LayerSummary[];
  annotations: Record<string, string>;
  /** The index also held attestation manifests (BuildKit provenance/SBOM). */
  attestations: boolean;
}
