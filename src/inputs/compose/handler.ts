import { basename, dirname } from 'node:path';
import type { SkippedObject } from '../../model/finding.js';
import type { Suppression, Target } from '../../model/target.js';
import { parseYamlFast } from '../../util/yaml-fast.js';
import type { YamlDoc, YamlFile } from '../../util/yaml-source.js';
import { SourceLocator, type SourcePath } from '../source-locator.js';
import { InputError, type InputHandler, type ParseOutput, type SourceFile } from '../types.js';
import { resolveExtends, resolvePath, type Provenance } from './extends.js';
import { pairRole } from './pairs.js';
import { normalizeService } from './service.js';
import type { ComposeContainerData, ComposeObjectDef, ComposeObjectsData, ComposeObjectUse, ComposeWorkloadData } from './types.js';
import { FieldReader, describe, isObj, type Obj } from './values.js';
import { readTopLevelVolumes, type TopLevelVolume } from './volumes.js';
import { readServiceNetwork, readTopLevelNetworks, type ComposeNetworkData, type TopLevelNetwork } from './networks.js';
import { readObjectDefinitions } from './secrets.js';
import { blockScalarAt, lineOfFile, locateContainerBlockValues, setValueLines } from '../block-scalar.js';
import type { Location } from '../../model/location.js';
import { commentSuppressionsOf } from '../file-target.js';

/** compose.yaml, compose.override.yml, docker-compose.yml, docker-compose.prod.yaml, docker-compose-dev.yml… */
const COMPOSE_NAME = /^(?:compose(?:\.[\w.-]+)?|docker-compose[\w.-]*)\.ya?ml$/i;

/** Keys that only a compose service has (a top-level `services:` of something else rarely uses them). */
const SERVICE_KEYS = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'user',
  'privileged', 'cap_add', 'cap_drop', 'security_opt', 'network_mode', 'networks', 'depends_on', 'restart',
  'deploy', 'read_only', 'healthcheck', 'labels', 'logging', 'runtime', 'pid', 'ipc', 'userns_mode', 'devices',
  'container_name', 'working_dir', 'extends', 'profiles', 'tmpfs', 'init', 'ulimits', 'sysctls', 'platform',
  'secrets', 'configs',
]);

export const SUPPRESS_KEY = 'x-sandcheck-ignore';

/**
 * A compose file read by js-yaml (src/util/yaml-fast.ts: about 8x faster than the `yaml` document model
 * on compose files), reading a key written twice as the `yaml` reader does. Files js-yaml refuses (an
 * unknown tag, the merge tags `!reset`/`!override`, YAML it reads differently) are read by `yaml` as
 * before, so errors and lenient reads are unchanged; detect() and parse() share one read.
 */
const composeReads = new WeakMap<SourceFile, YamlFile>();
function composeYaml(file: SourceFile): YamlFile {
  let read = composeReads.get(file);
  if (!read) {
    read = file.text.includes('!reset') || file.text.includes('!override') ? file.yaml() : fastOrFull(file);
    composeReads.set(file, read);
  }
  return read;
}

function fastOrFull(file: SourceFile): YamlFile {
  try {
    return parseYamlFast(file.text, file.path, { duplicateKeys: 'last' });
  } catch {
    return file.yaml();
  }
}

const firstValue = (file: SourceFile): YamlDoc | undefined => composeYaml(file).docs.find((d) => d.value !== null && d.value !== undefined);

function looksLikeCompose(value: unknown): boolean {
  if (!isObj(value) || 'apiVersion' in value || 'kind' in value) return false;
  const services = value.services;
  if (!isObj(services)) return false;
  const defs = Object.values(services);
  return defs.length > 0 && defs.every((d) => isObj(d) && Object.keys(d).some((k) => SERVICE_KEYS.has(k)));
}

