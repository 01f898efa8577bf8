import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/**
 * Crafts image archives byte by byte, for the cases the classic builder cannot make here (opaque
 * directories, BuildKit history, hard links to secrets, hostile names) and for format variants.
 */
export interface CraftEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  pax?: Record<string, string>;
}

export interface CraftImage {
  config?: Record<string, unknown>;
  history?: Record<string, unknown>[];
  layers: CraftEntry[][];
  tag?: string;
}

export type Compression = 'none' | 'gzip' | 'zstd';

export async function layerTar(entries: CraftEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = e.content === undefined ? Buffer.alloc(0) : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type,
        mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        mtime: new Date(0),
        ...(e.linkname ? { linkname: e.linkname } : {}),
        ...(e.pax ? { pax: e.pax } : {}),
        size: type === 'file' ? content.length : 0,
      };
      if (type === 'file') p.entry(header, content, (err) => (err ? reject(err) : resolve()));
      else p.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compress(buf: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(buf);
  if (c === 'zstd') return execFileSync('zstd', ['-q', '-c', '-3'], { input: buf, maxBuffer: 1 << 30 });
  return buf;
}

export const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

interface Built {
  config: Buffer;
  configDigest: string;
  layers: { raw: Buffer; blob: Buffer; diffId: string; digest: string }[];
}

async function build(img: CraftImage, c: Compression): Promise<Built> {
  const layers = [];
  for (const entries of img.layers) {
    const raw = await layerTar(entries);
    const blob = compress(raw, c);
    layers.push({ raw, blob, diffId: sha(raw), digest: sha(blob) });
  }
  const history = img.history ?? img.layers.map((_, i) => ({ created_by: `/bin/sh -c #(nop) COPY file:${'a'.repeat(63)}${i} in / ` }));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: img.config ?? {},
      history,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  return { config, configDigest: sha(config), layers };
}

export interface Member {
  name: string;
  content?: Buffer;
  type?: 'file' | 'symlink' | 'directory';
  linkname?: string;
}

export async function tarOf(members: Member[]): Promise<Buffer> {
  return layerTar(members.map((m) => ({ name: m.name, type: m.type ?? 'file', content: m.content, linkname: m.linkname })));
}

/** A classic `docker save` archive (uncompressed layers in `<id>/layer.tar`), manifest last unless asked. */
export async function dockerArchive(imgs: CraftImage | CraftImage[], opts: { manifestFirst?: boolean } = {}): Promise<Buffer> {
  const list = Array.isArray(imgs) ? imgs : [imgs];
  const members: Member[] = [];
  const manifest = [];
  for (const img of list) {
    const b = await build(img, 'none');
    const paths = b.layers.map((l) => `${l.diffId.slice(7)}/layer.tar`);
    b.layers.forEach((l, i) => members.push({ name: paths[i]!, content: l.blob }));
    const cfgName = `${b.configDigest.slice(7)}.json`;
    members.push({ name: cfgName, content: b.config });
    manifest.push({ Config: cfgName, RepoTags: img.tag ? [img.tag] : null, Layers: paths });
  }
  const m = { name: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) };
  return tarOf(opts.manifestFirst ? [m, ...members] : [...members, m]);
}

export interface OciOptions {
  compression?: Compression;
  /** Extra manifests in the index (other platforms, attestations). */
  extraIndex?: Record<string, unknown>[];
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

/** The members of an OCI image layout (blobs, index.json, oci-layout). */
export async function ociMembers(img: CraftImage, opts: OciOptions = {}): Promise<{ members: Member[]; manifestDigest: string; configDigest: string }> {
  const c = opts.compression ?? 'gzip';
  const b = await build(img, c);
  const layerType = c === 'none' ? 'application/vnd.oci.image.layer.v1.tar' : `application/vnd.oci.image.layer.v1.tar+${c}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: b.configDigest, size: b.config.length },
      layers: b.layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.blob.length })),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }),
  );
  const manifestDigest = sha(manifest);
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifestDigest,
        size: manifest.length,
        ...(opts.platform ? { platform: opts.platform } : {}),
        annotations: { 'org.opencontainers.image.ref.name': img.tag ?? 'latest' },
      },
      ...(opts.extraIndex ?? []),
    ],
  };
  const members: Member[] = [
    ...b.layers.map((l) => ({ name: `blobs/sha256/${l.digest.slice(7)}`, content: l.blob })),
    { name: `blobs/sha256/${b.configDigest.slice(7)}`, content: b.config },
    { name: `blobs/sha256/${manifestDigest.slice(7)}`, content: manifest },
    { name: 'index.json', content: Buffer.from(JSON.stringify(index)) },
    { name: 'oci-layout', content: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ];
  return { members, manifestDigest, configDigest: b.configDigest };
}

export function writeDir(dir: string, members: Member[]): void {
  for (const m of members) {
    const p = join(dir, ...m.name.split('/'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, m.content ?? Buffer.alloc(0));
  }
}

export const file = (name: string, content: string | Buffer, extra: Partial<CraftEntry> = {}): CraftEntry => ({ name, content, ...extra });
export const dir = (name: string, extra: Partial<CraftEntry> = {}): CraftEntry => ({ name, type: 'directory', ...extra });
