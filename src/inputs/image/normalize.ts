import { createHash } from 'node:crypto';
import type { Location } from '../../model/location.js';
import { pointerOf, type Target } from '../../model/target.js';
import type { ContainerData, UserInfo } from '../../model/workload.js';
import { parseImageRef } from '../../util/image-ref.js';
import { parseHistory, type HistoryStep } from './history.js';
import type { FileData, ImageConfigData, ImageData, ProvenanceData, SecretData, SecretDropData, SetuidData } from './image-data.js';
import { MergedView } from './merged-view.js';
import { parseGroup, parsePasswd, resolveUser, type GroupEntry, type PasswdEntry } from './passwd.js';
import { keptPair } from './kept-pair.js';
import { GROUP, PASSWD, scoredKind } from './scored-paths.js';
import type { DroppedHit, ImageScan, SecretHit } from './types.js';
import { isObj } from '../../util/objects.js';

/**
 * The detectors the normalizer applies to ENV values and history lines (injected: inputs do not import
 * analyzers). Candidates their filters dropped go into `drops` when someone listens (`--debug-secrets`).
 */
export interface PairDetectors {
  pair(name: string, value: string, drops?: DroppedHit[]): SecretHit[];
  text(text: string, drops?: DroppedHit[]): SecretHit[];
}

export interface NormalizeOptions {
  /** The reference the user asked for (engine images), or null for paths. */
  reference: string | null;
  detectors: PairDetectors;
  /** Trusted base images (`--base`): the image is verified when one's layers are the bottom of it, by digest. */
  bases?: { name: string; diffIds: string[] }[];
}

export interface ImageTargets {
  image: Target<ImageData>;
  container: Target<ContainerData & { fromImage: true }>;
}

export function imageDisplayRef(scan: ImageScan, reference: string | null): string {
  return reference ?? scan.input;
}

