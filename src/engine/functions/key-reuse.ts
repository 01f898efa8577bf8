import { projectDotenv } from '../../inputs/compose/pairs.js';
import { boundaryOf } from '../../analyzers/secrets/boundaries.js';
import { SECRET_SOURCE_KINDS, reportableSecretsOf } from '../../analyzers/secrets/targets.js';
import { formatLocation, type Location } from '../../model/location.js';
import type { SecretObjectData } from '../../model/secret-object.js';
import { locate, pointerOf, type Target } from '../../model/target.js';
import type { ContainerData } from '../../model/workload.js';
import { NOT_APPLICABLE, type Inventory, type RuleFunction, type Violation } from '../types.js';
import { compareText } from '../../util/compare.js';

/** One use of a key: a literal (by fingerprint) or a reference to one secret object or store entry. */
interface Use {
  identity: string;
  /** For messages: `key ****:3f9c0e12ab77`, `Secret sandbox/env-key`, `store key vault/anthropic`. */
  label: string;
  boundary: string | null;
  targetId: string;
  pointer: string;
  location: Location;
}

interface Index {
  byIdentity: Map<string, Use[]>;
  byTarget: Map<string, Use[]>;
  boundaries: Set<string>;
}

const indexes = new WeakMap<Inventory, Index>();

function usesOf(t: Target<object>, inventory: Inventory): Omit<Use, 'boundary'>[] {
  const out: Omit<Use, 'boundary'>[] = [];
  for (const s of reportableSecretsOf(t, inventory)) {
    out.push({ identity: `fp:${s.fingerprint}`, label: `Key ${s.fingerprint}`, targetId: t.id, pointer: s.pointer, location: s.location });
  }
  if (t.kind === 'container' && t.platform === 'kubernetes') {
    const d = t.data as ContainerData;
    const parent = t.parentId ? inventory.byId(t.parentId) : undefined;
    const ns = ((parent?.data as { namespace?: string | null } | undefined)?.namespace ?? t.boundary ?? 'default') || 'default';
    const ref = (name: string | null, pointer: string) => {
      if (!name) return;
      out.push({ identity: `k8s-secret:${ns}/${name}`, label: `Secret ${ns}/${name}`, targetId: t.id, pointer, location: locate(t, pointer) });
    };
    d.env.forEach((e, i) => e.valueFrom?.kind === 'secret' && ref(e.valueFrom.name, pointerOf('env', i)));
    d.envFrom.forEach((e, i) => e.kind === 'secret' && ref(e.name, pointerOf('envFrom', i)));
  }
  if (t.kind === 'secret') {
    const d = t.data as SecretObjectData;
    d.remoteKeys.forEach((k, i) => {
      const pointer = pointerOf('remoteKeys', i);
      out.push({ identity: `store:${d.store ?? '?'}:${k}`, label: `Store key ${d.store ?? '?'} ${k}`, targetId: t.id, pointer, location: locate(t, pointer) });
    });
  }
  return out;
}

function buildIndex(inventory: Inventory): Index {
  const lookup = { byId: inventory.byId, trustBoundaries: inventory.config.trustBoundaries, configFile: inventory.config.file };
  const index: Index = { byIdentity: new Map(), byTarget: new Map(), boundaries: new Set() };
  const envFileUsers = envFileBoundaries(inventory, lookup);
  for (const t of inventory.targets) {
    const own = boundaryOf(t, lookup);
    // A loose env file belongs to every compose project whose services load it with env_file.
    // A file named by a compose secret/config `file:` belongs to the project(s) that name it, the same way.
    const boundaries = own === null && (t.kind === 'envfile' || t.kind === 'textfile') && t.file ? [...(envFileUsers.get(t.file) ?? [null])] : [own];
    for (const b of boundaries) if (b !== null) index.boundaries.add(b);
    if (!(SECRET_SOURCE_KINDS as readonly string[]).includes(t.kind)) continue;
    for (const u of usesOf(t, inventory)) for (const boundary of boundaries) {
      const use = { ...u, boundary };
      const list = index.byIdentity.get(use.identity) ?? [];
      // The same place seen twice (a value reported by two detectors) is one use.
      if (!list.some((x) => x.targetId === use.targetId && x.pointer === use.pointer && x.location.line === use.location.line && x.boundary === use.boundary)) list.push(use);
      index.byIdentity.set(use.identity, list);
      const mine = index.byTarget.get(t.id) ?? [];
      mine.push(use);
      index.byTarget.set(t.id, mine);
    }
  }
  return index;
}

