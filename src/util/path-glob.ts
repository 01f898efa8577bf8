import { dirname, relative, resolve, sep } from 'node:path';

/** A path as globs see it: relative to `configFile`'s folder (else as given), `/`-separated. */
export function pathForGlobs(file: string, configFile: string | null | undefined): string {
  if (!configFile) return file;
  return slashed(relative(dirname(resolve(configFile)), resolve(file)));
}

/** `deploy/tenant-a/**`, `*.env`, or a folder prefix `deploy/tenant-a/`: `*` and `?` stay within one path segment, `**` crosses them. */
export function globToRegExp(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      src += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  if (glob.endsWith('/')) src += '.*';
  return new RegExp(`^(?:\\./)?${src}$`);
}

export function slashed(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
