import type { SourceLocator, SourcePath } from '../source-locator.js';
import { InputError } from '../types.js';
import { FieldReader, INTERPOLATION, describe, isObj, present, type Obj } from './values.js';

/**
 * What the compose file says about a service's network attachment: `network_mode`, the networks it
 * joins and how each is declared at the top level (`internal`, `external`, `enable_ipv6`, `driver`).
 * The egress analyzer turns this into a verdict; this module only reads and locates.
 */

export interface TopLevelNetwork {
  name: string;
  /** `internal: true`: Docker gives the network no route out. */
  internal: boolean;
  /** `external: true`: created outside this file, so its options (internal or not) are not known here. */
  external: boolean;
  /** The engine's name of the network (`name:`, or the old `external: {name: …}`). */
  engineName: string | null;
  /**
   * Set when `engineName` came from the old `external: {name: …}`: an override that writes `external`
   * replaces that mapping, name and all, as compose merges a mapping under a scalar; then `name:` (this) decides.
   */
  externalName?: { replacedBy: string | null };
  enableIpv6: boolean;
  driver: string | null;
  /** Line of the declaration, and of its `internal:` field when written. */
  line: number | null;
  internalLine: number | null;
  /** Not declared in this file (a service of an override file joins a network of the base file). */
  undeclared?: boolean;
  /** `ipam.config[].subnet`: the addresses its containers get (decides a host filter's `-s` rules). */
  subnets?: string[];
  /** `driver_opts` `com.docker.network.bridge.name`: the host interface (else Docker's `br-<id>`). */
  bridgeName?: string | null;
  /** The file whose `internal:` decides it, when merged from compose.override.yaml. */
  declaredIn?: string;
  /**
   * The booleans this declaration writes with a known value (an unresolved `${VAR}` counts as not
   * written): an override's `external: false` or `enable_ipv6: false` replaces the base's `true`.
   */
  written?: { external?: true; enableIpv6?: true };
}

const UNDEFINED: TopLevelNetwork = { name: '', internal: false, external: false, engineName: null, enableIpv6: false, driver: null, line: null, internalLine: null, undeclared: true };

export interface ComposeAttachment {
  name: string;
  /** Line of the service's entry for this network (the service's own line for the implicit `default`). */
  line: number;
  network: TopLevelNetwork;
  /** The file of `line` when it is not the target's (an attachment merged from compose.override.yaml). */
  file?: string;
}

export type NetworkModeKind = 'none' | 'host' | 'bridge' | 'service' | 'container' | 'unknown';

export interface ComposeNetworkData {
  layer: 'compose-network';
  project: string;
  service: string;
  /** `container_name:`, so that another service's `network_mode: container:<name>` can find it. */
  containerName: string | null;
  /** Set when `network_mode` is written; then `networks` is empty. */
  networkMode: { kind: NetworkModeKind; text: string; joins: string | null; line: number; file?: string } | null;
  networks: ComposeAttachment[];
  /**
   * Set on every service of a compose.yaml + compose.override.yaml pair (src/inputs/compose/override.ts):
   * the override file. The pair is one project, so `network_mode: service:x` finds x in either file.
   */
  mergedFrom?: string;
  /** Line of the service's name. */
  line: number;
}

/** Top-level `networks:`; `default` is always present (compose creates `<project>_default`). */
export function readTopLevelNetworks(locator: SourceLocator, root: Obj): Map<string, TopLevelNetwork> {
  const out = new Map<string, TopLevelNetwork>();
  const value = root.networks;
  const fail = (path: SourcePath, reason: string): never => {
    const loc = locator.at(path);
    throw new InputError(locator.file, reason, loc.line, loc.column);
  };
  if (present(value) && !isObj(value)) fail(['networks'], `networks must be a mapping of names to definitions, not ${describe(value)}`);
  for (const [name, def] of Object.entries((value as Obj | undefined) ?? {})) {
    const path: SourcePath = ['networks', name];
    if (present(def) && !isObj(def)) fail(path, `networks.${name} must be a mapping, not ${describe(def)}`);
    const d = (def ?? {}) as Obj;
    const r = new FieldReader(locator, path, (p) => [...path, ...p], `networks.${name}`);
    let external: boolean | null;
    const declaredName = r.str(d.name, ['name']);
    let engineName = declaredName;
    let externalName: TopLevelNetwork['externalName'];
    if (isObj(d.external)) {
      external = true;
      const legacy = r.str(d.external.name, ['external', 'name']);
      if (legacy !== null) {
        engineName = legacy;
        externalName = { replacedBy: declaredName };
      }
    } else external = r.bool(d.external, ['external']);
    const enableIpv6 = r.bool(d.enable_ipv6, ['enable_ipv6']);
    const written = { ...(external !== null ? { external: true as const } : {}), ...(enableIpv6 !== null ? { enableIpv6: true as const } : {}) };
    out.set(name, {
      name,
      internal: r.bool(d.internal, ['internal']) ?? false,
      external: external ?? false,
      engineName,
      enableIpv6: enableIpv6 ?? false,
      driver: r.str(d.driver, ['driver']),
      line: locator.at(path).line ?? null,
      internalLine: present(d.internal) ? (locator.at([...path, 'internal']).line ?? null) : null,
      subnets: subnetsOf(r, d.ipam),
      bridgeName: isObj(d.driver_opts) ? r.str(d.driver_opts['com.docker.network.bridge.name'], ['driver_opts', 'com.docker.network.bridge.name']) : null,
      ...(Object.keys(written).length ? { written } : {}),
      ...(externalName ? { externalName } : {}),
    });
  }
  if (!out.has('default')) {
    out.set('default', { name: 'default', internal: false, external: false, engineName: null, enableIpv6: false, driver: null, line: null, internalLine: null });
  }
  return out;
}

