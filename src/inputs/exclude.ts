import { basename, relative } from 'node:path';
import { globToRegExp, slashed } from '../util/path-glob.js';

/**
 * Paths a walk leaves out (`scan --exclude`, `exclude:` in sandcheck.yaml): templates that are not
 * YAML yet, deliberately broken test fixtures. A glob without `/` matches a file or folder name at any
 * depth (`*.j2.yaml`, `templates`); a glob with `/` matches the path relative to its base, the working
 * directory for `--exclude` or the folder of sandcheck.yaml (`charts/*\/templates`, `test/fixtures/`).
 * A folder that matches is not entered. What is left out is listed in the report, never dropped silently.
 */
export interface Exclusion {
  glob: string;
  /** Where it was given, for the report: `--exclude` or `sandcheck.yaml`. */
  source: string;
  base: string;
  /** Tested on the name (byName) or on the path from the base; a folder glob (`x/`) matches the folder and what is below it. */
  res: RegExp[];
  byName: boolean;
}

export function exclusions(globs: readonly string[], base: string, source: string): Exclusion[] {
  return globs.map((glob) => {
    const trimmed = glob.replace(/^\.\//, '');
    const bare = trimmed.replace(/\/+$/, '');
    const byName = !bare.includes('/');
    return { glob, source, base, byName, res: byName || bare === trimmed ? [globToRegExp(bare)] : [globToRegExp(bare), globToRegExp(`${bare}/`)] };
  });
}

/** The exclusion that leaves out `abs` (a file or folder), if any. */
export function excludedBy(list: readonly Exclusion[], abs: string): Exclusion | undefined {
  for (const x of list) {
    if (x.byName) {
      if (x.res[0]!.test(basename(abs))) return x;
      continue;
    }
    const rel = slashed(relative(x.base, abs));
    if (rel && !rel.startsWith('..') && x.res.some((re) => re.test(rel))) return x;
  }
  return undefined;
}
