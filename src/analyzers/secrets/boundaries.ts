import type { TrustBoundary } from '../../config/types.js';
import type { Target } from '../../model/target.js';
import { globToRegExp, pathForGlobs } from '../../util/path-glob.js';

export interface BoundaryLookup {
  byId(id: string): Target<object> | undefined;
  trustBoundaries: TrustBoundary[];
  /** The sandcheck.yaml the boundaries come from: `paths` globs are relative to its folder (else to the working directory). */
  configFile?: string | null;
}

export interface Facts {
  namespace: string | null;
  labels: Record<string, string>;
}

/** Namespace and labels of a target, from its own data or its parent workload's. */
export function factsOf(target: Target<object>, lookup: Pick<BoundaryLookup, 'byId'>): Facts {
  const d = target.data as { namespace?: unknown; labels?: unknown };
  const parent = target.parentId ? lookup.byId(target.parentId) : undefined;
  const p = (parent?.data ?? {}) as { namespace?: unknown; labels?: unknown };
  const namespace = typeof d.namespace === 'string' ? d.namespace : typeof p.namespace === 'string' ? p.namespace : target.platform === 'kubernetes' ? (target.boundary ?? null) : null;
  const labels = (d.labels && typeof d.labels === 'object' ? d.labels : p.labels && typeof p.labels === 'object' ? p.labels : {}) as Record<string, string>;
  return { namespace, labels };
}

/**
 * The trust boundary of a target: the first `trustBoundaries:` entry of sandcheck.yaml that matches
 * (namespaces, all labels, or a path glob), else its namespace or compose project, else none (a
 * loose file that no configured boundary claims belongs to none).
 */
export function boundaryOf(target: Target<object>, lookup: BoundaryLookup): string | null {
  const facts = factsOf(target, lookup);
  let path: string | undefined;
  for (const b of lookup.trustBoundaries) {
    if (b.namespaces && facts.namespace !== null && b.namespaces.includes(facts.namespace)) return b.name;
    if (b.labels && Object.keys(b.labels).length > 0 && Object.entries(b.labels).every(([k, v]) => facts.labels[k] === v)) return b.name;
    if (b.paths && target.file) {
      path ??= pathForGlobs(target.file, lookup.configFile);
      if (b.paths.some((g) => globToRegExp(g).test(path!))) return b.name;
    }
  }
  if (!target.boundary) return null;
  if (target.platform === 'kubernetes') return `namespace ${target.boundary}`;
  if (target.platform === 'compose') return `compose project ${target.boundary}`;
  return target.boundary;
}