function subnetsOf(r: FieldReader, ipam: unknown): string[] {
  if (!isObj(ipam) || !Array.isArray(ipam.config)) return [];
  const out: string[] = [];
  ipam.config.forEach((c, i) => {
    if (!isObj(c)) return;
    const subnet = r.str(c.subnet, ['ipam', 'config', i, 'subnet']);
    if (subnet && !INTERPOLATION.test(subnet)) out.push(subnet.trim());
  });
  return out;
}

/** One service's attachment. `r` resolves paths through `extends`. */
export function readServiceNetwork(r: FieldReader, s: Obj, project: string, service: string, networks: Map<string, TopLevelNetwork>): ComposeNetworkData {
  const lineOf = (path: SourcePath) => r.at(path).line ?? 1;
  // A merged service (override.ts) reads some fields from the override file: each part names its file then.
  const fileOf = (path: SourcePath): { file?: string } => {
    const file = r.at(path).file;
    return file && file !== r.locator.file ? { file } : {};
  };
  const line = lineOf([]);
  const containerName = r.str(s.container_name, ['container_name']);
  const base = { layer: 'compose-network' as const, project, service, containerName, line };
  const mode = r.str(s.network_mode, ['network_mode']);
  if (mode !== null) {
    const text = mode.trim();
    const m = /^(service|container):(.+)$/.exec(text);
    const kind: NetworkModeKind = INTERPOLATION.test(text) ? 'unknown' : m ? (m[1] as 'service' | 'container') : text === 'none' || text === 'host' || text === 'bridge' ? text : 'unknown';
    // `network_mode: default` is the daemon's default network (the bridge); anything else names a network the engine knows.
    const resolved: NetworkModeKind = kind === 'unknown' && text === 'default' ? 'bridge' : kind;
    return { ...base, networkMode: { kind: resolved, text, joins: m && resolved === kind ? m[2]!.trim() : null, line: lineOf(['network_mode']), ...fileOf(['network_mode']) }, networks: [] };
  }
  const attached: ComposeAttachment[] = [];
  const attach = (name: string, path: SourcePath) => {
    // Not defined here: an override file (compose.override.yaml) uses what the base file defines.
    const network = networks.get(name) ?? { ...UNDEFINED, name };
    attached.push({ name, line: lineOf(path), network, ...fileOf(path) });
  };
  const value = s.networks;
  if (!present(value)) attach('default', []);
  else if (Array.isArray(value)) {
    value.forEach((n, i) => {
      const name = r.str(n, ['networks', i]);
      if (!name) r.fail(['networks', i], `${r.label(['networks', i])} names no network`);
      attach(name!, ['networks', i]);
    });
  } else if (isObj(value)) {
    for (const [name, opts] of Object.entries(value)) {
      if (present(opts) && !isObj(opts)) r.fail(['networks', name], `${r.label(['networks', name])} must be a mapping, not ${describe(opts)}`);
      attach(name, ['networks', name]);
    }
  } else r.fail(['networks'], `${r.label(['networks'])} must be a list or a mapping, not ${describe(value)}`);
  if (attached.length === 0) attach('default', ['networks']);
  return { ...base, networkMode: null, networks: attached };
}

/**
 * The top-level networks of compose.yaml with compose.override.yaml on top, merged by name as compose
 * merges mappings: a field the override writes wins, the others stay the base's (a scalar replaces the
 * base's, so `external: false` or `enable_ipv6: false` turns off the base's `true`). The override's implicit
 * `default` adds nothing. Every declared network names the file whose `internal:` decides it
 * (`declaredIn`), so a verdict resting on it points at the right file whichever service joins it.
 */
export function mergeTopLevelNetworks(base: Map<string, TopLevelNetwork>, baseFile: string, over: Map<string, TopLevelNetwork>, overFile: string): Map<string, TopLevelNetwork> {
  const out = new Map<string, TopLevelNetwork>();
  for (const [name, n] of base) out.set(name, n.line === null ? n : { ...n, declaredIn: baseFile });
  for (const [name, n] of over) {
    if (name === 'default' && n.line === null) continue;
    const b = out.get(name);
    out.set(
      name,
      !b || b.line === null
        ? { ...n, declaredIn: overFile }
        : {
            ...withoutExternalName(b),
            ...(n.internalLine !== null ? { internal: n.internal, internalLine: n.internalLine, declaredIn: overFile } : {}),
            external: n.written?.external ? n.external : b.external,
            enableIpv6: n.written?.enableIpv6 ? n.enableIpv6 : b.enableIpv6,
            ...(n.written || b.written ? { written: { ...b.written, ...n.written } } : {}),
            driver: n.driver ?? b.driver,
            ...engineNameOver(b, n),
            subnets: n.subnets?.length ? n.subnets : b.subnets,
            bridgeName: n.bridgeName ?? b.bridgeName,
          },
    );
  }
  return out;
}

function withoutExternalName(n: TopLevelNetwork): TopLevelNetwork {
  const { externalName: _, ...rest } = n;
  return rest;
}

/**
 * The merged engine name: the override's, else the base's, except that a base name from the old
 * `external: {name: …}` goes with the mapping when the override writes `external` (`docker compose config`
 * then shows the base's `name:`, or none: an external network is then looked up by its key).
 */
function engineNameOver(b: TopLevelNetwork, n: TopLevelNetwork): Pick<TopLevelNetwork, 'engineName' | 'externalName'> {
  if (n.engineName !== null) return { engineName: n.engineName, ...(n.externalName ? { externalName: n.externalName } : {}) };
  if (b.externalName && n.written?.external) return { engineName: b.externalName.replacedBy };
  return { engineName: b.engineName, ...(b.externalName ? { externalName: b.externalName } : {}) };
}
