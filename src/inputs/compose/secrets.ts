import { posix } from 'node:path';
import type { EnvVar } from '../../model/workload.js';
import type { SourceLocator, SourcePath } from '../source-locator.js';
import { InputError } from '../types.js';
import type { ComposeObjectDef, ComposeObjectUse } from './types.js';
import { FieldReader, describe, isObj, present, type Obj } from './values.js';

/**
 * Compose `secrets:` / `configs:` (top level and per service) and `build.args`. Values (config
 * `content:`, build-argument literals) are kept for the secret detectors only and never appear in
 * an error message.
 */

type ObjectKind = 'secret' | 'config';
const TOP_KEY: Record<ObjectKind, 'secrets' | 'configs'> = { secret: 'secrets', config: 'configs' };

/** Top-level `secrets:` and `configs:` of one compose file. */
export function readObjectDefinitions(locator: SourceLocator, root: Obj, compose: { path: string; absPath: string | null }): ComposeObjectDef[] {
  const out: ComposeObjectDef[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const key = TOP_KEY[kind];
    const value = root[key];
    if (!present(value)) continue;
    const fail = (path: SourcePath, reason: string): never => {
      const loc = locator.at(path);
      throw new InputError(locator.file, reason, loc.line, loc.column);
    };
    if (!isObj(value)) fail([key], `${key} must be a mapping of names to definitions, not ${describe(value)}`);
    for (const [name, def] of Object.entries(value as Obj)) {
      const path: SourcePath = [key, name];
      const line = locator.at(path).line ?? 1;
      if (def === null || def === undefined) fail(path, `${key}.${name} needs one of file, environment${kind === 'config' ? ', content' : ''} or external`);
      if (!isObj(def)) fail(path, `${key}.${name} must be a mapping, not ${describe(def)}`);
      const d = def as Obj;
      const r = new FieldReader(locator, path, (p) => [...path, ...p], `${key}.${name}`);
      const label = (field: string) => `${key}.${name}.${field}`;
      const str = (field: string): string | null => {
        const v = d[field];
        if (!present(v)) return null;
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return fail([...path, field], `${label(field)} must be a string, not ${describe(v)}`);
      };
      const fields: Record<string, number> = {};
      for (const f of ['file', 'environment', 'content', 'external', 'name']) if (f in d) fields[f] = locator.at([...path, f]).line ?? line;
      // `external: {name: x}` is the compose file format 3.x way of naming the store entry.
      let external = false;
      let storeName = str('name');
      if (isObj(d.external)) {
        external = true;
        const n = d.external.name;
        if (present(n) && typeof n !== 'string') fail([...path, 'external', 'name'], `${label('external.name')} must be a string, not ${describe(n)}`);
        storeName = (n as string | undefined) ?? storeName;
      } else external = r.bool(d.external, ['external']) ?? false;
      const fileAsWritten = str('file');
      const content = kind === 'config' ? str('content') : null;
      if (kind === 'secret' && present(d.content)) fail([...path, 'content'], `${label('content')}: only configs take content; a secret needs file, environment or external`);
      const environment = str('environment');
      const sources = [fileAsWritten !== null, environment !== null, content !== null, external].filter(Boolean).length;
      if (sources === 0) fail(path, `${key}.${name} needs one of file, environment${kind === 'config' ? ', content' : ''} or external`);
      if (sources > 1) fail(path, `${key}.${name} gives more than one of file, environment${kind === 'config' ? ', content' : ''} and external`);
      out.push({
        kind,
        name,
        line,
        storeName,
        external,
        file: fileAsWritten === null ? null : { path: fileAsWritten, file: displayPathOf(fileAsWritten, compose) },
        environment,
        content,
        fields,
      });
    }
  }
  return out;
}

/**
 * A path written in the compose file (`env_file`, `file:`), as the display path the file walker gives the
 * same file: relative paths from the compose file's folder, and absolute paths inside the working
 * directory made relative to it (`docker compose config` writes every path absolute).
 */
