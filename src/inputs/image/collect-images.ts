import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { type Collected, emptyCollected } from '../collect.js';
import type { ChecklistId } from '../../model/checklist.js';
import { EngineError, engineFailure } from '../docker/engine.js';
import type { FileScanner } from './layer-scan.js';
import type { ImageLimits } from './limits.js';
import { normalizeImage, type ImageTargets, type PairDetectors } from './normalize.js';
import { ImageReadError, readImagePath, readImageStream } from './read-image.js';
import { isImageReference } from './reference-syntax.js';
import type { ImageScan, Platform } from './types.js';
import { shownPath } from '../../util/shown-path.js';

/** Checklist items an image gives evidence for: an unreadable image makes them `error`. */
export const IMAGE_ITEMS: ChecklistId[] = ['image-hardening', 'key-storage', 'supply-chain'];

export interface CollectImageOptions {
  platform: Platform;
  scanFile: FileScanner;
  detectors: PairDetectors;
  /** Read every text file for provider-format secrets (`--all-files`). */
  allFiles?: boolean;
  limits?: Partial<ImageLimits>;
  cwd?: string;
  /** Connects on first use (only when an argument is not a path). */
  engine?: () => Promise<{ docker: Docker; url: string }>;
  /** Also emit the container target built from the image config (sandcheck image; not for docker --images). */
  containers?: boolean;
  /** Archive bytes for the argument `-` (default: process.stdin). */
  stdin?: AsyncIterable<Uint8Array>;
  /** Trusted base images, for provenance by digest match. */
  bases?: { name: string; diffIds: string[] }[];
}

// One definition of an empty collection (src/inputs/collect.ts), re-exported for the docker input.
export { emptyCollected };

/** A missing path that cannot be a reference either: said so, rather than asking the engine for it. */
const NOT_FOUND = 'no such file or folder, and not an image reference';

/** Reads every argument (a path if it exists, else an image reference from the engine) into targets. */
export async function collectImages(args: string[], opts: CollectImageOptions): Promise<Collected> {
  const out = emptyCollected();
  const cwd = opts.cwd ?? process.cwd();
  for (const arg of args) {
    if (arg === '-') {
      // `docker save img | sandcheck image -`
      const stdin = opts.stdin ?? (process.stdin as unknown as AsyncIterable<Uint8Array>);
      await collectOne(out, '<stdin>', () => readImageStream('<stdin>', stdin, 'file', opts), null, opts);
      continue;
    }
    const abs = resolve(cwd, arg);
    if (existsSync(abs)) {
      // `sandcheck image .` (an OCI layout as the working directory) is named `.`, not by its absolute path.
      const display = shownPath(abs, cwd);
      await collectOne(out, display, () => readImagePath(display, abs, opts), null, opts);
    } else if (pathWithTag(abs)) {
      // `layout:v2` / `images.tar:repo:tag`, as skopeo names them: one tagged image of a path.
      const { path, tag } = pathWithTag(abs)!;
      const display = `${shownPath(path, cwd)}:${tag}`;
      await collectOne(out, display, () => readImagePath(display, path, { ...opts, tag }), null, opts);
    } else {
      if (!opts.engine || !isImageReference(arg)) {
        recordError(out, arg, `${arg}: ${opts.engine ? NOT_FOUND : 'no such file or folder'}`);
        continue;
      }
      const { docker } = await asReference(arg, opts.engine());
      // Named by its id (`a99c58427680`, `sha256:…`): not a reference anyone deploys by; its tags are.
      await collectOne(out, arg, () => readEngineImage(docker, arg, opts), (scan) => (namesImageId(arg, scan.configDigest) ? null : arg), opts);
    }
  }
  return out;
}

/** An archive's name (`worker.tar`, `img.tar.gz`): when no such file exists, it is most likely a typo, not a reference. */
const ARCHIVE_NAME = /\.(?:tar|tgz|tar\.gz|tar\.zst|oci)$/i;

/**
 * The engine a missing path was sent to as an image reference: when it cannot be reached and the
 * argument reads as an archive's name, the error says why the engine was asked at all (a mistyped
 * `worker.tra` or `./build/worker.tar` run from the wrong folder otherwise reads as a Docker problem).
 */
async function asReference<T>(arg: string, engine: Promise<T>): Promise<T> {
  try {
    return await engine;
  } catch (err) {
    if (err instanceof EngineError && ARCHIVE_NAME.test(arg)) throw new EngineError(`${err.message} (${arg} is no file here, so it was taken as an image reference)`);
    throw err;
  }
}

