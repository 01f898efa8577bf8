import { basename } from 'node:path';
import type { InputRecord, SkippedObject } from '../../model/finding.js';
import type { Target } from '../../model/target.js';
import type { SourcePath } from '../source-locator.js';
import { InputError, type SourceFile } from '../types.js';
import { inFile, mergeService, resolveSource, type Provenance } from './extends.js';
import { takeComposeFileState, takeServicelessComposeState, composeHandler, composeObjectsTarget, networkTarget, serviceTargets, type ComposeFileState } from './handler.js';
import { overridePairs, type OverridePair } from './pairs.js';
import type { ComposeContainerData, ComposeObjectDef, ComposeObjectUse } from './types.js';
import { mergeTopLevelNetworks, readServiceNetwork, type ComposeNetworkData } from './networks.js';
import { mergeTopLevelVolumes } from './volumes.js';
import { FieldReader, isObj, type Obj } from './values.js';
import { vendor } from '../../util/vendor.js';

/** The part of a scan's collection the merge reads and rewrites (see src/inputs/collect.ts). */
export interface CollectedCompose {
  targets: Target<object>[];
  inputs: InputRecord[];
  inputErrorItems: Set<string>;
}

/**
 * compose.override.yaml on top of compose.yaml, as `docker compose` reads the pair from their folder:
 * each service of the override is merged into the base service of the same name with the Compose
 * Specification's merge rules (extends.ts mergeService), and the merged service replaces the base's
 * workload and container targets (same ids, so findings keep their fingerprints); the override's own
 * partial targets for it are dropped. Every value keeps the location of the file that wrote it; a
 * field set in neither file points at the base service. A base service the override does not mention
 * keeps the targets its file gave it (moved to the pair's project when the override names another),
 * unless it uses a volume, secret or config the override defines. A service only in the override stays its own,
 * and every service of the pair resolves named volumes, secrets and configs against both files'
 * top-level definitions (the override's winning by name). The network attachment is part of the
 * merged service: its egress target is built here too, against both files' top-level networks, and
 * the egress analyzer judges the targets as they come (this is the one merge of the pair).
 * An override file scanned without its base is judged alone, and its input entry says so.
 */
export function mergeComposeOverrides(out: CollectedCompose): void {
  const states = new Map<string, ComposeFileState>();
  for (const t of out.targets) {
    if (t.kind !== 'workload' || t.platform !== 'compose') continue;
    const s = takeComposeFileState(t);
    if (s) states.set(s.file.path, s);
  }
  // Pair files without services (only top-level definitions), and the input entry that says so.
  const serviceless = new Map<string, { rec: InputRecord; entry: SkippedObject }>();
  for (const rec of out.inputs) {
    for (const entry of rec.skippedObjects ?? []) {
      const s = takeServicelessComposeState(entry);
      if (!s) continue;
      states.set(s.file.path, s);
      serviceless.set(s.file.path, { rec, entry });
    }
  }
  if (states.size === 0) return;
  const { pairs, lone } = overridePairs(states.keys());
  for (const path of lone) if (!serviceless.has(path)) describeInput(out, path, 'override without its base compose file: services judged alone');
  for (const pair of pairs) {
    const base = states.get(pair.base)!;
    const over = states.get(pair.override)!;
    try {
      mergePair(out, base, over);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failInput(out, pair, err);
      continue;
    }
    describeInput(out, pair.base, `merged with ${basename(pair.override)}`);
    describeInput(out, pair.override, `override merged into ${basename(pair.base)}`);
    // Its top-level definitions were used: no longer "nothing to evaluate".
    const s = serviceless.get(pair.override);
    if (s) {
      s.rec.skippedObjects = s.rec.skippedObjects!.filter((e) => e !== s.entry);
      if (s.rec.skippedObjects.length === 0) delete s.rec.skippedObjects;
    }
  }
}

