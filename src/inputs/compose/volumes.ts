import { posix } from 'node:path';
import type { Mount, Volume, VolumeType } from '../../model/workload.js';
import type { SourcePath } from '../source-locator.js';
import { FieldReader, INTERPOLATION, isObj, present, describe, splitOutsideVars, withDefaults, type Obj } from './values.js';

/** A top-level `volumes:` entry, as far as it decides where the data lives. */
export interface TopLevelVolume {
  driver: string | null;
  /** `driver_opts: { type: none, o: bind, device: /srv/x }` binds a host directory. */
  hostPath: string | null;
  external: boolean;
  /** The definition as written, for merging an override's over it (mergeTopLevelVolumes). */
  def: Obj;
}

export function readTopLevelVolumes(value: unknown): Map<string, TopLevelVolume> {
  const out = new Map<string, TopLevelVolume>();
  if (!isObj(value)) return out;
  for (const [name, def] of Object.entries(value)) out.set(name, readTopLevelVolume(isObj(def) ? def : {}));
  return out;
}

function readTopLevelVolume(d: Obj): TopLevelVolume {
  const opts: Obj = isObj(d.driver_opts) ? d.driver_opts : {};
  const binds = typeof opts.o === 'string' && opts.o.split(',').map((o) => o.trim()).includes('bind');
  const device = typeof opts.device === 'string' ? opts.device : null;
  return {
    driver: typeof d.driver === 'string' ? d.driver : d.external === true ? null : 'local',
    hostPath: binds && device ? normalizeHostPath(substituted(device)) : null,
    external: d.external === true || isObj(d.external),
    def: d,
  };
}

/**
 * compose.yaml's top-level volumes with compose.override.yaml's merged over them as compose merges
 * mappings, key by key (an override that only adds `labels` keeps the base's `driver_opts` bind of a
 * host directory); a scalar or list the override writes replaces the base's.
 */
export function mergeTopLevelVolumes(base: Map<string, TopLevelVolume>, over: Map<string, TopLevelVolume>): Map<string, TopLevelVolume> {
  const out = new Map(base);
  for (const [name, o] of over) {
    const b = base.get(name);
    out.set(name, b ? readTopLevelVolume(mergeMappings(b.def, o.def)) : o);
  }
  return out;
}

function mergeMappings(b: Obj, o: Obj): Obj {
  const out: Obj = { ...b };
  for (const [k, v] of Object.entries(o)) {
    const bv = out[k];
    out[k] = isObj(bv) && isObj(v) ? mergeMappings(bv, v) : v;
  }
  return out;
}

/** Absolute host paths are normalized (`/var/run/../run/docker.sock` → `/var/run/docker.sock`); relative and `~` paths stay as written. */
export function normalizeHostPath(p: string): string {
  if (!p.startsWith('/')) return p;
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

const isWindowsPath = (s: string) => /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\');
/**
 * Compose treats these sources as host paths; anything else is a named volume. A volume name holds no
 * `/`, so a source built from a variable that has one (`${DATA_ROOT}/work`) is a host path too.
 */
const isHostSource = (s: string) => s.startsWith('/') || s.startsWith('.') || s.startsWith('~') || isWindowsPath(s) || (INTERPOLATION.test(s) && s.includes('/'));

/** A mount source as compose reads it: `${VAR:-default}` takes its default, `${HOME}` is the home folder (`~`), `${PWD}` the project folder. */
function substituted(source: string): string {
  return withDefaults(source)
    .replace(/^(?:\$\{HOME\}|\$HOME)(?=\/|$)/, '~')
    .replace(/^(?:\$\{PWD\}|\$PWD)(?=\/|$)/, '.');
}

/** Splits `src:dst:mode` the way compose does, keeping Windows drive letters (`C:\data`) whole. */
export function splitShort(spec: string): string[] {
  const raw = splitOutsideVars(withDefaults(spec));
  const parts: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i]!;
    const next = raw[i + 1];
    if (/^[A-Za-z]$/.test(part) && next !== undefined && /^[\\/]/.test(next)) {
      parts.push(`${part}:${next}`);
      i++;
    } else parts.push(part);
  }
  return parts;
}

const MODE_WORDS = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'consistent', 'cached', 'delegated', 'readonly']);

export interface ParsedMount {
  mount: Mount;
  path: SourcePath;
}

