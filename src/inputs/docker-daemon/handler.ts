import { basename } from 'node:path';
import type { Origin } from '../../analyzers/egress/model.js';
import { parseJsonInput } from '../json-error.js';
import { InputError, type InputHandler, type SourceFile } from '../types.js';
import { hostOf, wholeFileTarget } from '../file-target.js';

/**
 * The Docker daemon's configuration (`/etc/docker/daemon.json`) kept beside a host's compose files or
 * firewall dumps. Only what decides container egress is read: `ipv6` (the default bridge gets IPv6),
 * `ip6tables` (Docker filters and NATs IPv6 too), `iptables` (false: Docker installs no rules at all —
 * no DOCKER-USER hook, no masquerade, no isolation rules for internal networks).
 */

export interface DockerDaemonEgressData {
  layer: 'docker-daemon';
  /** The directory of the file (absolute): the host whose compose files and dumps sit beside it. */
  host: string;
  ipv6?: { value: boolean; origin: Origin };
  ip6tables?: { value: boolean; origin: Origin };
  iptables?: { value: boolean; origin: Origin };
}

const KEYS = ['ipv6', 'ip6tables', 'iptables'] as const;

export function parseDaemonJson(file: SourceFile): DockerDaemonEgressData {
  const value = parseJsonInput(file.text, (e) => new InputError(file.path, `not valid JSON: ${e.reason}`, e.line));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError(file.path, 'a Docker daemon.json must be a JSON object');
  const obj = value as Record<string, unknown>;
  const data: DockerDaemonEgressData = { layer: 'docker-daemon', host: hostOf(file) };
  const lines = file.text.split('\n');
  for (const k of KEYS) {
    if (!(k in obj)) continue;
    const v = obj[k];
    const i = lines.findIndex((l) => new RegExp(`"${k}"\\s*:`).test(l));
    if (typeof v !== 'boolean') throw new InputError(file.path, `"${k}" must be true or false, not ${JSON.stringify(v)}`, i >= 0 ? i + 1 : undefined);
    data[k] = { value: v, origin: { file: file.path, line: i >= 0 ? i + 1 : 1 } };
  }
  return data;
}

export const dockerDaemonHandler: InputHandler = {
  format: 'docker-daemon',
  items: ['egress-control'],
  detect(file) {
    return basename(file.path) === 'daemon.json' && /^\s*\{/.test(file.text);
  },
  parse(file) {
    const data = parseDaemonJson(file);
    return { targets: [wholeFileTarget(file, { kind: 'egress', id: `egress:docker-daemon:${file.path}`, name: `docker daemon.json ${file.path}`, platform: 'docker', data })] };
  },
};
