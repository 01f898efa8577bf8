import type { ArchiveContents } from './archive-reader.js';
import type { ImageScan, ImageSourceKind, LayerSummary, Platform } from './types.js';
import { describeJsonSyntaxError, parseJsonInput } from '../json-error.js';
import { isObj as isObject } from '../../util/objects.js';

/** Where the resolver gets JSON members and layer summaries from: a streamed archive or a layout directory. */
export interface BlobStore {
  json(path: string): Promise<{ buf: Buffer; digest: string } | null>;
  layer(path: string): Promise<LayerSummary | null>;
  /** Present but neither JSON nor a layer. */
  isOther(path: string): boolean;
}

export class ImageFormatError extends Error {}

export interface ResolveOptions {
  source: ImageSourceKind;
  input: string;
  platform: Platform;
  maxLayers: number;
  /** `PATH:TAG`: only the image with this tag (RepoTags, ref.name or io.containerd.image.name). */
  tag?: string | null;
}

/** `v2` matches `v2`, `repo:v2` and `registry/repo:v2`; `repo:v2` matches exactly. */
function tagMatches(want: string, have: string): boolean {
  return have === want || (!want.includes(':') && have.endsWith(`:${want}`));
}

const ATTESTATION = 'attestation-manifest';
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new ImageFormatError(`--platform must be os/arch[/variant], got "${text}"`);
  }
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
}

