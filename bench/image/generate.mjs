// Generates a reproducible OCI image archive of about SIZE MiB (uncompressed layer bytes): several gzip
// layers of many text-like files (≈3:1 under gzip, like source trees and packages), plus a passwd, a
// setuid binary and a deleted .env, so the scan takes its real paths. Layers are written once to
// bench/out/image-<size>m/ and packed into bench/out/image-<size>m.tar; nothing is regenerated if present.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

const WORDS = 'the of and to in is for on with as by at from this that it be are or an was but not have use can all new more one will time data value return function const let var if else while true false null export import default class extends interface type string number boolean async await yield throw catch try finally switch case break continue module require package version config server client request response error message result input output buffer stream layer image file path name'.split(' ');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(r, bytes) {
  const parts = [];
  let n = 0;
  while (n < bytes) {
    const w = r() < 0.15 ? Math.floor(r() * 1e9).toString(36) : WORDS[Math.floor(r() * WORDS.length)];
    parts.push(w);
    n += w.length + 1;
    if (r() < 0.08) {
      parts.push('\n');
      n++;
    }
  }
  return Buffer.from(parts.join(' ')).subarray(0, bytes);
}

class Hasher extends Transform {
  constructor() {
    super();
    this.hash = createHash('sha256');
    this.size = 0;
  }
  _transform(chunk, _enc, cb) {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
}

async function entry(p, header, body) {
  await new Promise((resolve, reject) => p.entry(header, body, (err) => (err ? reject(err) : resolve())));
}

async function writeLayer(file, layerIndex, bytes, r) {
  const p = pack();
  const raw = new Hasher();
  const gz = new Hasher();
  const done = pipeline(p, raw, createGzip({ level: 6 }), gz, createWriteStream(file));
  let written = 0;
  let i = 0;
  const mtime = new Date(0);
  await entry(p, { name: `srv/l${layerIndex}/`, type: 'directory', mode: 0o755, mtime }, undefined);
  if (layerIndex === 0) {
    await entry(p, { name: 'etc/passwd', mode: 0o644, mtime }, Buffer.from('root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n'));
    await entry(p, { name: 'usr/bin/su', mode: 0o4755, mtime }, text(r, 30000));
    await entry(p, { name: 'app/.env', mode: 0o600, mtime }, Buffer.from('LOG_LEVEL=info\nDB_PASSWORD=changeme\n'));
  }
  if (layerIndex === 1) await entry(p, { name: 'app/.wh..env', mode: 0o644, mtime }, Buffer.alloc(0));
  while (written < bytes) {
    // Mostly small files, some large: the shape of node_modules and distro packages.
    const size = r() < 0.9 ? 512 + Math.floor(r() * 16384) : 65536 + Math.floor(r() * 262144);
    const dir = `srv/l${layerIndex}/d${Math.floor(i / 200)}`;
    if (i % 200 === 0) await entry(p, { name: `${dir}/`, type: 'directory', mode: 0o755, mtime }, undefined);
    await entry(p, { name: `${dir}/f${i}.txt`, mode: 0o644, mtime }, text(r, size));
    written += size;
    i++;
  }
  p.finalize();
  await done;
  return { digest: 'sha256:' + gz.hash.digest('hex'), diffId: 'sha256:' + raw.hash.digest('hex'), size: gz.size, uncompressed: raw.size, files: i };
}

export async function generate(outDir, sizeMiB, layers = 4) {
  const name = `image-${sizeMiB}m`;
  const archive = join(outDir, `${name}.tar`);
  const dir = join(outDir, name);
  if (existsSync(archive) && existsSync(join(dir, 'layers.json'))) return { archive, dir };
  mkdirSync(dir, { recursive: true });
  const r = rng(sizeMiB * 7919);
  const per = Math.floor((sizeMiB * 1024 * 1024) / layers);
  const descs = [];
  for (let l = 0; l < layers; l++) {
    const file = join(dir, `layer${l}.tar.gz`);
    process.stderr.write(`  layer ${l + 1}/${layers} …\n`);
    descs.push({ file, ...(await writeLayer(file, l, per, r)) });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: 'app', Env: ['PATH=/usr/bin:/bin'] },
      history: descs.map((_, i) => ({ created_by: `/bin/sh -c #(nop) COPY dir:${String(i).padStart(64, '0')} in /srv ` })),
      rootfs: { type: 'layers', diff_ids: descs.map((d) => d.diffId) },
    }),
  );
  const configDigest = 'sha256:' + createHash('sha256').update(config).digest('hex');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: descs.map((d) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d.digest, size: d.size })),
    }),
  );
  const manifestDigest = 'sha256:' + createHash('sha256').update(manifest).digest('hex');
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, platform: { os: 'linux', architecture: 'amd64' }, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }),
  );
  const p = pack();
  const tmp = `${archive}.partial`;
  const out = pipeline(p, createWriteStream(tmp));
  for (const d of descs) {
    const sink = p.entry({ name: `blobs/sha256/${d.digest.slice(7)}`, size: statSync(d.file).size, mode: 0o644 });
    await pipeline(createReadStream(d.file), sink);
  }
  await entry(p, { name: `blobs/sha256/${configDigest.slice(7)}`, mode: 0o644 }, config);
  await entry(p, { name: `blobs/sha256/${manifestDigest.slice(7)}`, mode: 0o644 }, manifest);
  await entry(p, { name: 'index.json', mode: 0o644 }, index);
  await entry(p, { name: 'oci-layout', mode: 0o644 }, Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  p.finalize();
  await out;
  renameSync(tmp, archive);
  writeFileSync(join(dir, 'layers.json'), JSON.stringify(descs.map(({ file, ...d }) => ({ file: file.slice(dir.length + 1), ...d })), null, 2));
  return { archive, dir };
}
