import type { Inventory } from '../../engine/types.js';
import { compareText } from '../../util/compare.js';
import { globToRegExp, pathForGlobs } from '../../util/path-glob.js';
import { factsOf } from './boundaries.js';

/** One selector of a `trustBoundaries` entry that matches nothing the run scanned. */
export interface UnmatchedSelector {
  /** Index of the entry in `trustBoundaries`. */
  index: number;
  boundary: string;
  /** `/trustBoundaries/0/namespaces/1` */
  pointer: string;
  /** As written: `namespace "tenant-blu"`, `labels {tenant: blu}`, `paths "ops/**"`. */
  selector: string;
  /** What it fails to match, and what the scan did hold (to spot a typo): follows the selector in a sentence. */
  reason: string;
  line: number | undefined;
}

function listed(values: Iterable<string>, shown: number): string {
  const all = [...new Set(values)].sort(compareText);
  return all.length <= shown ? all.join(', ') : `${all.slice(0, shown).join(', ')} and ${all.length - shown} more`;
}

/**
 * Selectors of `trustBoundaries` in sandcheck.yaml that put nothing of this run in their boundary: a
 * namespace no object of the scan is in, labels no workload carries, a path glob no scanned file
 * matches. Such an entry is silently useless (a typo, or a glob written relative to the wrong folder),
 * and key reuse across boundaries is then judged without it. A kind of selector is judged only when
 * the run holds something it could match: namespaces when an object of the scan has a namespace,
 * labels when the scan has a workload, paths when files were scanned (not images or live containers),
 * so one sandcheck.yaml can serve `scan`, `docker` and `image` runs without noise.
 */
export function unmatchedSelectors(inventory: Pick<Inventory, 'targets' | 'byId' | 'config'>): UnmatchedSelector[] {
  const { targets, config } = inventory;
  if (config.trustBoundaries.length === 0) return [];
  const facts = targets.map((t) => factsOf(t, inventory));
  const namespaces = new Set(facts.map((f) => f.namespace).filter((n): n is string => n !== null));
  const workloadLabels = facts.filter((_, i) => targets[i]!.kind === 'workload').map((f) => f.labels);
  const files = new Set(targets.filter((t) => t.kind !== 'image' && t.file).map((t) => pathForGlobs(t.file!, config.file)));
  const out: UnmatchedSelector[] = [];
  config.trustBoundaries.forEach((b, i) => {
    const lines = config.lines?.trustBoundaries[i];
    const add = (pointer: string, selector: string, reason: string, line: number | undefined) => out.push({ index: i, boundary: b.name, pointer: `/trustBoundaries/${i}${pointer}`, selector, reason, line });
    if (namespaces.size > 0) {
      (b.namespaces ?? []).forEach((ns, j) => {
        if (!namespaces.has(ns)) add(`/namespaces/${j}`, `namespace "${ns}"`, `matches no object of the scan (namespaces in the scan: ${listed(namespaces, 8)})`, lines?.namespaces[j]);
      });
    }
    if (b.labels && workloadLabels.length > 0) {
      const wanted = Object.entries(b.labels);
      const carries = (labels: Record<string, string>) => wanted.every(([k, v]) => labels[k] === v);
      if (wanted.length === 0 || !workloadLabels.some(carries)) {
        const text = `{${wanted.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
        add('/labels', `labels ${text}`, wanted.length === 0 ? 'are empty and select nothing' : 'match no workload of the scan', lines?.labels);
      }
    }
    if (files.size > 0) {
      (b.paths ?? []).forEach((glob, j) => {
        const re = globToRegExp(glob);
        let hit = false;
        for (const f of files) if ((hit = re.test(f))) break;
        const base = config.file ? `the folder of ${config.file}` : 'the working directory';
        if (!hit) add(`/paths/${j}`, `paths "${glob}"`, `matches none of the scanned files (globs are relative to ${base}; the files as it sees them: ${listed(files, 3)})`, lines?.paths[j]);
      });
    }
  });
  return out;
}