export const composeHandler: InputHandler = {
  format: 'compose',
  items: ['image-hardening', 'blast-radius', 'tool-isolation', 'supply-chain', 'key-storage', 'workload-isolation', 'session-data', 'egress-control'],
  detect(file) {
    // By name, unless it is plainly a Kubernetes manifest that happens to be called compose.yaml.
    if (COMPOSE_NAME.test(basename(file.path)) && !(/^apiVersion\s*:/m.test(file.text) && /^kind\s*:/m.test(file.text))) return true;
    if (file.absPath !== null && !/\.(ya?ml|json)$/i.test(file.path)) return false;
    if (!/^["']?services["']?\s*:/m.test(file.text) && !/"services"\s*:/.test(file.text)) return false;
    try {
      return looksLikeCompose(firstValue(file)?.value);
    } catch {
      return false; // not YAML at all: another handler (or the unrecognised list) deals with it
    }
  },
  parse(file) {
    const docs = composeYaml(file).docs.filter((d) => d.value !== null && d.value !== undefined);
    if (docs.length === 0) throw new InputError(file.path, 'empty compose file: no services to audit');
    if (docs.length > 1) {
      throw new InputError(file.path, `a compose file holds one YAML document; found ${docs.length}`, docs[1]!.positionOf([]).line);
    }
    const doc = docs[0]!;
    const root = doc.value;
    if (!isObj(root)) throw new InputError(file.path, `the top level of a compose file must be a mapping, not ${describe(root)}`, doc.positionOf([]).line);
    const locator = new SourceLocator(file.path, doc);
    const project = projectName(file, root, locator);
    const out: Required<ParseOutput> = { targets: [], skipped: [] };
    if (root.services === undefined || root.services === null) {
      const skipped: SkippedObject = { kind: 'compose file', name: project, line: 1, reason: 'no services: defined, so nothing to evaluate' };
      out.skipped.push(skipped);
      // An override that only changes top-level definitions (`networks: {sandbox: {internal: true}}`) still counts for its base.
      if (isPairName(file)) {
        const named = root.name !== undefined && root.name !== null;
        servicelessStates.set(skipped, { file, locator, project, named, volumes: readTopLevelVolumes(root.volumes), objects: readObjectDefinitions(locator, root, file), networks: readTopLevelNetworks(locator, root), services: new Map() });
      }
      return out;
    }
    if (!isObj(root.services)) {
      const pos = doc.positionOf(['services']);
      throw new InputError(file.path, `services must be a mapping of service names to definitions, not ${describe(root.services)}`, pos.line, pos.column);
    }
    if (root.include !== undefined && root.include !== null) {
      out.skipped.push({
        kind: 'compose include',
        name: project,
        line: locator.at(['include']).line,
        reason: 'included compose files are not merged into this one; pass them to sandcheck as inputs of their own',
      });
    }
    const volumes = readTopLevelVolumes(root.volumes);
    const objects = readObjectDefinitions(locator, root, file);
    const networks = readTopLevelNetworks(locator, root);
    const services = root.services;
    const uses: { use: ComposeObjectUse; service: string }[] = [];
    const state: ComposeFileState | null = isPairName(file) ? { file, locator, project, named: root.name !== undefined && root.name !== null, volumes, objects, networks, services: new Map() } : null;
    for (const [name, def] of Object.entries(services)) {
      const servicePath: SourcePath = ['services', name];
      if (!isObj(def)) new FieldReader(locator, servicePath).fail([], `service '${name}' must be a mapping, not ${describe(def)}`);
      const resolved = resolveExtends(services, name, locator);
      const r = new FieldReader(locator, servicePath, (path) => resolvePath(resolved.prov, path));
      if (resolved.external) {
        out.skipped.push({
          kind: 'compose extends',
          name: `${project}/service ${name}`,
          line: locator.at([...servicePath, 'extends']).line,
          reason: `extends service '${resolved.external.service}' of ${resolved.external.file}: the fields it inherits from that file are not evaluated`,
        });
      }
      const targets = serviceTargets({ path: file.path, absPath: file.absPath, sourceOf: () => file }, locator, r, project, name, resolved.value, { volumes, objects, networks });
      for (const use of (targets[1]!.data as ComposeContainerData).objects) uses.push({ use, service: name });
      if (state) {
        state.services.set(name, { value: resolved.value, prov: resolved.prov });
        fileStates.set(targets[0]!, state);
      }
      out.targets.push(...targets);
    }
    const objectsTarget = composeObjectsTarget(file, locator, project, objects, uses);
    if (objectsTarget) out.targets.push(objectsTarget);
    return out;
  },
};

/**
 * What the override merge (override.ts) needs of a file that can be half of the default pair
 * (compose.yaml and compose.override.yaml): its services as written (after same-file `extends`) and
 * its top-level definitions. Kept per workload target until the merge takes it.
 */
export interface ComposeFileState {
  file: SourceFile;
  locator: SourceLocator;
  project: string;
  /** The project name is the file's top-level `name:` (else its folder's name). */
  named: boolean;
  volumes: Map<string, TopLevelVolume>;
  objects: ComposeObjectDef[];
  networks: Map<string, TopLevelNetwork>;
  services: Map<string, { value: Obj; prov: Provenance }>;
}

const fileStates = new WeakMap<Target<object>, ComposeFileState>();

/**
 * The parsed file a compose workload target came from, when its name makes it half of the default
 * override pair. Taken once: the merge runs once per scan, and the file's text and YAML tree are not
 * kept after it.
 */
export function takeComposeFileState(t: Target<object>): ComposeFileState | undefined {
  const s = fileStates.get(t);
  if (s) fileStates.delete(t);
  return s;
}

/**
 * The same for a pair file without services: it has no workload target, so its state hangs on the
 * skipped-object entry its input record keeps (InputRecord.skippedObjects).
 */
const servicelessStates = new WeakMap<SkippedObject, ComposeFileState>();

export function takeServicelessComposeState(entry: SkippedObject): ComposeFileState | undefined {
  const s = servicelessStates.get(entry);
  if (s) servicelessStates.delete(entry);
  return s;
}

const isPairName = (file: SourceFile): boolean => file.absPath !== null && pairRole(basename(file.path)) !== null;

/** Where the service's targets come from: the file they are reported under, and the parsed file of each location (block scalars). */
export interface ServiceSource {
  path: string;
  absPath: string | null;
  sourceOf: (path: string | undefined) => SourceFile | undefined;
}

/** A service's workload and container targets, and its egress target when `top.networks` is given. */
export function serviceTargets(
  file: ServiceSource,
  locator: SourceLocator,
  r: FieldReader,
  project: string,
  name: string,
  def: Obj,
  top: { volumes: Map<string, TopLevelVolume>; objects: readonly ComposeObjectDef[]; networks?: Map<string, TopLevelNetwork> },
): Target<object>[] {
  const n = normalizeService(r, name, def, { project, file: file.path, absPath: file.absPath, volumes: top.volumes, objects: top.objects });
  const suppressions = readSuppressions(r, def);
  const workloadId = `compose:${project}/${name}`;
  const workload: Target<ComposeWorkloadData> = {
    kind: 'workload',
    id: workloadId,
    name: `${project}/service ${name}`,
    platform: 'compose',
    file: file.path,
    data: n.workload,
    locations: new Map(),
    suppressions,
    boundary: project,
  };
  const container: Target<ComposeContainerData> = {
    kind: 'container',
    id: `${workloadId}#container=${name}`,
    name: `${project}/service ${name} › container ${name}`,
    platform: 'compose',
    file: file.path,
    data: n.container,
    locations: new Map(),
    suppressions: suppressions.map((s) => ({ ...s })),
    boundary: project,
    parentId: workloadId,
  };
  for (const [p, path] of n.workloadPaths) workload.locations.set(p, r.at(path));
  for (const [p, path] of n.containerPaths) container.locations.set(p, r.at(path));
  locateContainerBlockValues(container, file.sourceOf);
  if (!top.networks) return [workload, container];
  return [workload, container, networkTarget(file.path, project, name, readServiceNetwork(r, def, project, name, top.networks), suppressions)];
}

/** A service's egress target: its network attachment (`compose:<project>/<service>#network`). */
export function networkTarget(file: string, project: string, name: string, network: ComposeNetworkData, suppressions: readonly Suppression[]): Target<ComposeNetworkData> {
  return {
    kind: 'egress',
    id: `compose:${project}/${name}#network`,
    name: `${project}/service ${name} › network`,
    platform: 'compose',
    file,
    data: network,
    locations: new Map([['', { file, line: network.line, column: 1 }]]),
    suppressions: suppressions.map((s) => ({ ...s })),
    boundary: project,
  };
}

/**
 * What the file holds outside its services, as the shape env entries use (an `envfile` target): the
 * literal `content:` of configs, and which files `file:` names (the secret rules read those files as
 * one value under the name given here). Null when the file has no secrets or configs.
 */
export function composeObjectsTarget(
  file: SourceFile,
  locator: SourceLocator,
  project: string,
  objects: ComposeObjectDef[],
  uses: { use: ComposeObjectUse; service: string }[],
): Target<ComposeObjectsData> | null {
  if (objects.length === 0) return null;
  const data: ComposeObjectsData = { path: file.path, entries: [], comments: [], sops: false, valueFiles: [] };
  const locations = new Map<string, Location>([['', { file: file.path, line: objects[0]!.line, column: 1 }]]);
  for (const o of objects) {
    const top = o.kind === 'secret' ? 'secrets' : 'configs';
    // The strongest name a service gives it: `ANTHROPIC_ENVIRONMENT_KEY_FILE=/run/secrets/x` makes x the environment key.
    const name = uses.find((u) => u.use.kind === o.kind && u.use.source === o.name && u.use.variable)?.use.variable ?? o.name;
    if (o.content !== null) {
      const at = locator.at([top, o.name, 'content']);
      const i = data.entries.length;
      const block = blockScalarAt(file, at);
      const pos = block ? { line: block.start.line!, column: block.start.column! } : valuePosition(file, at.line ?? o.line, at.column ?? 1);
      const entry = { name, value: o.content, line: pos.line, column: pos.column, quote: 'none' as const, exported: false as const };
      if (block) setValueLines(entry, block.lines);
      data.entries.push(entry);
      locations.set(`/entries/${i}`, at);
      locations.set(`/entries/${i}/value`, at);
    }
    if (o.file !== null) {
      data.valueFiles.push({ file: o.file.file, name, kind: o.kind, object: o.name, namedAt: `${file.path}:${o.fields.file ?? o.line}` });
    }
  }
  return {
    kind: 'envfile',
    id: `compose:${project}#objects`,
    name: `${project}/secrets and configs`,
    platform: 'compose',
    file: file.path,
    data,
    locations,
    // Top-level entries belong to no service: `# sandcheck-ignore <rule> -- <reason>` above the line suppresses one.
    suppressions: commentSuppressionsOf(file),
    boundary: project,
  };
}

/** Where the plain or quoted value of `key: value` starts, from the key's position: after the colon (block scalars: blockScalarAt). */
function valuePosition(file: SourceFile, line: number, column: number): { line: number; column: number } {
  const m = /^([^:]*:\s*)\S/.exec(lineOfFile(file, line).slice(column - 1));
  return { line, column: m ? column + m[1]!.length : column };
}

/** `x-sandcheck-ignore: { <rule-id>: <reason> }`; a list of rule ids is accepted but records no reason (itself a finding). */
function readSuppressions(r: FieldReader, def: Obj): Suppression[] {
  const value = def[SUPPRESS_KEY];
  if (value === undefined || value === null) return [];
  const at = (path: SourcePath) => r.at([SUPPRESS_KEY, ...path]);
  if (Array.isArray(value)) {
    return value.map((id, i) => {
      if (typeof id !== 'string') return r.fail([SUPPRESS_KEY, i], `${r.label([SUPPRESS_KEY, i])} must be a rule id`);
      return { ruleId: id, reason: null, source: 'compose-extension' as const, location: at([i]) };
    });
  }
  if (!isObj(value)) return r.fail([SUPPRESS_KEY], `${r.label([SUPPRESS_KEY])} must map rule ids to reasons, not ${describe(value)}`);
  return Object.entries(value).map(([ruleId, reason]) => ({
    ruleId,
    reason: typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null,
    source: 'compose-extension' as const,
    location: at([ruleId]),
  }));
}

/** The top-level `name:`, else the folder of the file, normalized as compose does (lower case, [a-z0-9_-]). */
function projectName(file: SourceFile, root: Obj, locator: SourceLocator): string {
  if (root.name !== undefined && root.name !== null) {
    if (typeof root.name !== 'string' || root.name.trim() === '') {
      const loc = locator.at(['name']);
      throw new InputError(file.path, 'name must be a non-empty string (the compose project name)', loc.line, loc.column);
    }
    return root.name.trim();
  }
  if (file.absPath === null) return 'stdin';
  const dir = basename(dirname(file.absPath));
  const normalized = dir.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
  return normalized || 'default';
}
