import type { Location } from './location.js';

/**
 * A normalized thing that rules evaluate. `data` is plain JSON (rules validate it with JSON Schema);
 * `locations` maps JSON pointers into `data` to where the value came from in the source, so a finding
 * can point at the exact line. A pointer without an entry resolves to its nearest recorded ancestor.
 */
export type TargetKind =
  | 'workload' // a pod template, a compose service, a live container's runtime settings
  | 'container' // one container with effective settings after inheritance
  | 'namespace' // a Kubernetes Namespace (Pod Security Admission labels)
  | 'serviceaccount' // a Kubernetes ServiceAccount (token automount default for its pods)
  | 'build' // a Dockerfile
  | 'envfile' // a dotenv file
  | 'image' // a container image (config, history, layers)
  | 'egress' // the egress posture of one scope (firewall, network policy, security group)
  | 'secret' // a secret object: a Kubernetes Secret, ExternalSecret or SecretProviderClass (values never printed)
  | 'configmap' // a Kubernetes ConfigMap (its data is scanned for keys)
  | 'textfile' // any other text file: provider-format secret rules only
  | 'inventory'; // the whole scan: for rules that look across inputs (key reuse, evidence presence)

export type Platform = 'kubernetes' | 'compose' | 'docker' | 'dockerfile' | 'image' | 'file' | 'firewall' | 'cloud';

export interface Suppression {
  ruleId: string;
  reason: string | null; // null = given without a reason (itself a finding)
  source: 'annotation' | 'compose-extension' | 'comment' | 'config';
  location?: Location;
  /** For comment suppressions: the line they cover (the next instruction/entry). Absent = the whole target. */
  appliesToLine?: number;
  expires?: string;
}

export interface Target<D extends object = Record<string, unknown>> {
  kind: TargetKind;
  /** Stable across edits that do not rename the object: `k8s:<ns>/<Kind>/<name>#container=<c>`. */
  id: string;
  /** Human-readable: `sandbox-a/Deployment/agent-worker › container worker`. */
  name: string;
  platform: Platform;
  /** The source file (display path) or live uri. */
  file?: string;
  uri?: string;
  data: D;
  locations: Map<string, Location>;
  suppressions: Suppression[];
  /** Trust boundary (namespace, compose project, or as configured). */
  boundary?: string;
  /** For containers: the id of the workload they belong to. */
  parentId?: string;
}

/** The nearest recorded location for a pointer into the target's data. */
export function locate(target: Target<object>, pointer: string): Location {
  let p = pointer;
  for (;;) {
    const loc = target.locations.get(p);
    if (loc) return { ...loc, pointer: loc.pointer };
    if (p === '' || p === '/') break;
    const cut = p.lastIndexOf('/');
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
  return { file: target.file, uri: target.uri };
}

export function escapePointerSegment(s: string | number): string {
  if (typeof s === 'number') return String(s);
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function pointerOf(...segments: (string | number)[]): string {
  return segments.length === 0 ? '' : '/' + segments.map(escapePointerSegment).join('/');
}
