import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`. Node's own `mkdirSync(dir, { recursive: true })` never returns when mkdir answers ENOENT
 * under a folder that exists (`/proc`, `/sys`): it retries the parent forever. Here each missing folder
 * is made once, top down, and such an answer is an error like any other.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`not a folder: ${at}`), { code: 'ENOTDIR' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw err;
    }
  }
}

/**
 * The folders a file is to be written in (`--output reports/x.sarif`), made before it is written. A path
 * that ends with a separator names a folder: refused before anything is made, rather than after its
 * parent was (the write itself would then fail with "is a folder").
 */
export function makeParentDirs(file: string): void {
  if (/[\\/]$/.test(file)) throw new Error('the path ends with "/": it names a folder, not a file');
  makeDirs(dirname(resolve(file)));
}