function mergePair(out: CollectedCompose, base: ComposeFileState, over: ComposeFileState): void {
  const top = {
    volumes: mergeTopLevelVolumes(base.volumes, over.volumes),
    objects: [...base.objects.filter((b) => !over.objects.some((o) => o.kind === b.kind && o.name === b.name)), ...over.objects] as readonly ComposeObjectDef[],
    networks: mergeTopLevelNetworks(base.networks, base.file.path, over.networks, over.file.path),
  };
  // One project, as docker compose sees it: the override's `name:` wins, else the base's name (or folder).
  const project = over.named ? over.project : base.project;
  const sourceOf = (path: string | undefined): SourceFile | undefined => (path === over.file.path ? over.file : path === base.file.path ? base.file : undefined);
  const replaced = new Map<string, Target<object> | null>();
  const built: { ids: string[]; targets: Target<object>[] }[] = [];

  // What the base file's parse produced, to keep a service the override leaves alone.
  const parsed = new Map(out.targets.filter((t) => t.platform === 'compose' && t.file === base.file.path).map((t) => [t.id, t]));
  const untouched: { workload: Target<object>; container: Target<ComposeContainerData>; egress: Target<ComposeNetworkData>; egressId: string }[] = [];

  const tags = mergeTags(over.file);
  for (const [name, b] of base.services) {
    const found = over.services.get(name);
    if (!found) {
      const [workloadId, containerId, egressId] = idsOf(base, name);
      const workload = parsed.get(workloadId);
      const container = parsed.get(containerId) as Target<ComposeContainerData> | undefined;
      if (workload && container && parsed.has(egressId) && !readsOverrideDefinitions(container.data, over)) {
        // Kept as parsed (same targets, same locations); only its attachment is read again, against both files' networks.
        const network = readServiceNetwork(reader(base, name, b.prov), b.value, project, name, top.networks);
        const egress = withIds([networkTarget(base.file.path, project, name, network, workload.suppressions)], base)[0] as Target<ComposeNetworkData>;
        untouched.push({ workload, container, egress, egressId });
        continue;
      }
    }
    const [bv, o] = found ? applyTags(b.value, found, tags.get(name) ?? []) : [b.value, found];
    const service = o ? mergeService(inBase({ value: bv, prov: b.prov }, base), { value: o.value, prov: inFile(o.prov, over.locator) }) : { value: b.value, prov: b.prov };
    // The merged service is reported as the base service: a field set in neither file points at it.
    const prov: Provenance = o ? { ...service.prov, path: b.prov.path, locator: base.locator } : service.prov;
    const r = reader(base, name, prov);
    const targets = serviceTargets({ path: base.file.path, absPath: base.file.absPath, sourceOf }, base.locator, r, project, name, service.value, top);
    built.push({ ids: idsOf(base, name), targets: withIds(targets, base) });
    if (o) for (const id of idsOf(over, name)) replaced.set(id, null);
  }
  for (const [name, o] of over.services) {
    if (base.services.has(name)) continue;
    const r = reader(over, name, o.prov);
    const targets = serviceTargets({ path: over.file.path, absPath: over.file.absPath, sourceOf: () => over.file }, over.locator, r, project, name, o.value, top);
    built.push({ ids: idsOf(over, name), targets: withIds(targets, over) });
  }
  for (const { targets } of built) (targets[2]!.data as ComposeNetworkData).mergedFrom = over.file.path;
  for (const { egress } of untouched) egress.data.mergedFrom = over.file.path;
  // Nothing is replaced until every service merged: a merge that fails leaves the files as parsed.
  for (const { ids, targets } of built) ids.forEach((id, i) => replaced.set(id, targets[i]!));
  for (const { egress, egressId } of untouched) replaced.set(egressId, egress);
  // A file's secrets and configs are named by what the merged services read them as
  // (`ANTHROPIC_ENVIRONMENT_KEY_FILE` set in the override for a secret of the base file).
  const containers = [...built.map(({ targets }) => targets[1] as Target<ComposeContainerData>), ...untouched.map((u) => u.container)];
  const uses: { use: ComposeObjectUse; service: string }[] = containers.flatMap((c) => c.data.objects.map((use) => ({ use, service: c.data.name })));
  // Under the pair's project (one trust boundary), replacing the target each file gave them under its own.
  const added: { target: Target<object>; file: string }[] = [];
  for (const f of [base, over]) {
    const objects = composeObjectsTarget(f.file, f.locator, project, f.objects, uses);
    if (!objects) continue;
    // A file without services: its parse stopped before it made this target.
    if (f.services.size === 0) added.push({ target: withIds([objects], f)[0]!, file: f.file.path });
    else replaced.set(`compose:${f.project}#objects@${f.file.path}`, withIds([objects], f)[0]!);
  }
  for (const { workload, container } of untouched) for (const t of [workload, container]) inProject(t, base.project, project);
  let dropped = 0;
  const kept: Target<object>[] = [];
  for (const t of out.targets) {
    const r = replaced.get(t.id);
    if (r === undefined) kept.push(t);
    else if (r !== null) kept.push(r);
    else dropped++;
  }
  // In place (the caller holds the array), without spreading a large scan's targets into arguments.
  out.targets.length = 0;
  for (const t of kept) out.targets.push(t);
  for (const a of added) out.targets.push(a.target);
  const count = (path: string, n: number) => {
    const rec = out.inputs.find((i) => i.path === path && i.status === 'parsed');
    if (rec?.targets !== undefined) rec.targets += n;
  };
  count(over.file.path, -dropped);
  for (const a of added) count(a.file, 1);
}

/**
 * A base service the override does not mention still reads the pair's top-level definitions: when it
 * mounts a volume, or reads a secret or config, that the override defines, it is built again.
 */
function readsOverrideDefinitions(c: ComposeContainerData, over: ComposeFileState): boolean {
  return c.mounts.some((m) => m.volumeType === 'volume' && over.volumes.has(m.volume)) || c.objects.some((u) => over.objects.some((o) => o.kind === u.kind && o.name === u.source));
}

