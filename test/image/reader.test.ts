import { mkdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pem, rng, tokens } from '../../bench/secrets/tokens.js';
import { imagePairDetectors, scanLayerFile } from '../../src/analyzers/image-secrets.js';
import { collectImages } from '../../src/inputs/image/collect-images.js';
import { ImageReadError } from '../../src/inputs/image/read-image.js';
import { compress, dir, dockerArchive, file, ociMembers, sha, tarOf, writeDir } from './helpers/craft.js';
import { AMD64, scanBuffer, scanPath, targetsOf, tmp } from './helpers/scan.js';
import { expectNotPrinted } from '../helpers/redaction.js';

const r = rng(7);
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n';

describe('docker save archives', () => {
  it('reads a classic archive whatever the position of manifest.json', async () => {
    const img = { tag: 'sc/t:1', config: { User: 'app' }, layers: [[dir('etc/'), file('etc/passwd', PASSWD)], [file('app/run.sh', 'echo hi')]] };
    for (const manifestFirst of [false, true]) {
      const [scan] = await scanBuffer(await dockerArchive(img, { manifestFirst }));
      expect(scan!.source).toBe('docker-archive');
      expect(scan!.tags).toEqual(['sc/t:1']);
      expect(scan!.layers.map((l) => l.entryCount)).toEqual([2, 1]);
      const { image, container } = targetsOf(scan!);
      expect(image.data.config.effectiveUser).toMatchObject({ uid: 1000, gid: 1000, root: false });
      expect(container.data.user).toMatchObject({ uid: 1000, nonRoot: true, source: 'image' });
      expect(image.id).toMatch(/^image:.*image\.tar@sha256:[0-9a-f]{64}$/);
      expect(image.uri).toBe(image.id.replace(/^image:/, 'image://'));
    }
  });

  it('yields one image per manifest.json entry', async () => {
    const a = { tag: 'a:1', layers: [[file('a', 'a')]] };
    const b = { tag: 'b:1', layers: [[file('b', 'b')]] };
    const scans = await scanBuffer(await dockerArchive([a, b]));
    expect(scans.map((s) => s.tags[0])).toEqual(['a:1', 'b:1']);
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`reads the Docker 25+ layout (OCI blobs plus manifest.json), layers ${compression === 'none' ? 'by diff id' : 'gzip (containerd store)'}`, async () => {
      const img = { tag: 'sc/new:25', config: { User: '10001' }, layers: [[file('etc/passwd', 'app:x:10001:10001::/:/bin/sh\n')], [file('app/.env', 'A=1')]] };
      const { members, configDigest } = await ociMembers(img, { compression });
      const manifest = JSON.parse(members.find((m) => m.content!.toString().includes('"mediaType":"application/vnd.oci.image.manifest.v1+json"'))!.content!.toString());
      const legacy = [{ Config: `blobs/sha256/${configDigest.slice(7)}`, RepoTags: ['sc/new:25'], Layers: manifest.layers.map((l: { digest: string }) => `blobs/sha256/${l.digest.slice(7)}`) }];
      const all = [...members.filter((m) => m.name.startsWith('blobs/')), members.find((m) => m.name === 'index.json')!, { name: 'manifest.json', content: Buffer.from(JSON.stringify(legacy)) }, { name: 'oci-layout', content: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }];
      const [scan] = await scanBuffer(await tarOf(all));
      // A content-addressed blob whose bytes were swapped is refused even without an OCI descriptor.
      const swapped = all.map((m) => (m.name === legacy[0]!.Layers[1] ? { ...m, content: all.find((x) => x.name === legacy[0]!.Layers[0])!.content } : m));
      await expect(scanBuffer(await tarOf(swapped))).rejects.toThrow(/blobs\/sha256\/[0-9a-f]{64}: content does not match its digest \(tampered or truncated\)/);
      expect(scan!.source).toBe('docker-archive');
      expect(scan!.tags).toEqual(['sc/new:25']);
      expect(scan!.layers.map((l) => l.compression)).toEqual([compression, compression]);
      expect(targetsOf(scan!).image.data.files.map((f) => f.path)).toEqual(['/app/.env']);
    });
  }

  it('reads a gzip-compressed docker save', async () => {
    const buf = compress(await dockerArchive({ layers: [[file('x', '1')]] }), 'gzip');
    const [scan] = await scanBuffer(buf);
    expect(scan!.layers).toHaveLength(1);
  });
});

