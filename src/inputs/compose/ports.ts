import type { PortInfo } from '../../model/workload.js';
import type { SourcePath } from '../source-locator.js';
import { FieldReader, INTERPOLATION, isObj, describe, splitOutsideVars, withDefaults } from './values.js';

/**
 * `ports:` entries. Every entry publishes on the host: `hostPort` is the host port, or 0 when Docker
 * picks one (`"80"`, `"127.0.0.1::80"`) or a variable sets it (`"${PORT}:80"`). A range records its first port.
 */
export function readPorts(r: FieldReader, value: unknown): { port: PortInfo; path: SourcePath }[] {
  return r.list(value, ['ports']).map((entry, i) => {
    const path: SourcePath = ['ports', i];
    if (typeof entry === 'number') {
      if (!Number.isInteger(entry) || entry < 1 || entry > 65535) return r.fail(path, `${r.label(path)} is not a port number (1-65535)`);
      return { port: { containerPort: entry, hostPort: 0, hostIp: null, protocol: 'tcp' }, path };
    }
    if (typeof entry === 'string') return { port: shortPort(r, entry, path), path };
    if (isObj(entry)) return { port: longPort(r, entry, path), path };
    return r.fail(path, `${r.label(path)} must be a string, a number or a mapping, not ${describe(entry)}`);
  });
}

// Same split as docker/go-connections nat.ParsePortSpec: the last part is the container port,
// the one before it the host port, anything before that the host IP (which may hold colons). Compose
// substitutes first: `${PORT:-8080}` is 8080, and a variable left (`${PORT:?err}`) is never split.
function shortPort(r: FieldReader, spec: string, path: SourcePath): PortInfo {
  let rest = withDefaults(spec.trim());
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  const parts = splitOutsideVars(rest);
  const container = parts[parts.length - 1]!;
  const host = parts.length >= 2 ? parts[parts.length - 2]! : '';
  const ip = parts.length >= 3 ? parts.slice(0, -2).join(':').replace(/^\[|\]$/g, '') : null;
  return {
    containerPort: portNumber(r, container, path, false),
    hostPort: host === '' ? 0 : portNumber(r, host, path, true),
    hostIp: ip === '' ? null : ip,
    protocol,
  };
}

function longPort(r: FieldReader, entry: Record<string, unknown>, path: SourcePath): PortInfo {
  const target = r.str(entry.target, [...path, 'target']);
  if (target === null) return r.fail(path, `${r.label(path)} has no target port`);
  const written = r.str(entry.published, [...path, 'published']);
  const published = written === null ? null : withDefaults(written);
  return {
    containerPort: portNumber(r, target, [...path, 'target'], false),
    hostPort: published === null || published === '' ? 0 : portNumber(r, published, [...path, 'published'], true),
    hostIp: withDefaultsOrNull(r.str(entry.host_ip, [...path, 'host_ip'])),
    protocol: (r.str(entry.protocol, [...path, 'protocol']) ?? 'tcp').toLowerCase(),
  };
}

function portNumber(r: FieldReader, text: string, path: SourcePath, host: boolean): number | null {
  const m = /^(\d+)(?:-\d+)?$/.exec(text.trim());
  if (m) {
    const n = Number(m[1]);
    if (n <= 65535) return n;
  }
  if (INTERPOLATION.test(text)) return host ? 0 : null;
  return r.fail(path, `${r.label(path)} has an invalid ${host ? 'host' : 'container'} port '${text}'`);
}

const withDefaultsOrNull = (v: string | null): string | null => (v === null ? null : withDefaults(v));