export function readServiceMounts(r: FieldReader, service: Obj, top: Map<string, TopLevelVolume>): ParsedMount[] {
  const out: ParsedMount[] = [];
  r.list(service.volumes, ['volumes']).forEach((entry, i) => {
    const path: SourcePath = ['volumes', i];
    out.push({ mount: typeof entry === 'string' ? shortMount(r, entry, path, top) : longMount(r, entry, path, top), path });
  });
  // `tmpfs: /run` or `tmpfs: [/run, /tmp:size=64m]`
  r.strList(service.tmpfs, ['tmpfs'], { allowString: true }).forEach((spec, i) => {
    const target = spec.split(':')[0]!;
    const path: SourcePath = Array.isArray(service.tmpfs) ? ['tmpfs', i] : ['tmpfs'];
    out.push({ mount: { volume: 'tmpfs', mountPath: target, readOnly: false, hostPath: null, volumeType: 'tmpfs' }, path });
  });
  return out;
}

function shortMount(r: FieldReader, spec: string, path: SourcePath, top: Map<string, TopLevelVolume>): Mount {
  const parts = splitShort(spec.trim());
  if (spec.trim() === '' || parts.length > 3 || parts.some((p) => p === '')) {
    r.fail(path, `${r.label(path)} is not a valid volume (expected [SOURCE:]TARGET[:MODE])`);
  }
  if (parts.length === 1) return { volume: '(anonymous)', mountPath: parts[0]!, readOnly: false, hostPath: null, volumeType: 'volume' };
  const [written, target, mode = ''] = parts as [string, string, string?];
  const source = substituted(written);
  const options = mode.split(',').filter(Boolean);
  const unknown = options.find((o) => !MODE_WORDS.has(o));
  if (unknown !== undefined) r.fail(path, `${r.label(path)} has an unknown mount option '${unknown}'`);
  const readOnly = options.includes('ro') || options.includes('readonly');
  return sourceMount(source, target, readOnly, isHostSource(source) ? 'bind' : 'volume', top);
}

function longMount(r: FieldReader, entry: unknown, path: SourcePath, top: Map<string, TopLevelVolume>): Mount {
  if (!isObj(entry)) return r.fail(path, `${r.label(path)} must be a string or a mapping, not ${describe(entry)}`);
  const type = r.str(entry.type, [...path, 'type']);
  const target = r.str(entry.target, [...path, 'target']);
  if (!target) return r.fail(path, `${r.label(path)} has no target`);
  const readOnly = r.bool(entry.read_only, [...path, 'read_only']) ?? false;
  const written = r.str(entry.source, [...path, 'source']);
  const source = written === null ? null : substituted(written);
  switch (type) {
    case 'bind':
    case 'npipe':
      if (!source) return r.fail(path, `${r.label(path)} is a ${type} mount without a source`);
      return sourceMount(source, target, readOnly, 'bind', top);
    case 'volume':
      if (!source) return { volume: '(anonymous)', mountPath: target, readOnly, hostPath: null, volumeType: 'volume' };
      return sourceMount(source, target, readOnly, 'volume', top);
    case 'tmpfs':
      return { volume: 'tmpfs', mountPath: target, readOnly, hostPath: null, volumeType: 'tmpfs' };
    case 'cluster':
    case 'image':
      return { volume: source ?? `(${type})`, mountPath: target, readOnly, hostPath: null, volumeType: 'other' };
    case null:
      return r.fail(path, `${r.label(path)} has no type (bind, volume, tmpfs, npipe, image or cluster)`);
    default:
      return r.fail([...path, 'type'], `${r.label([...path, 'type'])} '${type}' is not a mount type (bind, volume, tmpfs, npipe, image or cluster)`);
  }
}

function sourceMount(source: string, target: string, readOnly: boolean, kind: 'bind' | 'volume', top: Map<string, TopLevelVolume>): Mount {
  if (kind === 'bind') return { volume: source, mountPath: target, readOnly, hostPath: normalizeHostPath(source), volumeType: 'bind' };
  return { volume: source, mountPath: target, readOnly, hostPath: top.get(source)?.hostPath ?? null, volumeType: 'volume' };
}

/** The workload's volumes: one per distinct source, read-only only when every mount of it is. */
export function workloadVolumes(mounts: Mount[], top: Map<string, TopLevelVolume>): Volume[] {
  const byName = new Map<string, Volume>();
  for (const m of mounts) {
    if (m.volume === '(anonymous)') continue;
    const key = `${m.volumeType}:${m.volume}`;
    const seen = byName.get(key);
    if (seen) {
      seen.readOnly = seen.readOnly && m.readOnly;
      continue;
    }
    const type: VolumeType = m.volumeType;
    const driver = type === 'volume' ? (top.get(m.volume)?.driver ?? 'local') : null;
    byName.set(key, { name: m.volume, type, hostPath: m.hostPath, driver, readOnly: m.readOnly });
  }
  return [...byName.values()];
}

