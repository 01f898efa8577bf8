import { isAbsolute, relative, sep } from 'node:path';

/**
 * How reports and messages name a path: relative to `cwd` when it is `cwd` itself (`.`) or below it,
 * else absolute (`../..` says less than `/tmp`).
 */
export function shownPath(abs: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  return isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`) ? abs : rel;
}
