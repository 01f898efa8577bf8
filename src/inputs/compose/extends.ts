import type { SourcePath } from '../source-locator.js';
import { InputError } from '../types.js';
import type { SourceLocator } from '../source-locator.js';
import { deviceOf } from './service.js';
import { isObj, present, type Obj } from './values.js';
import { splitShort } from './volumes.js';

/**
 * Where each part of a (possibly merged) service definition was written. A path with no entry for a
 * segment continues under the nearest recorded one, so an unmerged service is just `{ path: servicePath }`.
 * `locator` names the file when it is not the reader's own (a service merged from compose.override.yaml).
 */
export interface Provenance {
  path: SourcePath;
  children?: Map<string, Provenance>;
  locator?: SourceLocator;
}

export function resolvePath(prov: Provenance, rel: SourcePath): SourcePath {
  return resolveSource(prov, rel).path;
}

/** The path a value was written at, and the file (locator) when the provenance records one. */
export function resolveSource(prov: Provenance, rel: SourcePath): { path: SourcePath; locator?: SourceLocator } {
  let node = prov;
  for (let i = 0; i < rel.length; i++) {
    const next = node.children?.get(String(rel[i]));
    if (!next) return { path: [...node.path, ...rel.slice(i)], locator: node.locator };
    node = next;
  }
  return { path: node.path, locator: node.locator };
}

/** The same provenance with `locator` on every node that names no file yet. */
export function inFile(prov: Provenance, locator: SourceLocator): Provenance {
  const children = prov.children ? new Map([...prov.children].map(([k, c]) => [k, inFile(c, locator)])) : undefined;
  return { path: prov.path, locator: prov.locator ?? locator, ...(children ? { children } : {}) };
}

const child = (prov: Provenance, key: string | number): Provenance => prov.children?.get(String(key)) ?? { path: [...prov.path, key], locator: prov.locator };

/** Sequences merged by appending, an entry equal to one already there dropped (compose's unicity). */
const UNION = new Set(['cap_add', 'cap_drop', 'security_opt', 'dns', 'dns_search', 'dns_opt', 'expose', 'external_links', 'tmpfs', 'env_file', 'ports', 'group_add', 'links', 'profiles']);
/** Written as a list of KEY=VALUE or a mapping; merged by key. */
const KEYED = new Set(['environment', 'labels', 'extra_hosts', 'sysctls', 'annotations']);
/** Merged by the path in the container (the override's entry replaces the base's for the same path). */
const BY_TARGET: Record<string, (v: unknown) => string | null> = {
  volumes: (v) => volumeTarget(v),
  devices: (v) => deviceTarget(v),
  secrets: (v) => mountTarget(v, '/run/secrets/'),
  configs: (v) => mountTarget(v, '/'),
};
/** The child's value replaces the base's. */
const REPLACE = new Set(['command', 'entrypoint']);

export interface ResolvedService {
  value: Obj;
  prov: Provenance;
  /** `extends` from another file: its fields are not read (reported as a skipped object). */
  external: { file: string; service: string } | null;
}

/** Applies same-file `extends:` (recursively), with compose's merge rules, keeping where each value came from. */
export function resolveExtends(services: Obj, name: string, locator: SourceLocator, seen: string[] = []): ResolvedService {
  const def = services[name];
  const own: ResolvedService = { value: isObj(def) ? def : {}, prov: { path: ['services', name] }, external: null };
  if (!isObj(def) || def.extends === undefined || def.extends === null) return own;
  const ext = def.extends;
  const fail = (reason: string): never => {
    const loc = locator.at(['services', name, 'extends']);
    throw new InputError(locator.file, reason, loc.line, loc.column);
  };
  const base = typeof ext === 'string' ? ext : isObj(ext) && typeof ext.service === 'string' ? ext.service : fail(`services.${name}.extends must name a service`);
  const { extends: _ignored, ...rest } = def;
  if (isObj(ext) && typeof ext.file === 'string') {
    return { value: rest, prov: own.prov, external: { file: ext.file, service: base } };
  }
  if (seen.includes(name)) fail(`services.${name}.extends forms a cycle: ${[...seen, name].join(' → ')}`);
  if (!isObj(services[base])) fail(`services.${name}.extends names service '${base}', which is not defined in this file`);
  const parent = resolveExtends(services, base, locator, [...seen, name]);
  const merged = mergeService(parent, { value: rest, prov: own.prov });
  return { ...merged, external: parent.external };
}