describe('merged view and every-layer view', () => {
  it('reports a secret deleted by a later layer with the layer that holds it', async () => {
    const key = tokens.awsKeyId(r);
    const secret = tokens.awsSecret(r);
    const img = {
      layers: [
        [file('etc/passwd', PASSWD)],
        [dir('app/'), file('app/.env', `# app\naws_access_key_id=${key}\naws_secret_access_key=${secret}\n`)],
        [file('app/.wh..env', '')],
      ],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    const f = image.data.files.find((x) => x.path === '/app/.env')!;
    expect(f).toMatchObject({ layer: 2, deleted: true, deletedIn: 3 });
    const hits = image.data.secrets.files;
    expect(hits.map((h) => [h.detector, h.layer, h.deletedIn])).toEqual([
      ['aws-access-key-id', 2, 3],
      ['aws-secret-access-key', 2, 3],
    ]);
    expect(image.locations.get('/secrets/files/0')!.detail).toBe('layer 2 /app/.env:2');
    expectNotPrinted(JSON.stringify(image.data), [secret]);
  });

  it('applies opaque directories: lower children hidden, the layer own entries kept', async () => {
    const img = {
      layers: [
        [dir('etc/conf.d/'), file('etc/conf.d/a', '1'), file('etc/conf.d/server.pem', pem(r).text), file('etc/conf.d/c', '3')],
        [dir('etc/conf.d/'), file('etc/conf.d/.wh..wh..opq', ''), file('etc/conf.d/c', 'new')],
      ],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    const f = image.data.files.find((x) => x.path === '/etc/conf.d/server.pem')!;
    expect(f).toMatchObject({ layer: 1, deleted: true, deletedIn: 2 });
    expect(image.data.secrets.files.map((s) => [s.detector, s.deletedIn])).toEqual([['private-key', 2]]);
  });

  it('hides a lower subtree replaced by a file or symlink without any whiteout', async () => {
    const img = {
      layers: [
        [dir('srv/keys/'), file('srv/keys/id_rsa', pem(r).text), dir('srv/lib/'), file('srv/lib/.env', 'A=1')],
        [file('srv/keys', 'now a file'), { name: 'srv/lib', type: 'symlink' as const, linkname: '/tmp' }],
      ],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    expect(image.data.files.map((f) => [f.path, f.deleted, f.deletedIn])).toEqual([
      ['/srv/keys/id_rsa', true, 2],
      ['/srv/lib/.env', true, 2],
    ]);
  });

  it('follows a hard link from a credential name to the content stored under an innocent name', async () => {
    const key = tokens.awsKeyId(r);
    const secret = tokens.awsSecret(r);
    const creds = `[default]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\n`;
    const img = {
      layers: [[dir('data/'), file('data/innocent.txt', creds), dir('root/.aws/'), { name: 'root/.aws/credentials', type: 'link' as const, linkname: 'data/innocent.txt' }]],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    const f = image.data.files.find((x) => x.path === '/root/.aws/credentials')!;
    expect(f).toMatchObject({ layer: 1, deleted: false, hardlinkTo: '/data/innocent.txt', kind: 'cloud-credentials' });
    // The content was not under a scored name, so the name alone is the evidence.
    expect(image.data.secrets.files.map((s) => [s.detector, s.path, s.where])).toEqual([
      ['credential-file', '/root/.aws/credentials', 'layer 1 /root/.aws/credentials (hard link to /data/innocent.txt)'],
    ]);
    expect(image.data.files).toHaveLength(1);
  });

  it('with --all-files, reads every text file: a token in config.yaml, and the content behind a hard link', async () => {
    const gh = tokens.github(r);
    const key = tokens.awsKeyId(r);
    const img = {
      layers: [
        [
          dir('app/'),
          file('app/config.yaml', `github:\n  token: ${gh}\n`),
          file('app/logo.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(`token ${gh}`)])),
          file('data/innocent.txt', `[default]\naws_access_key_id = ${key}\n`),
          { name: 'root/.aws/credentials', type: 'link' as const, linkname: 'data/innocent.txt' },
        ],
      ],
    };
    const buf = await dockerArchive(img);
    const [plain] = await scanBuffer(buf);
    expect(targetsOf(plain!).image.data.secrets.files.map((s) => [s.detector, s.path])).toEqual([['credential-file', '/root/.aws/credentials']]);
    const [all] = await scanBuffer(buf, { allFiles: true });
    expect(targetsOf(all!).image.data.secrets.files.map((s) => [s.detector, s.where])).toEqual([
      ['github-token', 'layer 1 /app/config.yaml:2'],
      ['aws-access-key-id', 'layer 1 /data/innocent.txt:2'],
      ['aws-access-key-id', 'layer 1 /root/.aws/credentials:2 (hard link to /data/innocent.txt)'],
    ]);
  });

  it('scans the content of a hard link whose target is itself a scored file', async () => {
    const key = tokens.awsKeyId(r);
    const img = {
      layers: [[dir('app/'), file('app/.env', `AWS_ACCESS_KEY_ID=${key}\n`), { name: 'app/prod.env', type: 'link' as const, linkname: 'app/.env' }]],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    expect(image.data.secrets.files.map((s) => [s.detector, s.path, s.where])).toEqual([
      ['aws-access-key-id', '/app/.env', 'layer 1 /app/.env:1'],
      ['aws-access-key-id', '/app/prod.env', 'layer 1 /app/prod.env:1 (hard link to /app/.env)'],
    ]);
  });

  it('records a hard link whose target no layer has as an anomaly', async () => {
    const [scan] = await scanBuffer(await dockerArchive({ layers: [[{ name: 'root/.git-credentials', type: 'link' as const, linkname: 'nowhere' }]] }));
    const { image } = targetsOf(scan!);
    expect(image.data.anomalies.map((a) => [a.kind, a.path])).toEqual([['hardlink-target-missing', '/root/.git-credentials']]);
  });

  it('flags hostile names and clamps them at the root', async () => {
    const [scan] = await scanBuffer(await dockerArchive({ layers: [[file('../../../tmp/escaped.env', 'A=1'), file('/abs/file', 'x')]] }));
    const { image } = targetsOf(scan!);
    expect(image.data.anomalies.map((a) => [a.kind, a.path])).toEqual([
      ['path-escape', '/tmp/escaped.env'],
      ['absolute-path', '/abs/file'],
    ]);
    expect(image.data.files.map((f) => f.path)).toEqual(['/tmp/escaped.env']);
  });

  it('detects a write through a symlink of a lower layer', async () => {
    const img = { layers: [[{ name: 'evil', type: 'symlink' as const, linkname: '../../../tmp' }], [file('evil/id_rsa', pem(r).text)]] };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    expect(image.data.anomalies.map((a) => [a.kind, a.path, a.layer])).toEqual([['write-through-symlink', '/evil/id_rsa', 2]]);
  });
});

describe('setuid, setgid and file capabilities in the final view', () => {
  it('lists the survivors', async () => {
    const img = {
      layers: [
        [dir('usr/bin/'), file('usr/bin/su', 'elf', { mode: 0o4755 }), file('usr/bin/chage', 'elf', { mode: 0o2755 }), file('usr/bin/gone', 'elf', { mode: 0o4755 })],
        [
          file('usr/bin/.wh.gone', ''),
          file('usr/local/bin/helper', 'elf', { mode: 0o4755 }),
          file('usr/bin/ping', 'elf', { mode: 0o755, pax: { 'SCHILY.xattr.security.capability': '\u0001\u0000\u0000\u0002' } }),
        ],
      ],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    expect(image.data.setuid.map((s) => [s.path, s.layer, s.mode, s.setuid, s.setgid, s.fileCaps])).toEqual([
      ['/usr/bin/su', 1, '4755', true, false, false],
      ['/usr/bin/chage', 1, '2755', false, true, false],
      ['/usr/local/bin/helper', 2, '4755', true, false, false],
      ['/usr/bin/ping', 2, '0755', false, false, true],
    ]);
  });
});

describe('collectImages', () => {
  it('reads an archive from stdin (`docker save img | sandcheck image -`)', async () => {
    const buf = await dockerArchive({ tag: 'sc/stdin:1', layers: [[file('a', 'x')]] });
    const collected = await collectImages(['-'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, stdin: Readable.from([buf]) });
    expect(collected.inputs).toEqual([{ path: '<stdin>', format: 'docker-archive', status: 'parsed', targets: 2 }]);
    expect(collected.targets[0]!.id).toMatch(/^image:<stdin>@sha256:[0-9a-f]{64}$/);
  });

  it('audits an image named twice once', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a.tar'), await dockerArchive({ layers: [[file('a', 'x')]] }));
    const collected = await collectImages(['a.tar', './a.tar'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: d });
    expect(collected.targets.map((t) => t.kind)).toEqual(['image', 'container']);
    expect(collected.inputs.map((i) => i.targets)).toEqual([2, 0]);
  });

  it('records an unreadable input as an error for the image items, and goes on', async () => {
    const d = tmp();
    const bad = join(d, 'bad.tar');
    writeFileSync(bad, 'not an archive');
    const good = join(d, 'good.tar');
    writeFileSync(good, await dockerArchive({ layers: [[file('a', 'x')]] }));
    const collected = await collectImages([bad, good, join(d, 'missing.tar')], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: d });
    expect(collected.inputs.map((i) => [i.path, i.status, i.error ?? ''])).toEqual([
      ['bad.tar', 'error', 'bad.tar: not an image archive (neither tar, gzip nor zstd)'],
      ['good.tar', 'parsed', ''],
      [join(d, 'missing.tar'), 'error', `${join(d, 'missing.tar')}: no such file or folder`],
    ]);
    expect([...collected.inputErrorItems].sort()).toEqual(['image-hardening', 'key-storage', 'supply-chain']);
  });

  it('a path it cannot stat is named with the reason in words, not an errno code', async () => {
    const d = tmp();
    writeFileSync(join(d, 'images'), 'a file, not a folder\n');
    const collected = await collectImages(['images/worker.tar'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: d });
    expect(collected.inputs.map((i) => [i.path, i.status, i.error])).toEqual([['images/worker.tar', 'error', 'images/worker.tar: no such file or folder']]);
    await expect(scanPath(join(d, 'images', 'worker.tar'))).rejects.toThrow(`${join(d, 'images', 'worker.tar')}: cannot read: a part of the path is a file, not a folder`);
  });

  it('names the working directory `.` as given (`sandcheck image .`), never by its absolute path', async () => {
    const layout = tmp();
    writeDir(layout, (await ociMembers({ layers: [[file('a', 'x')]] })).members);
    const read = await collectImages(['.'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: layout });
    expect(read.inputs).toEqual([{ path: '.', format: 'oci-layout', status: 'parsed', targets: 2 }]);
    const notImage = await collectImages(['.'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: tmp() });
    expect(notImage.inputs.map((i) => [i.path, i.status, i.error])).toEqual([['.', 'error', '.: the folder is neither an OCI image layout (index.json) nor an unpacked docker save (manifest.json)']]);
  });
});

describe('OCI layouts', () => {
  const img = { tag: 'v1', config: { User: '1000' }, layers: [[file('etc/passwd', PASSWD)], [file('app/.npmrc', 'registry=https://r.example\n')]] };

  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    it(`reads a ${compression} layout as a directory and as a tar`, async () => {
      const { members, manifestDigest } = await ociMembers(img, { compression });
      const d = tmp();
      writeDir(d, members);
      const [fromDir] = await scanPath(d);
      expect(fromDir!.source).toBe('oci-layout');
      expect(fromDir!.manifestDigest).toBe(manifestDigest);
      expect(fromDir!.layers.map((l) => l.compression)).toEqual([compression, compression]);
      const [fromTar] = await scanBuffer(await tarOf(members));
      expect(fromTar!.source).toBe('oci-archive');
      expect(fromTar!.configDigest).toBe(fromDir!.configDigest);
      const { image } = targetsOf(fromTar!);
      expect(image.data.config.healthcheck.state).toBe('unknown');
      expect(image.data.files.map((f) => f.path)).toEqual(['/app/.npmrc']);
    });
  }

  it('picks the manifest for --platform and skips attestation manifests', async () => {
    const arm = await ociMembers({ tag: 'v1', layers: [[file('arm', 'x')]] }, { platform: { os: 'linux', architecture: 'arm64' } });
    const armIndex = JSON.parse(arm.members.find((m) => m.name === 'index.json')!.content!.toString()).manifests[0];
    const att = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha('att'), size: 3, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } };
    const amd = await ociMembers({ tag: 'v1', layers: [[file('amd', 'x')]] }, { platform: { os: 'linux', architecture: 'amd64' }, extraIndex: [armIndex, att] });
    const members = [...amd.members, ...arm.members.filter((m) => m.name.startsWith('blobs/'))];
    const buf = await tarOf(members);
    const [amdScan] = await scanBuffer(buf);
    expect(amdScan!.layers[0]!.paths.has('amd')).toBe(true);
    expect(amdScan!.attestations).toBe(true);
    const [armScan] = await scanBuffer(buf, { platform: { os: 'linux', architecture: 'arm64' } });
    expect(armScan!.layers[0]!.paths.has('arm')).toBe(true);
    await expect(scanBuffer(buf, { platform: { os: 'linux', architecture: 's390x' } })).rejects.toThrow(
      /no image for platform linux\/s390x in index.json \(platforms found: linux\/amd64, linux\/arm64\); choose one with --platform/,
    );
  });
});

describe('containerd-store archives', () => {
  it('follows a nested image index and takes the name from io.containerd.image.name', async () => {
    const amd = await ociMembers({ layers: [[file('amd', 'x')]] }, { platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await ociMembers({ layers: [[file('arm', 'x')]] }, { platform: { os: 'linux', architecture: 'arm64' } });
    const entryOf = (m: typeof amd) => JSON.parse(m.members.find((x) => x.name === 'index.json')!.content!.toString()).manifests[0];
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entryOf(arm), entryOf(amd)] }));
    const top = {
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha(nested), size: nested.length, annotations: { 'io.containerd.image.name': 'registry.example/worker:1.4' } }],
    };
    const members = [
      ...amd.members.filter((m) => m.name.startsWith('blobs/')),
      ...arm.members.filter((m) => m.name.startsWith('blobs/')),
      { name: `blobs/sha256/${sha(nested).slice(7)}`, content: nested },
      { name: 'index.json', content: Buffer.from(JSON.stringify(top)) },
    ];
    const [scan] = await scanBuffer(await tarOf(members));
    expect(scan!.tags).toEqual(['registry.example/worker:1.4']);
    expect(scan!.layers[0]!.paths.has('amd')).toBe(true);
    expect(targetsOf(scan!).container.data.image).toMatchObject({ ref: 'registry.example/worker:1.4', pinned: false });
  });

  it('reports a foreign-platform blob missing from the archive only when that platform is asked for', async () => {
    const amd = await ociMembers({ layers: [[file('amd', 'x')]] }, { platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await ociMembers({ layers: [[file('arm', 'x')]] }, { platform: { os: 'linux', architecture: 'arm64' } });
    const armEntry = JSON.parse(arm.members.find((x) => x.name === 'index.json')!.content!.toString()).manifests[0];
    const index = JSON.parse(amd.members.find((x) => x.name === 'index.json')!.content!.toString());
    index.manifests.push(armEntry);
    const members = [...amd.members.filter((m) => m.name !== 'index.json'), { name: 'index.json', content: Buffer.from(JSON.stringify(index)) }];
    const buf = await tarOf(members);
    expect(await scanBuffer(buf)).toHaveLength(1);
    await expect(scanBuffer(buf, { platform: { os: 'linux', architecture: 'arm64' } })).rejects.toThrow(/the image manifest \(blobs\/sha256\/[0-9a-f]+\) is missing/);
  });
});

