import { createReadStream } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { openBlob, readAll } from './blob.js';
import { readArchiveStream } from './archive-reader.js';
import { scanLayer, LayerError, type FileScanner } from './layer-scan.js';
import { DEFAULT_LIMITS, type ImageLimits } from './limits.js';
import { archiveStore, resolveImages, ImageFormatError, type BlobStore } from './resolve.js';
import { normalizeEntryPath } from './tar-path.js';
import type { ImageScan, ImageSourceKind, LayerSummary, Platform } from './types.js';
import { errnoReason } from '../../util/errno-reason.js';

export interface ReadImageOptions {
  platform: Platform;
  limits?: Partial<ImageLimits>;
  scanFile: FileScanner;
  /** Read every text file up to the per-file cap for provider-format secrets (not only scored names). */
  allFiles?: boolean;
  /** Only the image with this tag (`PATH:TAG`). */
  tag?: string | null;
}

/** Why an image input could not be read; the CLI turns it into one line naming the input, exit 2. */
export class ImageReadError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`${input}: ${reason}`);
    this.name = 'ImageReadError';
  }
}

function limitsOf(opts: ReadImageOptions): ImageLimits {
  return { ...DEFAULT_LIMITS, ...opts.limits };
}

/** Reads every image in a `docker save` archive, an OCI archive, or an OCI layout directory. */
export async function readImagePath(display: string, absPath: string, opts: ReadImageOptions): Promise<ImageScan[]> {
  let st;
  try {
    st = await stat(absPath);
  } catch (err) {
    throw new ImageReadError(display, `cannot read: ${errnoReason(err)}`);
  }
  try {
    if (st.isDirectory()) return await readLayoutDir(display, absPath, opts);
    return await readImageStream(display, createReadStream(absPath, { highWaterMark: 1024 * 1024 }), 'file', opts);
  } catch (err) {
    throw asReadError(display, err);
  }
}

/** Reads images from a stream of archive bytes (a file, or a Docker engine's image export). */
export async function readImageStream(
  display: string,
  source: AsyncIterable<Uint8Array>,
  origin: 'file' | 'engine',
  opts: ReadImageOptions,
): Promise<ImageScan[]> {
  const limits = limitsOf(opts);
  try {
    const contents = await readArchiveStream(source, { limits, scanFile: opts.scanFile, budget: { remaining: limits.maxTotalBytes }, allFiles: opts.allFiles });
    const store = archiveStore(contents);
    const kind: ImageSourceKind = origin === 'engine' ? 'docker-engine' : contents.json.has('manifest.json') ? 'docker-archive' : 'oci-archive';
    return await resolveImages(store, { source: kind, input: display, platform: opts.platform, maxLayers: limits.maxLayers, tag: opts.tag });
  } catch (err) {
    throw asReadError(display, err);
  }
}

async function readLayoutDir(display: string, dir: string, opts: ReadImageOptions): Promise<ImageScan[]> {
  const limits = limitsOf(opts);
  const budget = { remaining: limits.maxTotalBytes };
  const layerCache = new Map<string, LayerSummary | null>();
  const kinds = new Map<string, string>();
  const fileOf = async (p: string): Promise<string | null> => {
    const rel = normalizeEntryPath(p).path;
    if (!rel) return null;
    const abs = join(dir, ...rel.split('/'));
    if (!abs.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
    try {
      const st = await lstat(abs);
      return st.isFile() ? abs : null;
    } catch {
      return null;
    }
  };
  const store: BlobStore = {
    async json(p) {
      const abs = await fileOf(p);
      if (!abs) return null;
      const blob = await openBlob(createReadStream(abs));
      kinds.set(p, blob.kind);
      if (blob.kind !== 'json') {
        blob.chunks[Symbol.asyncIterator]().return?.();
        return null;
      }
      const buf = await readAll(blob.chunks, limits.maxJsonBytes, () => p);
      return { buf, digest: blob.digest() };
    },
    async layer(p) {
      if (layerCache.has(p)) return layerCache.get(p)!;
      const abs = await fileOf(p);
      if (!abs) return null;
      const stream = createReadStream(abs, { highWaterMark: 1024 * 1024 });
      const blob = await openBlob(stream);
      kinds.set(p, blob.kind);
      if (blob.kind !== 'tar' && blob.kind !== 'gzip' && blob.kind !== 'zstd') {
        stream.destroy();
        layerCache.set(p, null);
        return null;
      }
      const summary = await scanLayer(blob, p, { limits, scanFile: opts.scanFile, budget, allFiles: opts.allFiles });
      layerCache.set(p, summary);
      return summary;
    },
    isOther: (p) => kinds.has(p) && kinds.get(p) !== 'json',
  };
  const hasManifest = !!(await fileOf('manifest.json'));
  const hasIndex = !!(await fileOf('index.json'));
  if (!hasManifest && !hasIndex) {
    throw new ImageFormatError('the folder is neither an OCI image layout (index.json) nor an unpacked docker save (manifest.json)');
  }
  return resolveImages(store, { source: hasManifest ? 'docker-archive' : 'oci-layout', input: display, platform: opts.platform, maxLayers: limits.maxLayers, tag: opts.tag });
}

function asReadError(display: string, err: unknown): ImageReadError {
  if (err instanceof ImageReadError) return err;
  if (err instanceof ImageFormatError || err instanceof LayerError) return new ImageReadError(display, err.message);
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR') return new ImageReadError(display, `corrupt gzip data: ${e.message}`);
  if (e && typeof e.message === 'string') {
    if (/Unexpected end of data|unexpected end/i.test(e.message)) return new ImageReadError(display, 'truncated archive (unexpected end of data)');
    return new ImageReadError(display, e.message);
  }
  return new ImageReadError(display, String(err));
}
