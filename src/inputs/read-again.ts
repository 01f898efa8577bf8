import { readFileSync } from 'node:fs';
import { InputError } from './types.js';
import { errnoReason } from '../util/errno-reason.js';

/**
 * Where to read a file again once its text was released (text and env file targets). A scan keeps one
 * of these per file until the rules run, so it keeps the absolute path as the folder the display path
 * is relative to (shared by every file under it) plus the display path the target holds anyway.
 */
export type ReadAgain = { root: string } | { abs: string };

const roots = new Map<string, { root: string }>();

export function readAgainOf(path: string, absPath: string): ReadAgain {
  if (absPath.length <= path.length || !absPath.endsWith(path) || absPath[absPath.length - path.length - 1] !== '/') return { abs: absPath };
  const root = absPath.slice(0, absPath.length - path.length);
  let shared = roots.get(root);
  if (!shared) roots.set(root, (shared = { root }));
  return shared;
}

export function readAgain(where: ReadAgain, path: string): string {
  const abs = 'abs' in where ? where.abs : where.root + path;
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    throw new InputError(path, `cannot be read again: ${errnoReason(err)}`);
  }
}