/**
 * Compose's merge of two service definitions (the Compose Specification's merge rules, as `extends` and
 * a second compose file apply them): mappings merge key by key, scalars are replaced, sequences are
 * appended; `command`/`entrypoint` are replaced; environment, labels (also `build.args`, `build.labels`)
 * merge by name; volumes, devices, secrets and configs by the path in the container; `logging` options
 * only when the driver is the same. The merged value's provenance is the override's.
 */
export function mergeService(base: { value: Obj; prov: Provenance }, over: { value: Obj; prov: Provenance }): { value: Obj; prov: Provenance } {
  const value: Obj = {};
  const children = new Map<string, Provenance>();
  for (const key of new Set([...Object.keys(base.value), ...Object.keys(over.value)])) {
    const inBase = key in base.value;
    const inOver = key in over.value;
    if (!inOver || !inBase || REPLACE.has(key)) {
      const from = inOver ? over : base;
      value[key] = from.value[key];
      children.set(key, child(from.prov, key));
      continue;
    }
    const b = { value: base.value[key], prov: child(base.prov, key) };
    const o = { value: over.value[key], prov: child(over.prov, key) };
    const target = BY_TARGET[key];
    const merged = UNION.has(key) ? union(b, o) : KEYED.has(key) ? keyed(b, o) : target ? byTarget(b, o, target) : (NESTED[key] ?? mergeAny)(b, o);
    value[key] = merged.value;
    children.set(key, merged.prov);
  }
  // docker compose refuses a service with both network_mode and networks; when each comes from another
  // side, sandcheck judges the overriding side's attachment (the one the author meant to run).
  for (const [mine, other] of [['network_mode', 'networks'], ['networks', 'network_mode']] as const) {
    if (present(over.value[mine]) && !present(over.value[other]) && other in value) {
      delete value[other];
      children.delete(other);
    }
  }
  return { value, prov: { path: over.prov.path, children, locator: over.prov.locator } };
}

type Part = { value: unknown; prov: Provenance };

/** Keys whose mappings merge with their own rules inside: `build.args`/`labels` by name, `healthcheck.test` (a command) replaced. */
const NESTED: Record<string, (b: Part, o: Part) => Part> = {
  logging: (b, o) => mergeLogging(b, o),
  build: (b, o) => mergeAny(b, o, (k) => (k === 'args' || k === 'labels' ? keyed : null)),
  healthcheck: (b, o) => mergeAny(b, o, (k) => (k === 'test' ? (_b, over) => over : null)),
  // A list of names and a mapping of names to options are the same attachment: merged by network name.
  networks: (b, o) => mergeAny(byName(b), byName(o)),
};

/** `networks: [a, b]` as the mapping `{a: null, b: null}`, each name keeping where it was written. */
function byName(p: Part): Part {
  if (!Array.isArray(p.value) || !p.value.every((n) => typeof n === 'string')) return p;
  const names = p.value as string[];
  return {
    value: Object.fromEntries(names.map((n) => [n, null])),
    prov: { path: p.prov.path, children: new Map(names.map((n, i) => [n, child(p.prov, i)])), locator: p.prov.locator },
  };
}

/** Mappings key by key, sequences appended, anything else replaced; `special` picks another merge for a key. */
function mergeAny(b: Part, o: Part, special?: (key: string) => ((b: Part, o: Part) => Part) | null): Part {
  if (Array.isArray(b.value) && Array.isArray(o.value)) return fromItems([...asList(b), ...asList(o)], o.prov);
  if (!isObj(b.value) || !isObj(o.value)) return o;
  const value: Obj = {};
  const children = new Map<string, Provenance>();
  for (const key of new Set([...Object.keys(b.value), ...Object.keys(o.value)])) {
    const from = key in o.value ? (key in b.value ? null : o) : b;
    if (from) {
      value[key] = (from.value as Obj)[key];
      children.set(key, child(from.prov, key));
    } else {
      const bk = { value: b.value[key], prov: child(b.prov, key) };
      const ok = { value: o.value[key], prov: child(o.prov, key) };
      const m = (special?.(key) ?? mergeAny)(bk, ok);
      value[key] = m.value;
      children.set(key, m.prov);
    }
  }
  return { value, prov: { path: o.prov.path, children, locator: o.prov.locator } };
}