export function normalizeImage(scan: ImageScan, opts: NormalizeOptions): ImageTargets {
  const refOrPath = imageDisplayRef(scan, opts.reference);
  const id = `image:${refOrPath}@${scan.configDigest}`;
  const uri = `image://${refOrPath}@${scan.configDigest}`;
  const tag = opts.reference ?? scan.tags[0] ?? null;
  const name = opts.reference ? opts.reference : tag ? `${tag} (${scan.input})` : scan.input;
  const locations = new Map<string, Location>();
  const at = (pointer: string, detail: string) => locations.set(pointer, { uri, pointer, detail });
  at('', 'image config');

  const cfg = (isObj(scan.config['config']) ? scan.config['config'] : {}) as Record<string, unknown>;
  const layers = scan.layers;
  const view = new MergedView(layers);

  // Final /etc/passwd and /etc/group (the topmost visible copy).
  const passwdFile = accountFile(layers, view, PASSWD);
  const groupFile = accountFile(layers, view, GROUP);
  const passwd: PasswdEntry[] | null = passwdFile.text === null ? null : parsePasswd(passwdFile.text);
  const group: GroupEntry[] | null = groupFile.text === null ? null : parseGroup(groupFile.text);

  const userText = typeof cfg['User'] === 'string' ? cfg['User'] : '';
  const effective = resolveUser(userText, passwd, group, passwdFile.unreadable ? { unreadable: passwdFile.unreadable } : 'absent');
  at('/config/user', 'config User');
  at('/config/effectiveUser', 'config User');

  const env = strings(cfg['Env']).map((kv) => {
    const i = kv.indexOf('=');
    return i < 0 ? { name: kv, value: '' } : { name: kv.slice(0, i), value: kv.slice(i + 1) };
  });
  const healthRaw = cfg['Healthcheck'];
  const ociConfig = !!scan.configMediaType && scan.configMediaType.startsWith('application/vnd.oci.');
  const healthcheck: ImageConfigData['healthcheck'] = isObj(healthRaw)
    ? Array.isArray(healthRaw['Test']) && healthRaw['Test'][0] === 'NONE'
      ? { state: 'disabled', reason: 'HEALTHCHECK NONE' }
      : { state: 'present', reason: 'config Healthcheck' }
    : ociConfig
      ? { state: 'unknown', reason: 'the OCI image config cannot carry Healthcheck (converters drop it)' }
      : { state: 'absent', reason: 'no Healthcheck in the image config' };

  const config: ImageConfigData = {
    user: userText,
    effectiveUser: {
      uid: effective.uid,
      gid: effective.gid,
      name: effective.name,
      root: effective.root,
      gidRoot: effective.gidRoot,
      unresolvable: effective.unresolvable,
      reason: effective.reason,
    },
    // Names only: the detectors read the values here, in the normalizer; a target never carries them.
    env: env.map((e) => ({ name: e.name, empty: e.value === '' })),
    entrypoint: stringsOrNull(cfg['Entrypoint']),
    cmd: stringsOrNull(cfg['Cmd']),
    workingDir: typeof cfg['WorkingDir'] === 'string' && cfg['WorkingDir'] ? cfg['WorkingDir'] : null,
    exposedPorts: isObj(cfg['ExposedPorts']) ? Object.keys(cfg['ExposedPorts']) : [],
    volumes: isObj(cfg['Volumes']) ? Object.keys(cfg['Volumes']) : [],
    labels: stringMap(cfg['Labels']),
    healthcheck,
  };
  at('/config/env', 'config Env');
  at('/config/healthcheck', 'config Healthcheck');

  // History
  const steps = parseHistory(scan.config['history']);
  const history = steps.map((s) => ({
    index: s.index,
    step: s.index + 1,
    instruction: s.instruction,
    layer: s.layer,
    emptyLayer: s.emptyLayer,
    buildkit: s.buildkit,
    remoteAdd: s.remoteAdd,
    created: s.created,
    comment: s.comment,
  }));
  for (const s of steps) at(pointerOf('history', s.index), stepPlace(s));

  // Secrets in ENV and history (build args, ENV steps, anything with a provider format).
  const secretDrops: SecretDropData[] = [];
  /** Drops of one place: `line` null for a value with no lines of its own (Env, history). */
  const dropped = (where: string, drops: DroppedHit[], withLines: boolean) => {
    for (const d of drops) secretDrops.push({ where, line: withLines ? d.line : null, detector: d.detector, reason: d.reason, fingerprint: d.fingerprint, ...(d.name ? { name: d.name } : {}) });
  };
  const envSecrets: SecretData[] = [];
  for (const e of env) {
    const drops: DroppedHit[] = [];
    // A key written as the name comes back without one: the name is the secret, so it is not shown.
    for (const h of opts.detectors.pair(e.name, e.value, drops)) envSecrets.push(h.name === undefined ? secret(h, 'an Env entry', 'config Env', null, null) : secret(h, e.name, `config Env ${e.name}`, null, null));
    dropped('config Env', drops, false);
  }
  // Labels are config too (`docker inspect` prints them): a key in one is as exposed as in ENV, and an
  // imported or squashed image has no history step that would show it. The target keeps them for rules
  // (see keptPair), never a secret.
  const labels = config.labels;
  config.labels = {};
  for (const [label, value] of Object.entries(labels)) {
    const drops: DroppedHit[] = [];
    const hits = opts.detectors.pair(label, value, drops);
    for (const h of hits) envSecrets.push(h.name === undefined ? secret(h, 'a label', 'config Labels', null, null) : secret(h, `label ${label}`, `config Labels ${label}`, null, null));
    dropped('config Labels', drops, false);
    const [name, kept] = keptPair(label, value, hits);
    config.labels[name] = kept;
  }
  // OCI manifest and index annotations (`buildx --annotation`, `umoci config --manifest.annotation`): as public as labels.
  const annotations: Record<string, string> = {};
  for (const [annotation, value] of Object.entries(scan.annotations)) {
    const drops: DroppedHit[] = [];
    const hits = opts.detectors.pair(annotation, value, drops);
    for (const h of hits) envSecrets.push(h.name === undefined ? secret(h, 'an annotation', 'manifest annotations', null, null) : secret(h, `manifest annotation ${annotation}`, `manifest annotations ${annotation}`, null, null));
    dropped('manifest annotations', drops, false);
    const [name, kept] = keptPair(annotation, value, hits);
    annotations[name] = kept;
  }
  const historySecrets: SecretData[] = [];
  // The classic builder repeats build args in front of every later RUN: report each secret once, at
  // the first step that records it.
  const seen = new Set<string>();
  // Dropped candidates likewise: the repeated build args would list the same drop at every later RUN.
  const seenDrops = new Set<string>();
  const firstDrop = (d: DroppedHit) => {
    const key = `${d.detector}\0${d.fingerprint}`;
    if (seenDrops.has(key)) return false;
    seenDrops.add(key);
    return true;
  };
  for (const s of steps) {
    const push = (h: SecretHit, name: string) => {
      if (seen.has(h.fingerprint)) return;
      seen.add(h.fingerprint);
      historySecrets.push({ ...secret(h, name, stepPlace(s), null, null), line: null, state: 'recorded in the image history' });
    };
    const drops: DroppedHit[] = [];
    // A hit without a name is a key written as the name: the label leaves it out (see config Env above).
    for (const a of s.buildArgs) for (const h of opts.detectors.pair(a.name, a.value, drops)) push(h, h.name === undefined ? 'build arg' : `build arg ${a.name}`);
    for (const e of s.env) for (const h of opts.detectors.pair(e.name, e.value, drops)) push(h, h.name === undefined ? 'ENV' : `ENV ${e.name}`);
    for (const h of opts.detectors.text(s.createdBy, drops)) push(h, h.name ?? s.instruction);
    dropped(stepPlace(s), drops.filter(firstDrop), false);
  }

  // Files in every layer, with their fate in the final view.
  const files: FileData[] = [];
  const fileSecrets: SecretData[] = [];
  const anomalies: ImageData['anomalies'] = [];
  layers.forEach((l, i) => {
    for (const f of l.files) {
      if (f.kind === 'passwd' || f.kind === 'group') continue;
      const hidden = view.hiddenBy(i, f.path);
      let hardlinkTo = f.hardlinkTo;
      if (hardlinkTo && !l.paths.has(hardlinkTo) && !view.lookup(hardlinkTo, i - 1)) {
        anomalies.push({ layer: i + 1, path: '/' + f.path, kind: 'hardlink-target-missing', detail: `hard link to /${hardlinkTo}, which no layer up to this one has` });
        hardlinkTo = null;
      }
      const data: FileData = {
        path: '/' + f.path,
        layer: i + 1,
        kind: f.kind,
        size: f.size,
        deleted: hidden !== null,
        deletedIn: hidden ? hidden.by + 1 : null,
        hardlinkTo: hardlinkTo ? '/' + hardlinkTo : null,
      };
      files.push(data);
      let hits = f.secrets;
      if (f.hardlinkTo) {
        // The content lives under the link's target: reuse what was found there. A credential name
        // whose content sits under a name that was not read is reported by its name alone.
        const target = findFile(layers, i, f.hardlinkTo);
        if (target) hits = target.secrets;
        else if (scoredKind(f.path)?.strong) hits = [{ detector: 'credential-file', fingerprint: nameFingerprint(f.path), line: null, confidence: 'medium' }];
      }
      for (const h of hits) {
        const where = `layer ${i + 1} /${f.path}${h.line ? `:${h.line}` : ''}${f.hardlinkTo ? ` (hard link to /${f.hardlinkTo})` : ''}`;
        fileSecrets.push(secret(h, h.name ?? '/' + f.path, where, i + 1, '/' + f.path, hidden ? hidden.by + 1 : null));
      }
    }
    for (const d of l.drops ?? []) dropped(`layer ${i + 1} /${d.path}`, d.drops, true);
    for (const a of l.anomalies) anomalies.push({ layer: i + 1, path: '/' + a.path, kind: a.kind, detail: a.detail });
    for (const n of l.notable) {
      const through = view.symlinkAncestor(i, n.path);
      if (through) anomalies.push({ layer: i + 1, path: '/' + n.path, kind: 'write-through-symlink', detail: `written through the symlink /${through} of a lower layer` });
    }
  });
  files.forEach((f, i) => at(pointerOf('files', i), `layer ${f.layer} ${f.path}`));
  fileSecrets.forEach((s, i) => at(pointerOf('secrets', 'files', i), s.where));
  envSecrets.forEach((s, i) => at(pointerOf('secrets', 'env', i), s.where));
  historySecrets.forEach((s, i) => at(pointerOf('secrets', 'history', i), s.where));
  anomalies.forEach((a, i) => at(pointerOf('anomalies', i), `layer ${a.layer} ${a.path}`));

  // setuid/setgid/capabilities that survive into the final view.
  const setuid: SetuidData[] = [];
  layers.forEach((l, i) => {
    for (const n of l.notable) {
      if (n.type !== 'file' && n.type !== 'hardlink') continue;
      const suid = (n.mode & 0o4000) !== 0;
      const sgid = (n.mode & 0o2000) !== 0;
      if (!suid && !sgid && !n.fileCaps) continue;
      if (view.hiddenBy(i, n.path)) continue;
      setuid.push({
        path: '/' + n.path,
        layer: i + 1,
        mode: (n.mode & 0o7777).toString(8).padStart(4, '0'),
        uid: n.uid,
        setuid: suid,
        setgid: sgid,
        fileCaps: n.fileCaps,
      });
    }
  });
  setuid.forEach((s, i) => at(pointerOf('setuid', i), `layer ${s.layer} ${s.path}`));

  // An OCI ref.name may be a bare tag (`v1`): not a reference anyone deploys by.
  const deployRef = opts.reference ?? scan.tags.find((t) => t.includes(':') || t.includes('/')) ?? null;
  const ref = parseImageRef(deployRef);
  const repoDigests = scan.repoDigests;
  const reference = { ...ref, repoDigests, pinned: ref.pinned || repoDigests.length > 0 };
  at('/reference', opts.reference ? 'reference' : 'image tag');

  const provenance = provenanceOf(scan, { ...config.labels, ...annotations }, steps.length > 0 && steps.every((s) => s.instruction === 'NONE'), opts.bases ?? []);
  at('/provenance', 'provenance');

  const data: ImageData = {
    name,
    source: scan.source,
    reference,
    id: scan.configDigest,
    manifestDigest: scan.manifestDigest,
    platform: {
      os: str(scan.config['os']),
      architecture: str(scan.config['architecture']),
      variant: str(scan.config['variant']),
    },
    config,
    history,
    layers: layers.map((l, i) => ({
      index: i + 1,
      digest: l.digest,
      diffId: l.diffId,
      compression: l.compression,
      size: l.size,
      uncompressedSize: l.uncompressedSize,
      entries: l.entryCount,
    })),
    users: passwd ? passwd.map((p) => ({ name: p.name, uid: p.uid, gid: p.gid, shell: p.shell })) : null,
    setuid,
    files,
    secrets: { env: envSecrets, history: historySecrets, files: fileSecrets },
    anomalies,
    provenance,
    ...(secretDrops.length > 0 ? { secretDrops } : {}),
  };

  const image: Target<ImageData> = {
    kind: 'image',
    id,
    name,
    platform: 'image',
    uri,
    data,
    locations,
    suppressions: [],
  };

  const user: UserInfo = {
    uid: effective.uid,
    gid: effective.gid,
    name: effective.name,
    runAsNonRoot: null,
    nonRoot: !effective.root && effective.uid !== null,
    reason: effective.reason,
    source: 'image',
  };
  const containerLocations = new Map<string, Location>([
    ['', { uri, detail: 'image config' }],
    ['/user', { uri, pointer: '/config/user', detail: 'config User' }],
    ['/image', { uri, detail: 'image reference' }],
  ]);
  const container: Target<ContainerData & { fromImage: true }> = {
    kind: 'container',
    id: `${id}#container`,
    name: `${name} › image defaults`,
    platform: 'image',
    uri,
    data: {
      name: tag ?? scan.input,
      role: 'main',
      image: reference,
      user,
      // An image cannot carry runtime settings: these are Docker's defaults, marked by fromImage.
      privileged: false,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: false,
      capabilities: { add: [], drop: [], dropsAll: false },
      seccomp: { type: 'unset', profile: null, source: 'unset' },
      apparmor: { type: 'unset', profile: null, source: 'unset' },
      selinux: { type: null, source: 'unset' },
      mounts: [],
      ports: config.exposedPorts.map((p) => {
        const [port, proto] = p.split('/');
        return { containerPort: Number(port) || null, hostPort: null, hostIp: null, protocol: (proto ?? 'tcp').toUpperCase() };
      }),
      // ENV is reported by the image rules (with the config location); not repeated here.
      env: [],
      envFrom: [],
      fromImage: true,
    },
    locations: containerLocations,
    suppressions: [],
    parentId: id,
  };
  return { image, container };
}