describe('bad and hostile input fails closed with a clear reason', () => {
  it('a truncated archive', async () => {
    const buf = await dockerArchive({ layers: [[file('a', 'x'.repeat(5000))]] });
    await expect(scanBuffer(buf.subarray(0, 3000))).rejects.toThrow(ImageReadError);
  });

  it('a layer that does not match rootfs.diff_ids', async () => {
    const buf = await dockerArchive({ layers: [[file('a', 'x')]] });
    const text = buf.toString('latin1').replace(/"diff_ids":\["sha256:[0-9a-f]{4}/, '"diff_ids":["sha256:0000');
    await expect(scanBuffer(Buffer.from(text, 'latin1'))).rejects.toThrow(/does not match rootfs.diff_ids\[0\]: the input is tampered with or truncated/);
  });

  it('a blob whose content does not match its digest', async () => {
    const { members } = await ociMembers({ layers: [[file('a', 'x')]] }, { compression: 'gzip' });
    const other = compress(await tarOf([{ name: 'b', content: Buffer.from('y') }]), 'gzip');
    const tampered = members.map((m, i) => (i === 0 ? { ...m, content: other } : m));
    await expect(scanBuffer(await tarOf(tampered))).rejects.toThrow(/blobs\/sha256\/[0-9a-f]{64}: content does not match its digest \(tampered or truncated\)/);
    const garbage = members.map((m, i) => (i === 0 ? { ...m, content: compress(Buffer.from('not a tar at all'), 'gzip') } : m));
    await expect(scanBuffer(await tarOf(garbage))).rejects.toThrow(/blobs\/sha256\/[0-9a-f]{64}: not a complete tar/);
  });

  it('a decompression bomb stops at the layer cap', async () => {
    const img = { layers: [[file('zeros', Buffer.alloc(8 * 1024 * 1024))]] };
    const { members } = await ociMembers(img, { compression: 'gzip' });
    await expect(scanBuffer(await tarOf(members), { limits: { maxLayerBytes: 1024 * 1024 } })).rejects.toThrow(/decompresses to more than 1048576 bytes/);
  });

  it('a layer with more entries than the cap', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => file(`f${i}`, 'x'));
    await expect(scanBuffer(await dockerArchive({ layers: [entries] }), { limits: { maxEntriesPerLayer: 10 } })).rejects.toThrow(/layer\.tar has more than 10 entries/);
  });

  it('a zstd bomb stops at the total cap across layers', async () => {
    const img = { layers: [[file('a', Buffer.alloc(3 * 1024 * 1024))], [file('b', Buffer.alloc(3 * 1024 * 1024))]] };
    const { members } = await ociMembers(img, { compression: 'zstd' });
    await expect(scanBuffer(await tarOf(members), { limits: { maxTotalBytes: 4 * 1024 * 1024 } })).rejects.toThrow(/the image decompresses to more than the total cap/);
  });

  it('a layer missing from the archive', async () => {
    const { members } = await ociMembers({ layers: [[file('a', 'x')]] });
    await expect(scanBuffer(await tarOf(members.slice(1)))).rejects.toThrow(/layer 1 \(blobs\/sha256\/[0-9a-f]+\) is listed in the manifest but missing/);
  });

  it('something that is not an image', async () => {
    await expect(scanBuffer(Buffer.from('hello'))).rejects.toThrow(/not an image archive/);
    await expect(scanBuffer(await tarOf([{ name: 'a.txt', content: Buffer.from('x') }]))).rejects.toThrow(/neither manifest.json \(docker save\) nor index.json/);
    const empty = tmp();
    mkdirSync(join(empty, 'x'));
    await expect(scanPath(empty)).rejects.toThrow(/neither an OCI image layout/);
  });
});