export function displayPathOf(p: string, compose: { path: string; absPath: string | null }): string {
  if (compose.path === '<stdin>' || p.startsWith('~')) return p;
  if (p.startsWith('/')) {
    const shown = compose.path.replace(/\\/g, '/');
    if (!compose.absPath || shown.startsWith('/') || !compose.absPath.endsWith(shown)) return p;
    const cwd = compose.absPath.slice(0, compose.absPath.length - shown.length);
    return cwd.endsWith('/') && p.startsWith(cwd) ? posix.normalize(p.slice(cwd.length)) : p;
  }
  return posix.normalize(posix.join(posix.dirname(compose.path.replace(/\\/g, '/')), p));
}

/**
 * A service's `secrets:` / `configs:` (short syntax `- name`, long syntax `{source, target, …}`),
 * resolved against the top-level definitions. A secret is mounted at /run/secrets/<target>; a config
 * at /<target>. A name this file does not define (another file of the project defines it) has no definition.
 */
export function readObjectUses(r: FieldReader, s: Obj, defs: readonly ComposeObjectDef[]): { use: ComposeObjectUse; path: SourcePath }[] {
  const out: { use: ComposeObjectUse; path: SourcePath }[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const key = TOP_KEY[kind];
    r.list(s[key], [key]).forEach((entry, i) => {
      const path: SourcePath = [key, i];
      let source: string | null;
      let target: string | null = null;
      if (isObj(entry)) {
        source = r.str(entry.source, [...path, 'source']);
        target = r.str(entry.target, [...path, 'target']);
      } else source = r.str(entry, path);
      if (!source) return r.fail(path, `${r.label(path)} names no ${kind}`);
      // Not defined here: an override file (compose.override.yaml) uses what the base file defines.
      const def = defs.find((d) => d.kind === kind && d.name === source);
      const t = target ?? source;
      const mountPath = kind === 'secret' ? (t.startsWith('/') ? t : `/run/secrets/${t}`) : t.startsWith('/') ? t : `/${t}`;
      const definition = def ? (({ content, ...summary }) => ({ ...summary, content: content !== null }))(def) : null;
      out.push({ use: { kind, source, mountPath, variable: null, definition }, path });
    });
  }
  return out;
}

/**
 * `build.args` in the long `build:` syntax, as a mapping or a list of `KEY=VALUE`. A name without a
 * value, or a value that is exactly `${VAR}`, comes from the host environment at build time.
 */
export function readBuildArgs(r: FieldReader, build: unknown): { env: EnvVar; path: SourcePath }[] {
  if (!isObj(build)) return [];
  return r.keyValues(build.args, ['build', 'args']).map(({ key, value, path }) => ({ env: hostOrLiteral(key, value), path }));
}

/** `KEY` alone, or a value that is exactly `${VAR}` / `$VAR`, comes from the host environment at `up`/build time. */
export function hostOrLiteral(key: string, v: string | null): EnvVar {
  const whole = v === null ? key : /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(v)?.slice(1).find(Boolean);
  if (v === null || whole) return { name: key, value: null, valueFrom: { kind: 'host', name: whole ?? key, key: null } };
  return { name: key, value: v, valueFrom: null };
}

/**
 * The name a value file is classified under: an env variable `X_FILE=/run/secrets/<target>` of a
 * service that mounts the object makes it `X` (`ANTHROPIC_ENVIRONMENT_KEY_FILE` → the environment key);
 * else the object's own name (`anthropic_environment_key` reads as `ANTHROPIC_ENVIRONMENT_KEY`).
 */
export function fileVariable(use: ComposeObjectUse, env: readonly EnvVar[]): string | null {
  for (const e of env) {
    if (e.value === null || !/_FILE$/i.test(e.name)) continue;
    if (e.value.trim() === use.mountPath) return e.name.replace(/_FILE$/i, '');
  }
  return null;
}