/** `ann`: the labels and manifest annotations as the target keeps them (keptPair: no secret in them). */
function provenanceOf(scan: ImageScan, ann: Record<string, string>, imported: boolean, bases: { name: string; diffIds: string[] }[]): ProvenanceData {
  const baseName = ann['org.opencontainers.image.base.name'] ?? null;
  const baseDigest = ann['org.opencontainers.image.base.digest'] ?? null;
  const signals: string[] = [];
  const missing: string[] = [];
  if (baseName) signals.push(`base image named (${baseName})`);
  if (baseDigest) signals.push('base image digest annotated');
  else missing.push('org.opencontainers.image.base.digest annotation');
  if (ann['org.opencontainers.image.source']) signals.push('source repository annotated');
  if (ann['org.opencontainers.image.revision']) signals.push('source revision annotated');
  if (scan.attestations) signals.push('BuildKit attestation manifest present (not verified offline)');
  else missing.push('build attestation (SLSA provenance)');
  if (scan.manifestDigest || scan.repoDigests.length) signals.push('content digest known');
  // Nothing read offline proves where the layers came from, except a digest match against a base the
  // user trusts: its layer diff_ids must be the bottom of this image's, in order.
  const diffIds = scan.layers.map((l) => l.diffId);
  const base = bases.find((b) => b.diffIds.length > 0 && b.diffIds.length <= diffIds.length && b.diffIds.every((d, i) => d === diffIds[i]));
  if (base) signals.push(`layers 1-${base.diffIds.length} match the trusted base ${base.name} by digest`);
  else missing.unshift(bases.length ? `a match with the trusted base (${bases.map((b) => b.name).join(', ')}): its layers are not the bottom of this image` : 'a trusted base image to match by digest (--base)');
  return {
    verified: !!base,
    signals,
    missing,
    baseName,
    baseDigest,
    attestations: scan.attestations,
    imported,
    base: base ? { name: base.name, layers: base.diffIds.length } : null,
  };
}

