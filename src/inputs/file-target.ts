import { dirname } from 'node:path';
import type { Suppression, Target } from '../model/target.js';
import { parseCommentSuppressions, toTargetSuppressions } from '../util/comment-suppressions.js';
import type { SourceFile } from './types.js';

/**
 * The target of an input that is one whole file (a firewall dump, sysctl settings, daemon.json, a cloud
 * listing, a Terraform provider's resources): located at the file's first line. `comments`: the format
 * has `#` comments, so `# sandcheck-ignore` lines in it suppress findings on this target.
 */
export function wholeFileTarget<D extends object>(
  file: SourceFile,
  t: Pick<Target<D>, 'kind' | 'id' | 'name' | 'platform' | 'data'>,
  opts: { comments?: boolean } = {},
): Target<D> {
  return {
    ...t,
    file: file.path,
    locations: new Map([['', { file: file.path, line: 1 }]]),
    suppressions: opts.comments ? commentSuppressionsOf(file) : [],
  };
}

const parsedComments = new WeakMap<SourceFile, Suppression[]>();

/**
 * The `# sandcheck-ignore` comments of a file, read once however many targets it gives (a Terraform
 * file: one per provider; a compose file or Dockerfile: its own and the text target scanned for keys).
 */
export function commentSuppressionsOf(file: SourceFile): Suppression[] {
  let list = parsedComments.get(file);
  if (!list) {
    // Skip the parse when no annotation can be present. (`k-igno` first: indexOf runs memchr on the first
    // character of a pattern shorter than 7, and `k` is rarer than `s`; longer patterns switch to a
    // Boyer-Moore-Horspool that is slow on letters.)
    list = file.text.includes('k-igno') && file.text.includes('sandcheck-ignore') ? toTargetSuppressions(file.path, parseCommentSuppressions(file.text).suppressions) : [];
    parsedComments.set(file, list);
  }
  return list;
}

/** Where the host of a file-per-host input is: its folder, or `<stdin>`. */
export function hostOf(file: SourceFile): string {
  return file.absPath ? dirname(file.absPath) : '<stdin>';
}