/** `arg` is the image's id or a prefix of it as `docker images` shows one (12 hex characters or more). */
function namesImageId(arg: string, configDigest: string): boolean {
  const hex = arg.startsWith('sha256:') ? arg.slice(7) : arg;
  return /^[0-9a-f]{12,64}$/.test(hex) && configDigest.startsWith(`sha256:${hex}`);
}

async function collectOne(out: Collected, display: string, read: () => Promise<ImageScan[]>, referenceOf: string | null | ((scan: ImageScan) => string | null), opts: CollectImageOptions): Promise<void> {
  let scans: ImageScan[];
  try {
    scans = await read();
  } catch (err) {
    if (err instanceof EngineError) throw err;
    const message = err instanceof ImageReadError ? err.message : `${display}: ${(err as Error).message}`;
    recordError(out, display, message);
    return;
  }
  let count = 0;
  for (const scan of scans) {
    const reference = typeof referenceOf === 'function' ? referenceOf(scan) : referenceOf;
    const t = normalizeImage(scan, { reference, detectors: opts.detectors, bases: opts.bases });
    count += addTargets(out, t, opts.containers !== false);
  }
  out.inputs.push({ path: display, format: scans[0]?.source ?? null, status: 'parsed', targets: count });
}

/** Reads trusted base images (paths or references) into their layer diff_ids. */
export async function readBases(args: string[], opts: CollectImageOptions): Promise<{ name: string; diffIds: string[] }[]> {
  const out: { name: string; diffIds: string[] }[] = [];
  const cwd = opts.cwd ?? process.cwd();
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    let scans: ImageScan[];
    if (existsSync(abs)) scans = await readImagePath(arg, abs, opts);
    else if (opts.engine && isImageReference(arg)) scans = await readEngineImage((await asReference(arg, opts.engine())).docker, arg, opts);
    else throw new ImageReadError(arg, NOT_FOUND);
    for (const s of scans) out.push({ name: arg, diffIds: s.layers.map((l) => l.diffId) });
  }
  return out;
}

/** `/x/layout:v2` → the existing path `/x/layout` and tag `v2` (also `archive.tar:repo/name:tag`). */
function pathWithTag(abs: string): { path: string; tag: string } | null {
  for (let i = abs.indexOf(':'); i > 0; i = abs.indexOf(':', i + 1)) {
    const path = abs.slice(0, i);
    const tag = abs.slice(i + 1);
    if (tag && looksLikeImagePath(path)) return { path, tag };
  }
  return null;
}

/** A file, or a folder holding an image layout: so `worker:1.4` stays a reference when ./worker is source code. */
function looksLikeImagePath(path: string): boolean {
  try {
    const st = statSync(path);
    if (st.isFile()) return true;
    return st.isDirectory() && ['index.json', 'manifest.json'].some((f) => existsSync(join(path, f)));
  } catch {
    return false;
  }
}

export function addTargets(out: Collected, t: ImageTargets, containers: boolean): number {
  // The same image named twice (a path and its tag, or two tags of one id in one archive) is one target.
  if (out.targets.some((x) => x.id === t.image.id)) return 0;
  out.targets.push(t.image);
  if (containers) out.targets.push(t.container);
  return containers ? 2 : 1;
}

function recordError(out: Collected, path: string, error: string): void {
  out.inputs.push({ path, format: 'image', status: 'error', error });
  for (const item of IMAGE_ITEMS) out.inputErrorItems.add(item);
}

/**
 * An image from the engine: inspect (id, RepoDigests), then stream the engine's export (the same bytes
 * as `docker save`) through the reader. Nothing is written to disk.
 */
export async function readEngineImage(docker: Docker, ref: string, opts: CollectImageOptions): Promise<ImageScan[]> {
  const image = docker.getImage(ref);
  let info: Docker.ImageInspectInfo;
  try {
    info = await image.inspect();
  } catch (err) {
    const e = err as { statusCode?: number };
    if (e.statusCode === 404) throw new ImageReadError(ref, 'no such image in the Docker engine (sandcheck does not pull)');
    throw new EngineError(engineFailure(null, err));
  }
  let stream: NodeJS.ReadableStream;
  try {
    stream = await image.get();
  } catch (err) {
    throw new EngineError(engineFailure(null, err));
  }
  const scans = await readImageStream(ref, stream as unknown as AsyncIterable<Uint8Array>, 'engine', opts);
  const mine = scans.filter((s) => s.configDigest === info.Id);
  const chosen = mine.length ? mine : scans;
  for (const s of chosen) {
    s.repoDigests = info.RepoDigests ?? [];
    if (!s.tags.length) s.tags = info.RepoTags ?? [];
  }
  return chosen;
}