/** `logging`: options merge only when both name the same driver (or one names none); another driver replaces it all. */
function mergeLogging(b: Part, o: Part): Part {
  if (!isObj(b.value) || !isObj(o.value)) return o;
  const bd = b.value.driver;
  const od = o.value.driver;
  return bd === undefined || od === undefined || bd === od ? mergeAny(b, o) : o;
}

const asList = (p: Part): Part[] => (Array.isArray(p.value) ? p.value.map((v, i) => ({ value: v, prov: child(p.prov, i) })) : [{ value: p.value, prov: p.prov }]);

function fromItems(items: Part[], prov: Provenance): Part {
  return { value: items.map((i) => i.value), prov: { path: prov.path, children: new Map(items.map((it, i) => [String(i), it.prov])), locator: prov.locator } };
}

function union(b: Part, o: Part): Part {
  const items: Part[] = [];
  const seen = new Set<string>();
  for (const it of [...asList(b), ...asList(o)]) {
    const k = JSON.stringify(it.value);
    if (seen.has(k)) continue;
    seen.add(k);
    items.push(it);
  }
  return fromItems(items, o.prov);
}

/**
 * Entries with the same key (the path in the container): the override's entry takes the base entry's
 * place, as compose's unicity rule does; the others are appended.
 */
function byTarget(b: Part, o: Part, keyOf: (v: unknown) => string | null): Part {
  const items = asList(b);
  for (const it of asList(o)) {
    const k = keyOf(it.value);
    const at = k === null ? -1 : items.findIndex((x) => keyOf(x.value) === k);
    if (at >= 0) items[at] = it;
    else items.push(it);
  }
  return fromItems(items, o.prov);
}

/** The path in the container of a `volumes:` entry, read as the service reader reads it (volumes.ts splitShort). */
function volumeTarget(v: unknown): string | null {
  if (isObj(v)) return typeof v.target === 'string' ? v.target : null;
  if (typeof v !== 'string') return null;
  const parts = splitShort(v.trim());
  return parts.length === 1 ? parts[0]! : (parts[1] ?? null);
}

/** The path in the container of a `devices:` entry, as service.ts reads it. */
function deviceTarget(v: unknown): string | null {
  if (isObj(v)) return typeof v.target === 'string' ? v.target : typeof v.source === 'string' ? v.source : null;
  return typeof v === 'string' ? deviceOf(v).containerPath : null;
}

function mountTarget(v: unknown, dir: string): string | null {
  const name = isObj(v) ? (typeof v.target === 'string' ? v.target : typeof v.source === 'string' ? v.source : null) : typeof v === 'string' ? v : null;
  if (name === null) return null;
  return name.startsWith('/') ? name : `${dir}${name}`;
}

/** KEY=VALUE lists and mappings, merged by key into a mapping. */
function keyed(b: Part, o: Part): Part {
  const entries = new Map<string, Part>();
  for (const side of [b, o]) {
    if (Array.isArray(side.value)) {
      if (side.value.some((item) => typeof item !== 'string')) return o;
      side.value.forEach((item, i) => {
        const text = String(item);
        const eq = text.indexOf('=');
        entries.set(eq < 0 ? text : text.slice(0, eq), { value: eq < 0 ? null : text.slice(eq + 1), prov: child(side.prov, i) });
      });
    } else if (isObj(side.value)) {
      for (const [k, v] of Object.entries(side.value)) entries.set(k, { value: v, prov: child(side.prov, k) });
    } else return o; // malformed: let the field reader report the child's value
  }
  return {
    value: Object.fromEntries([...entries].map(([k, p]) => [k, p.value])),
    prov: { path: o.prov.path, children: new Map([...entries].map(([k, p]) => [k, p.prov])) },
  };
}