/**
 * A history step as findings, locations and --debug-secrets name it: counted from 1, as layers are, so
 * that the step that made a layer reads `history 6 (RUN, layer 4)` (the JSON pointer, /history/5, is
 * an array index and stays 0-based).
 */
function stepPlace(s: HistoryStep): string {
  return `history ${s.index + 1} (${s.instruction}${s.layer ? `, layer ${s.layer}` : ''})`;
}

/** For a credential known by name only (its content was not read): stable, and derived from no secret. */
function nameFingerprint(path: string): string {
  return '****:' + createHash('sha256').update('sandcheck/credential-name\0').update(path).digest('hex').slice(0, 12);
}

const MAX_LINK_SHOWN = 200;

/**
 * The text of an account file (/etc/passwd, /etc/group) in the final view; when something stands there
 * whose content this pass did not keep, `unreadable` says what was found, in words for the user reason:
 * a symlink (the file, or /etc itself) or a hard link whose target is not among the few files a single
 * streaming pass reads (its layer may have gone by before the link was seen). Null `text` and no
 * `unreadable`: the image has no such file.
 */
function accountFile(layers: ImageScan['layers'], view: MergedView, path: string): { text: string | null; unreadable: string | null } {
  const shown = (link: string | null | undefined) => (link ? (link.length > MAX_LINK_SHOWN ? `${link.slice(0, MAX_LINK_SHOWN)}…` : link) : 'a target the archive does not name');
  const linkOf = (p: string, e: { layer: number }) => layers[e.layer]!.notable.find((n) => n.path === p && n.type === 'symlink')?.linkname;
  const notFollowed = 'which sandcheck does not follow in an image';
  const e = view.lookup(path);
  if (!e) {
    const dir = path.slice(0, path.indexOf('/'));
    const d = view.lookup(dir);
    if (d?.type === 'symlink') return { text: null, unreadable: `/${dir} is a symlink to ${shown(linkOf(dir, d))}, ${notFollowed} to find /${path}` };
    return { text: null, unreadable: null };
  }
  if (e.type === 'symlink') return { text: null, unreadable: `/${path} is a symlink to ${shown(linkOf(path, e))}, ${notFollowed}` };
  const f = layers[e.layer]!.files.find((x) => x.path === path);
  if (f?.text != null) return { text: f.text, unreadable: null };
  if (f?.hardlinkTo) {
    const target = findFile(layers, e.layer, f.hardlinkTo);
    if (target?.text != null) return { text: target.text, unreadable: null };
    return { text: null, unreadable: `/${path} is a hard link to /${f.hardlinkTo}, whose content sandcheck does not keep` };
  }
  if (e.type !== 'file') return { text: null, unreadable: `/${path} is a ${e.type}, not a file` };
  return { text: null, unreadable: null };
}

function findFile(layers: ImageScan['layers'], upTo: number, path: string) {
  for (let i = upTo; i >= 0; i--) {
    const f = layers[i]!.files.find((x) => x.path === path && x.hardlinkTo === null);
    if (f) return f;
  }
  return null;
}

function secret(h: SecretHit, name: string, where: string, layer: number | null, path: string | null, deletedIn: number | null = null): SecretData {
  return {
    detector: h.detector,
    fingerprint: h.fingerprint,
    confidence: h.confidence,
    name,
    where,
    layer,
    path,
    deleted: deletedIn !== null,
    deletedIn,
    line: h.line ?? null,
    state:
      deletedIn !== null
        ? `deleted in layer ${deletedIn} but still in the image`
        : path !== null
          ? 'visible in the final filesystem'
          : layer !== null
            ? 'recorded in the image history'
            : 'set in the image config',
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringsOrNull(v: unknown): string[] | null {
  return Array.isArray(v) ? strings(v) : null;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, s] of Object.entries(v)) if (typeof s === 'string') out[k] = s;
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}
