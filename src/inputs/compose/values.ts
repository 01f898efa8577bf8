import type { Location } from '../../model/location.js';
import { InputError } from '../types.js';
import type { SourceLocator, SourcePath } from '../source-locator.js';

/** Small typed readers over a compose service: each names the field and its line when the value has the wrong shape. */

import { isObj, type Obj } from '../../util/objects.js';

export { isObj, type Obj };
export const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Compose `${VAR}` / `$VAR` interpolation: sandcheck leaves these as written and cannot judge them. */
export const INTERPOLATION = /\$\{?[A-Za-z_]/;

/**
 * Compose substitutes `${VAR:-default}` and `${VAR-default}` before it reads a value; with the variable
 * unset (what an audit has to assume) the default is what runs. Innermost first, so nested defaults
 * resolve too; `$${…}` is an escaped dollar and other forms (`${VAR}`, `${VAR:?err}`) stay as written.
 */
export function withDefaults(text: string): string {
  if (!text.includes('${')) return text;
  const inner = /(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^${}]*)\}/g;
  let out = text;
  for (let prev = ''; prev !== out; ) {
    prev = out;
    out = out.replace(inner, (_, word: string) => word);
  }
  return out;
}

/** Splits on `:` outside `${…}`, as compose does once it has substituted (`${X:?err}:/data` is two parts). */
export function splitOutsideVars(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && depth > 0) depth--;
    else if (c === ':' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export class FieldReader {
  /** Where a path inside the service was written (a field inherited through `extends` lives in another service). */
  readonly resolve: (path: SourcePath) => SourcePath;

  constructor(
    readonly locator: SourceLocator,
    readonly servicePath: SourcePath,
    resolve?: (path: SourcePath) => SourcePath,
    /** How field names start in messages: `services.<name>` unless given (`networks.<name>`). */
    private readonly prefix?: string,
    /** The file a path inside the service was written in, when not the locator's (a service merged from an override file). */
    private readonly fileOf?: (path: SourcePath) => SourceLocator | undefined,
  ) {
    this.resolve = resolve ?? ((path) => [...servicePath, ...path]);
  }

  /** Where a path inside the service was written: file, line and column. */
  at(path: SourcePath): Location {
    return (this.fileOf?.(path) ?? this.locator).at(this.resolve(path));
  }

  fail(path: SourcePath, reason: string): never {
    const loc = this.at(path);
    throw new InputError(loc.file ?? this.locator.file, reason, loc.line, loc.column);
  }

  label(path: SourcePath): string {
    return `${this.prefix ?? `services.${String(this.servicePath[this.servicePath.length - 1])}`}.${path.join('.')}`;
  }

  /**
   * A boolean field. YAML 1.1 words (yes/no/on/off) and strings are accepted as compose does; an
   * interpolated value uses its `${VAR:-default}` default, else counts as unset (Docker's default).
   */
  bool(value: unknown, path: SourcePath): boolean | null {
    if (!present(value)) return null;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const word = value.trim().toLowerCase();
      if (['true', 'yes', 'on', 'y'].includes(word)) return true;
      if (['false', 'no', 'off', 'n', ''].includes(word)) return false;
      if (INTERPOLATION.test(value)) {
        const fallback = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(value.trim());
        return fallback ? this.bool(fallback[1], path) : null;
      }
    }
    return this.fail(path, `${this.label(path)} must be a boolean, not ${describe(value)}`);
  }

  /** A string, or a number/boolean YAML scalar written where compose expects a string. */
  str(value: unknown, path: SourcePath): string | null {
    if (!present(value)) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(path, `${this.label(path)} must be a string, not ${describe(value)}`);
  }

  /** A list of scalars; a lone string is accepted where compose accepts one (e.g. `env_file: .env`). */
  strList(value: unknown, path: SourcePath, { allowString = false } = {}): string[] {
    if (!present(value)) return [];
    if (allowString && typeof value === 'string') return [value];
    if (!Array.isArray(value)) return this.fail(path, `${this.label(path)} must be a list, not ${describe(value)}`);
    return value.map((item, i) => {
      if (typeof item === 'string' || typeof item === 'number') return String(item);
      return this.fail([...path, i], `${this.label([...path, i])} must be a string, not ${describe(item)}`);
    });
  }

  list(value: unknown, path: SourcePath): unknown[] {
    if (!present(value)) return [];
    if (!Array.isArray(value)) return this.fail(path, `${this.label(path)} must be a list, not ${describe(value)}`);
    return value;
  }

  /** `labels`, `environment`, `sysctls`: either `KEY=VALUE` strings or a mapping. Values never appear in errors. */
  keyValues(value: unknown, path: SourcePath): { key: string; value: string | null; path: SourcePath }[] {
    if (!present(value)) return [];
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        if (typeof item !== 'string') return this.fail([...path, i], `${this.label([...path, i])} must be a KEY=VALUE string, not ${describe(item)}`);
        const eq = item.indexOf('=');
        const key = eq < 0 ? item : item.slice(0, eq);
        if (key.trim() === '') return this.fail([...path, i], `${this.label([...path, i])} has no variable name`);
        return { key: key.trim(), value: eq < 0 ? null : item.slice(eq + 1), path: [...path, i] };
      });
    }
    if (isObj(value)) {
      return Object.entries(value).map(([key, v]) => {
        if (isObj(v) || Array.isArray(v)) return this.fail([...path, key], `${this.label([...path, key])} must be a scalar, not ${describe(v)}`);
        return { key, value: v === null || v === undefined ? null : String(v), path: [...path, key] };
      });
    }
    return this.fail(path, `${this.label(path)} must be a list of KEY=VALUE strings or a mapping, not ${describe(value)}`);
  }
}

/** The type of a value, for error messages: never the value itself (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}
