/**
 * Names inside layers are untrusted. They are normalised the way Docker applies them (leading `/` and
 * `./` stripped, `//` collapsed, `..` resolved and clamped at the root) and never joined to a host path.
 */
export interface NormalizedPath {
  path: string;
  /** The raw name had `..` components that climbed above the root. */
  escapes: boolean;
  absolute: boolean;
}

export function normalizeEntryPath(raw: string): NormalizedPath {
  const absolute = raw.startsWith('/');
  const out: string[] = [];
  let escapes = false;
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) escapes = true;
      else out.pop();
      continue;
    }
    out.push(seg);
  }
  return { path: out.join('/'), escapes, absolute };
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `a/b/c` → [`a`, `a/b`]: every proper ancestor, shortest first. */
export function ancestors(path: string): string[] {
  const result: string[] = [];
  let i = path.indexOf('/');
  while (i >= 0) {
    result.push(path.slice(0, i));
    i = path.indexOf('/', i + 1);
  }
  return result;
}
