import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding package.json and rules/, whether running from src/ (tests) or dist/ (bundle). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return (root = dir);
    dir = dirname(dir);
  }
  throw new Error('sandcheck: cannot find the package folder (package.json and rules/)');
}

declare const __SANDCHECK_BUNDLED__: boolean | undefined;

/** True in the built CLI (scripts/build.mjs defines it), false when running from src/ (the tests). */
export const BUNDLED = typeof __SANDCHECK_BUNDLED__ !== 'undefined' && __SANDCHECK_BUNDLED__;

/** The built CLI's folder: the bundle's own folder (dist/, or the folder a build is being made in), else <package>/dist. */
export function distDir(): string {
  return BUNDLED ? dirname(fileURLToPath(import.meta.url)) : join(packageRoot(), 'dist');
}