export function formatPlatform(p: Partial<Platform>): string {
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

function platformMatches(want: Platform, got: Partial<Platform> | undefined): boolean {
  if (!got) return true;
  if (got.os !== want.os || got.architecture !== want.architecture) return false;
  if (want.variant && got.variant && want.variant !== got.variant) return false;
  return true;
}

function parseJson(buf: Buffer, what: string): unknown {
  // V8's message quotes the text around the error: an image config's Env values.
  return parseJsonInput(buf.toString('utf8'), (e) => new ImageFormatError(`${what} is not valid JSON: ${describeJsonSyntaxError(e)}`));
}

function blobPath(digest: unknown, what: string): string {
  if (typeof digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
    throw new ImageFormatError(`${what} has an invalid digest`);
  }
  const [alg, hex] = digest.split(':') as [string, string];
  return `blobs/${alg}/${hex}`;
}

/** A blob stored under `blobs/sha256/<hex>` is content-addressed: its bytes must hash to its name. */
function checkNamedDigest(path: string, actual: string): void {
  const m = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/.exec(path);
  if (m && actual && actual !== `sha256:${m[1]}`) throw new ImageFormatError(`${path}: content does not match its digest (tampered or truncated)`);
}

async function needJson(store: BlobStore, path: string, what: string): Promise<{ value: unknown; digest: string }> {
  const j = await store.json(path);
  if (!j) throw new ImageFormatError(`${what} (${path}) is missing`);
  checkNamedDigest(path, j.digest);
  return { value: parseJson(j.buf, `${what} (${path})`), digest: j.digest };
}

async function needLayer(store: BlobStore, path: string, index: number): Promise<LayerSummary> {
  const l = await store.layer(path);
  if (l) {
    checkNamedDigest(path, l.digest);
    return l;
  }
  if (store.isOther(path)) throw new ImageFormatError(`layer ${index} (${path}) is not a tar, gzip or zstd blob`);
  throw new ImageFormatError(`layer ${index} (${path}) is listed in the manifest but missing from the input`);
}

/** Checks the layers against config.rootfs.diff_ids: a mismatch means a tampered or truncated input. */
function checkDiffIds(config: Record<string, unknown>, layers: LayerSummary[]): void {
  const rootfs = isObject(config['rootfs']) ? config['rootfs'] : null;
  const diffIds = rootfs && Array.isArray(rootfs['diff_ids']) ? (rootfs['diff_ids'] as unknown[]) : null;
  if (!diffIds) return; // some hand-made configs have none; nothing to check against
  if (diffIds.length !== layers.length) {
    throw new ImageFormatError(`the config lists ${diffIds.length} layers (rootfs.diff_ids) but the manifest ${layers.length}`);
  }
  layers.forEach((l, i) => {
    if (diffIds[i] !== l.diffId) {
      throw new ImageFormatError(`layer ${i + 1} (${l.blob}) does not match rootfs.diff_ids[${i}]: the input is tampered with or truncated`);
    }
  });
}

export async function resolveImages(store: BlobStore, opts: ResolveOptions): Promise<ImageScan[]> {
  const dockerManifest = await store.json('manifest.json');
  if (dockerManifest) return resolveDockerSave(store, parseJson(dockerManifest.buf, 'manifest.json'), opts);
  const index = await store.json('index.json');
  if (index) return resolveOci(store, parseJson(index.buf, 'index.json'), opts);
  throw new ImageFormatError('neither manifest.json (docker save) nor index.json (OCI layout) found');
}

async function resolveDockerSave(store: BlobStore, manifest: unknown, opts: ResolveOptions): Promise<ImageScan[]> {
  if (!Array.isArray(manifest) || manifest.length === 0) throw new ImageFormatError('manifest.json is not a non-empty array');
  const images: ImageScan[] = [];
  const tags = new Set<string>();
  for (const [i, item] of manifest.entries()) {
    if (!isObject(item) || typeof item['Config'] !== 'string' || !Array.isArray(item['Layers'])) {
      throw new ImageFormatError(`manifest.json[${i}] lacks Config or Layers`);
    }
    const repoTags = Array.isArray(item['RepoTags']) ? (item['RepoTags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [];
    repoTags.forEach((t) => tags.add(t));
    if (opts.tag && !repoTags.some((t) => tagMatches(opts.tag!, t))) continue;
    const layerPaths = item['Layers'] as unknown[];
    if (layerPaths.length > opts.maxLayers) throw new ImageFormatError(`manifest.json[${i}] has more than ${opts.maxLayers} layers`);
    const { value: config, digest: configDigest } = await needJson(store, item['Config'], 'the image config');
    if (!isObject(config)) throw new ImageFormatError(`the image config (${item['Config']}) is not an object`);
    const layers: LayerSummary[] = [];
    for (const [j, p] of layerPaths.entries()) {
      if (typeof p !== 'string') throw new ImageFormatError(`manifest.json[${i}].Layers[${j}] is not a path`);
      layers.push(await needLayer(store, p, j + 1));
    }
    checkDiffIds(config, layers);
    images.push({
      source: opts.source,
      input: opts.input,
      tags: repoTags,
      repoDigests: [],
      configDigest,
      manifestDigest: null,
      configMediaType: 'application/vnd.docker.container.image.v1+json',
      config,
      layers,
      annotations: {},
      attestations: false,
    });
  }
  if (opts.tag && images.length === 0) throw new ImageFormatError(`no image tagged ${opts.tag} (tags found: ${[...tags].join(', ') || 'none'})`);
  return images;
}

interface Candidate {
  manifestPath: string;
  descriptor: Record<string, unknown>;
  annotations: Record<string, string>;
}

async function resolveOci(store: BlobStore, index: unknown, opts: ResolveOptions): Promise<ImageScan[]> {
  if (!isObject(index) || !Array.isArray(index['manifests'])) throw new ImageFormatError('index.json has no manifests array');
  const candidates: Candidate[] = [];
  const seenPlatforms: string[] = [];
  const seenTags: string[] = [];
  let attestations = false;

  const walk = async (idx: Record<string, unknown>, where: string, depth: number, inherited: Record<string, string>) => {
    if (depth > 4) throw new ImageFormatError(`${where}: image indexes nested too deep`);
    for (const [i, d] of (idx['manifests'] as unknown[]).entries()) {
      if (!isObject(d)) throw new ImageFormatError(`${where}.manifests[${i}] is not an object`);
      const ann = stringMap(d['annotations']);
      const merged = { ...inherited, ...ann };
      if (ann['vnd.docker.reference.type'] === ATTESTATION) {
        attestations = true;
        continue;
      }
      const path = blobPath(d['digest'], `${where}.manifests[${i}]`);
      if (typeof d['mediaType'] === 'string' && INDEX_TYPES.has(d['mediaType'])) {
        const nested = await needJson(store, path, 'a nested image index');
        checkDigest(nested.digest, d['digest'], path);
        if (!isObject(nested.value) || !Array.isArray(nested.value['manifests'])) throw new ImageFormatError(`${path} is not an image index`);
        await walk(nested.value, path, depth + 1, merged);
        continue;
      }
      const platform = isObject(d['platform']) ? (d['platform'] as Partial<Platform>) : undefined;
      if (platform) seenPlatforms.push(formatPlatform(platform));
      if (platform?.os === 'unknown' && platform.architecture === 'unknown') continue;
      if (!platformMatches(opts.platform, platform)) continue;
      const name = merged['io.containerd.image.name'] ?? merged['org.opencontainers.image.ref.name'];
      if (name) seenTags.push(name);
      if (opts.tag && !(name && tagMatches(opts.tag, name))) continue;
      candidates.push({ manifestPath: path, descriptor: d, annotations: merged });
    }
  };
  await walk(index, 'index.json', 0, {});

  const images: ImageScan[] = [];
  for (const c of candidates) {
    const m = await needJson(store, c.manifestPath, 'the image manifest');
    checkDigest(m.digest, c.descriptor['digest'], c.manifestPath);
    const manifest = m.value;
    if (!isObject(manifest) || !isObject(manifest['config']) || !Array.isArray(manifest['layers'])) {
      throw new ImageFormatError(`${c.manifestPath} is not an image manifest (config and layers expected)`);
    }
    const configDesc = manifest['config'] as Record<string, unknown>;
    const configPath = blobPath(configDesc['digest'], `${c.manifestPath} config`);
    const { value: config, digest: configDigest } = await needJson(store, configPath, 'the image config');
    checkDigest(configDigest, configDesc['digest'], configPath);
    if (!isObject(config)) throw new ImageFormatError(`the image config (${configPath}) is not an object`);
    if (!c.descriptor['platform']) {
      // No platform on the descriptor: the config says which one it is.
      const got = { os: String(config['os'] ?? ''), architecture: String(config['architecture'] ?? ''), variant: config['variant'] as string | undefined };
      seenPlatforms.push(formatPlatform(got));
      if (got.os && got.architecture && !platformMatches(opts.platform, got)) continue;
    }
    const descs = manifest['layers'] as unknown[];
    if (descs.length > opts.maxLayers) throw new ImageFormatError(`${c.manifestPath} has more than ${opts.maxLayers} layers`);
    const layers: LayerSummary[] = [];
    for (const [j, ld] of descs.entries()) {
      if (!isObject(ld)) throw new ImageFormatError(`${c.manifestPath} layers[${j}] is not a descriptor`);
      const lp = blobPath(ld['digest'], `${c.manifestPath} layers[${j}]`);
      const layer = await needLayer(store, lp, j + 1);
      checkDigest(layer.digest, ld['digest'], lp);
      layers.push(layer);
    }
    checkDiffIds(config, layers);
    const tag = c.annotations['io.containerd.image.name'] ?? c.annotations['org.opencontainers.image.ref.name'];
    images.push({
      source: opts.source,
      input: opts.input,
      tags: tag ? [tag] : [],
      repoDigests: [],
      configDigest,
      manifestDigest: m.digest,
      configMediaType: typeof configDesc['mediaType'] === 'string' ? configDesc['mediaType'] : null,
      config,
      layers,
      annotations: { ...c.annotations, ...stringMap(manifest['annotations']) },
      attestations,
    });
  }
  if (images.length === 0 && opts.tag) {
    throw new ImageFormatError(`no image tagged ${opts.tag} for platform ${formatPlatform(opts.platform)} (tags found: ${[...new Set(seenTags)].join(', ') || 'none'})`);
  }
  if (images.length === 0) {
    const seen = [...new Set(seenPlatforms)].join(', ') || 'none declared';
    throw new ImageFormatError(`no image for platform ${formatPlatform(opts.platform)} in index.json (platforms found: ${seen}); choose one with --platform`);
  }
  return images;
}

function checkDigest(actual: string, declared: unknown, path: string): void {
  if (typeof declared === 'string' && declared.startsWith('sha256:') && actual && actual !== declared) {
    throw new ImageFormatError(`${path}: content does not match its digest (tampered or truncated)`);
  }
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, s] of Object.entries(v)) if (typeof s === 'string') out[k] = s;
  return out;
}

/** A store over a fully streamed archive. */
export function archiveStore(contents: ArchiveContents): BlobStore {
  const resolve = (p: string) => {
    let path = p.replace(/^\.?\//, '');
    for (let i = 0; i < 8 && contents.links.has(path); i++) path = contents.links.get(path)!;
    return path;
  };
  return {
    json: async (p) => contents.json.get(resolve(p)) ?? null,
    layer: async (p) => contents.layers.get(resolve(p)) ?? null,
    isOther: (p) => contents.other.has(resolve(p)),
  };
}