/** A kept target of the base file moved to the pair's project (the override's `name:`): id, name, boundary and data. */
function inProject(t: Target<object>, from: string, to: string): void {
  if (from === to) return;
  const move = (id: string) => (id.startsWith(`compose:${from}/`) ? `compose:${to}/${id.slice(`compose:${from}/`.length)}` : id);
  t.id = move(t.id);
  if (t.parentId) t.parentId = move(t.parentId);
  if (t.name.startsWith(`${from}/`)) t.name = `${to}/${t.name.slice(from.length + 1)}`;
  t.boundary = to;
  if ('project' in t.data) (t.data as { project: string }).project = to;
}

type Tag = { path: string[]; tag: '!reset' | '!override' };

/**
 * `!reset` and `!override` on values of the override's services (the Compose Specification's merge
 * tags): the YAML reader drops tags, so the override file is read once more for them, only when its
 * text has one. Paths are relative to the service (`['cap_drop']`, `['environment', 'FOO']`).
 */
function mergeTags(file: SourceFile): Map<string, Tag[]> {
  const out = new Map<string, Tag[]>();
  if (!file.text.includes('!reset') && !file.text.includes('!override')) return out;
  const Y = vendor('yaml');
  const doc = Y.parseDocument(file.text, { uniqueKeys: false, prettyErrors: false, strict: false, merge: true });
  const services = Y.isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
  if (!Y.isMap(services)) return out;
  const walk = (node: unknown, path: string[], into: Tag[]): void => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === '!reset' || tag === '!override') into.push({ path, tag });
    else if (Y.isMap(node)) for (const pair of node.items) walk(pair.value, [...path, String(Y.isScalar(pair.key) ? pair.key.value : pair.key)], into);
  };
  for (const pair of services.items) {
    const tags: Tag[] = [];
    walk(pair.value, [], tags);
    const name = String(Y.isScalar(pair.key) ? pair.key.value : pair.key);
    if (tags.length) out.set(name, tags.filter((t) => t.path.length > 0));
  }
  return out;
}

/**
 * Applies the merge tags before the merge: `!override` takes the override's value whole (the base's is
 * dropped), `!reset` removes the value from both (the field is unset, or a variable is removed).
 */
function applyTags(base: Obj, over: { value: Obj; prov: Provenance }, tags: Tag[]): [Obj, { value: Obj; prov: Provenance }] {
  let b = base;
  let o = over.value;
  for (const { path, tag } of tags) {
    b = without(b, path);
    if (tag === '!reset') o = without(o, path);
  }
  return [b, { value: o, prov: over.prov }];
}

/** A copy of `value` without `path` (a mapping key, or a variable of a KEY=VALUE list); the original is not changed. */
function without(value: Obj, path: string[]): Obj {
  const [key, ...rest] = path as [string, ...string[]];
  if (!(key in value)) return value;
  const copy: Obj = { ...value };
  if (rest.length === 0) delete copy[key];
  else if (isObj(value[key])) copy[key] = without(value[key] as Obj, rest);
  else if (Array.isArray(value[key]) && rest.length === 1) copy[key] = (value[key] as unknown[]).filter((item) => typeof item !== 'string' || item.split('=')[0]!.trim() !== rest[0]);
  return copy;
}

function inBase(b: { value: Obj; prov: Provenance }, base: ComposeFileState): { value: Obj; prov: Provenance } {
  return { value: b.value, prov: inFile(b.prov, base.locator) };
}

function reader(file: ComposeFileState, name: string, prov: Provenance): FieldReader {
  const servicePath: SourcePath = ['services', name];
  return new FieldReader(file.locator, servicePath, (path) => resolveSource(prov, path).path, undefined, (path) => resolveSource(prov, path).locator);
}

/** The ids the collector gave a service's workload, container and egress targets (`…@<file>`), in serviceTargets' order. */
function idsOf(file: ComposeFileState, name: string): [string, string, string] {
  const workload = `compose:${file.project}/${name}`;
  return [`${workload}@${file.file.path}`, `${workload}#container=${name}@${file.file.path}`, `${workload}#network@${file.file.path}`];
}

function withIds(targets: Target<object>[], file: ComposeFileState): Target<object>[] {
  for (const t of targets) {
    t.id = `${t.id}@${file.file.path}`;
    if (t.parentId) t.parentId = `${t.parentId}@${file.file.path}`;
  }
  return targets;
}

function describeInput(out: CollectedCompose, path: string, detail: string): void {
  const rec = out.inputs.find((i) => i.path === path && i.status === 'parsed');
  if (rec && rec.format === composeHandler.format) rec.format = `${composeHandler.format} (${detail})`;
}

/** A pair whose merged service cannot be read (a value of one file the other's makes invalid): an input error, never a pass. */
function failInput(out: CollectedCompose, pair: OverridePair, err: InputError): void {
  const rec = out.inputs.find((i) => i.path === (err.file === pair.base ? pair.base : pair.override) && i.status === 'parsed');
  if (!rec) return;
  rec.status = 'error';
  rec.error = `${err.message} (merging ${pair.override} into ${pair.base})`;
  if (err.line) rec.line = err.line;
  for (const item of composeHandler.items) out.inputErrorItems.add(item);
}