/** env file display path → boundaries of the compose services that name it in env_file or read it for interpolation (the `.env` beside their compose file), or of a compose project naming it in secrets/configs `file:`. */
function envFileBoundaries(inventory: Inventory, lookup: Parameters<typeof boundaryOf>[1]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of inventory.byKind('container')) {
    if (c.platform !== 'compose') continue;
    const boundary = boundaryOf(c, lookup);
    if (boundary === null) continue;
    // docker compose interpolates the compose file from the `.env` beside it: that file is the project's too.
    if (c.file) {
      const dotenv = projectDotenv(c.file);
      out.set(dotenv, (out.get(dotenv) ?? new Set<string>()).add(boundary));
    }
    for (const ref of (c.data as { envFiles?: { file: string }[] }).envFiles ?? []) {
      const set = out.get(ref.file) ?? new Set<string>();
      set.add(boundary);
      out.set(ref.file, set);
    }
  }
  for (const t of inventory.byKind('envfile')) {
    if (t.platform !== 'compose') continue;
    const boundary = boundaryOf(t, lookup);
    if (boundary === null) continue;
    for (const ref of (t.data as { valueFiles?: { file: string }[] }).valueFiles ?? []) out.set(ref.file, (out.get(ref.file) ?? new Set<string>()).add(boundary));
  }
  return out;
}

function placeOf(u: Use): string {
  return formatLocation(u.location) || u.targetId;
}

/**
 * Every place of one key, by boundary: boundaries in code-point order, each with its places in order
 * (`namespace blue (blue.yaml:16) and namespace red (red.yaml:16 [here], red.yaml:40)`), the finding's
 * own place marked; places outside any boundary after them, apart, since they are not counted.
 */
export function describePlaces(all: Use[], here: Use): string {
  // By file (or uri), then line as a number (pod.yaml:9 before pod.yaml:10), then the text.
  const sorted = [...all].sort(
    (a, b) => compareText(a.location.file ?? a.location.uri ?? a.targetId, b.location.file ?? b.location.uri ?? b.targetId) || (a.location.line ?? 0) - (b.location.line ?? 0) || compareText(placeOf(a), placeOf(b)),
  );
  const byBoundary = new Map<string | null, Set<string>>();
  for (const u of sorted) {
    const set = byBoundary.get(u.boundary) ?? new Set<string>();
    set.add(placeOf(u));
    byBoundary.set(u.boundary, set);
  }
  const hereAt = placeOf(here);
  const list = (b: string | null) =>
    [...byBoundary.get(b)!].map((p) => (b === here.boundary && p === hereAt ? `${p} [here]` : p)).join(', ');
  const named = [...byBoundary.keys()].filter((b): b is string => b !== null).sort(compareText);
  const inside = named.map((b) => `${b} (${list(b)})`);
  const text = inside.length > 1 ? `${inside.slice(0, -1).join(', ')} and ${inside[inside.length - 1]}` : (inside[0] ?? '');
  return byBoundary.has(null) ? `${text}; also outside any trust boundary: ${list(null)}` : text;
}

/**
 * workload-isolation: the same key (same fingerprint, across every input of the run) or the same
 * secret object / store entry used in more than one trust boundary. Every place is named. With fewer
 * than two boundaries in the scan there is nothing to compare: not applicable (item not-assessed).
 */
export const keyReuse: RuleFunction<Record<string, never>> = {
  name: 'keyReuse',
  description: 'The same key or secret object used in more than one trust boundary (namespaces, compose projects, or trustBoundaries in sandcheck.yaml).',
  options: { type: 'object', additionalProperties: false, properties: {} },
  run(_node, _options, ctx) {
    let index = indexes.get(ctx.inventory);
    if (!index) {
      index = buildIndex(ctx.inventory);
      indexes.set(ctx.inventory, index);
    }
    if (index.boundaries.size < 2) return NOT_APPLICABLE;
    const mine = (index.byTarget.get(ctx.target.id) ?? []).filter((u) => u.boundary !== null);
    if (mine.length === 0) return NOT_APPLICABLE;
    const out: Violation[] = [];
    const seen = new Set<string>();
    // Several uses on one line are one finding; the key counts uses per pointer, not lines, so
    // fingerprints survive line moves.
    const perPointer = new Map<string, number>();
    for (const u of mine) {
      const all = index.byIdentity.get(u.identity) ?? [];
      const boundaries = new Set(all.map((x) => x.boundary).filter((b) => b !== null));
      if (boundaries.size < 2 || seen.has(`${u.identity}@${u.location.line}`)) continue;
      seen.add(`${u.identity}@${u.location.line}`);
      const k = `${u.identity}|${u.pointer}`;
      const n = perPointer.get(k) ?? 0;
      perPointer.set(k, n + 1);
      out.push({
        pointer: u.pointer,
        location: u.location,
        key: `${u.identity}#${n}`,
        data: { what: u.label, boundary: u.boundary!, count: boundaries.size, places: describePlaces(all, u) },
        evidence: { ...(u.identity.startsWith('fp:') ? { fingerprint: u.identity.slice(3) } : {}), boundaries: [...boundaries].join(', ') },
      });
    }
    return out;
  },
};
