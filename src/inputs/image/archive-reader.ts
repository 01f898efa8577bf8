import { Readable, pipeline } from 'node:stream';
import { openBlob, readAll, drain, type OpenedBlob } from './blob.js';
import { decompressor } from './decompress.js';
import { scanLayer, type LayerScanOptions } from './layer-scan.js';
import { normalizeEntryPath, dirname } from './tar-path.js';
import type { LayerSummary } from './types.js';
import { external } from '../../util/vendor.js';

/**
 * The contents of an image archive (`docker save`, OCI archive) after one streaming pass: every JSON
 * member buffered (small, capped), every layer-like member scanned into a summary, symlinks recorded.
 * Nothing is interpreted yet: entry order in these archives is not fixed (Docker writes manifest.json
 * last, hand-made archives may put it first), so the manifests are resolved after the whole stream.
 */
export interface ArchiveContents {
  json: Map<string, { buf: Buffer; digest: string }>;
  layers: Map<string, LayerSummary>;
  /** Symlink members (skopeo's docker-archive links `<v1id>/layer.tar` → `../<diffid>.tar`). */
  links: Map<string, string>;
  /** Members neither JSON nor layer (VERSION files, legacy json without braces…). */
  other: Set<string>;
  /** Errors tied to one member: a member that looked like a layer but could not be read. */
  memberErrors: Map<string, string>;
}

export function emptyContents(): ArchiveContents {
  return { json: new Map(), layers: new Map(), links: new Map(), other: new Set(), memberErrors: new Map() };
}

/** Handles one member of an archive or layout: buffer JSON, scan layers, skip the rest. */
export async function consumeMember(name: string, blob: OpenedBlob, contents: ArchiveContents, opts: LayerScanOptions): Promise<void> {
  if (blob.kind === 'json') {
    const buf = await readAll(blob.chunks, opts.limits.maxJsonBytes, () => name);
    contents.json.set(name, { buf, digest: blob.digest() });
    return;
  }
  if (blob.kind === 'tar' || blob.kind === 'gzip' || blob.kind === 'zstd') {
    if (contents.layers.size >= opts.limits.maxLayers * 4) throw new Error(`the archive holds more than ${opts.limits.maxLayers * 4} layer blobs`);
    contents.layers.set(name, await scanLayer(blob, name, opts));
    return;
  }
  contents.other.add(name);
  await drain(blob.chunks);
}

/** Streams an archive (itself possibly gzip/zstd compressed) and collects its members. */
export async function readArchiveStream(source: AsyncIterable<Uint8Array>, opts: LayerScanOptions): Promise<ArchiveContents> {
  const outer = await openBlob(source, { hash: false });
  if (outer.kind !== 'tar' && outer.kind !== 'gzip' && outer.kind !== 'zstd') {
    throw new Error('not an image archive (neither tar, gzip nor zstd)');
  }
  const contents = emptyContents();
  const { extract } = external<typeof import('tar-stream')>('tar-stream');
  const ex = extract();
  const raw = Readable.from(outer.chunks, { objectMode: false, highWaterMark: 1024 * 1024 });
  const dec = outer.kind === 'tar' ? null : await decompressor(outer.kind);

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      ex.destroy();
      reject(err);
    };
    const src = dec ? pipeline(raw, dec, (err) => err && fail(err)) : raw;
    ex.on('entry', (header, stream, next) => {
      stream.on('error', () => {});
      const name = normalizeEntryPath(header.name).path;
      if (header.type === 'symlink' && header.linkname) {
        const target = header.linkname.startsWith('/') ? header.linkname : `${dirname(name)}/${header.linkname}`;
        contents.links.set(name, normalizeEntryPath(target).path);
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      openBlob(stream as unknown as AsyncIterable<Uint8Array>)
        .then((blob) => consumeMember(name, blob, contents, opts))
        .then(
          () => next(),
          (err) => {
            stream.destroy();
            fail(err);
          },
        );
    });
    ex.on('finish', () => !failed && resolve());
    ex.on('error', fail);
    src.on('error', fail);
    src.pipe(ex);
  });
  return contents;
}
