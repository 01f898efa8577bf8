/** sandcheck.yaml, after validation against schema.ts. Sections are owned by the capability that reads them. */
export interface SandcheckConfig {
  /** File the config came from, or null for the built-in defaults. */
  file: string | null;
  waivers: Waiver[];
  attestations: Attestation[];
  trustBoundaries: TrustBoundary[];
  /** Globs left out of folder walks, relative to the config file's folder (see src/inputs/exclude.ts). */
  exclude: string[];
  keys: { maxAgeDays: number };
  secrets: { ignore: { fingerprint: string; reason: string; expires?: string }[] };
  egress?: EgressConfig;
  /** Source lines of fields that are judged after loading, against the scan (trust boundary selectors that match nothing). */
  lines?: { trustBoundaries: BoundaryLines[]; /** Line of each attestation entry. */ attestations?: number[] };
}

export interface Waiver {
  rule: string;
  /** Glob over target ids / names (`*` any run of characters). */
  target: string;
  reason: string;
  owner?: string;
  expires?: string; // YYYY-MM-DD
}

export interface Attestation {
  item: string; // checklist id
  by: string;
  date: string;
  evidence: string;
  expires?: string;
  note?: string;
}

export interface TrustBoundary {
  name: string;
  namespaces?: string[];
  labels?: Record<string, string>;
  paths?: string[];
}

/** Where each selector of one `trustBoundaries` entry is written (1-based lines of sandcheck.yaml). */
export interface BoundaryLines {
  namespaces: number[];
  labels?: number;
  paths: number[];
}

export interface EgressConfig {
  contexts?: Record<string, unknown>[];
  allow?: { cidr?: string; host?: string; proto?: string; ports?: number[] }[];
  internal?: { cidr: string; proto?: string; ports?: number[] }[];
  dns?: { resolvers?: string[]; resolverFiltersNames?: boolean };
  ipv6?: 'auto' | 'disabled';
}

export const DEFAULT_CONFIG: SandcheckConfig = {
  file: null,
  waivers: [],
  attestations: [],
  trustBoundaries: [],
  exclude: [],
  keys: { maxAgeDays: 90 },
  secrets: { ignore: [] },
};
