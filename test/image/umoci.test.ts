import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePairDetectors, scanLayerFile } from '../../src/analyzers/image-secrets.js';
import { collectImages } from '../../src/inputs/image/collect-images.js';
import type { ImageData } from '../../src/inputs/image/image-data.js';
import { dir, file, ociMembers, writeDir } from './helpers/craft.js';
import { AMD64, tmp } from './helpers/scan.js';

// umoci writes layers the way image-notes.md §2.3 describes: per-file whiteouts, and children without
// their parent directory entry. Needs umoci (no Docker engine); skipped with the reason printed without it.
const umoci = spawnSync('umoci', ['--version'], { encoding: 'utf8' }).status === 0;
if (!umoci) process.stderr.write('[sandcheck tests] skipping umoci tests: umoci is not installed (run .ci/setup-docker.sh)\n');

describe.skipIf(!umoci)(`OCI layouts repacked by umoci${umoci ? '' : ' (skipped: umoci is not installed)'}`, () => {
  it('reads per-file whiteouts and parentless entries, and selects a tag with PATH:TAG', async () => {
    const d = tmp();
    const layout = join(d, 'layout');
    const { members } = await ociMembers(
      { tag: 'v1', config: { User: 'app' }, layers: [[dir('etc/'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/:/bin/sh\n'), dir('app/'), file('app/.env', 'A=1\n')]] },
      { platform: { os: 'linux', architecture: 'amd64' } },
    );
    writeDir(layout, members);
    const bundle = join(d, 'bundle');
    execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, bundle], { stdio: 'pipe' });
    rmSync(join(bundle, 'rootfs', 'app', '.env'));
    mkdirSync(join(bundle, 'rootfs', 'etc', 'x'), { recursive: true });
    writeFileSync(join(bundle, 'rootfs', 'etc', 'x', 'b'), 'hi\n');
    execFileSync('umoci', ['repack', '--image', `${layout}:v2`, bundle], { stdio: 'pipe' });

    const opts = { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: d };
    const both = await collectImages(['layout'], opts);
    expect(both.inputs).toEqual([{ path: 'layout', format: 'oci-layout', status: 'parsed', targets: 4 }]);

    const v2 = await collectImages(['layout:v2'], opts);
    expect(v2.inputs).toEqual([{ path: 'layout:v2', format: 'oci-layout', status: 'parsed', targets: 2 }]);
    const data = v2.targets[0]!.data as ImageData;
    expect(data.history.at(-1)).toMatchObject({ instruction: 'RUN', layer: 2 });
    expect(data.files).toEqual([{ path: '/app/.env', layer: 1, kind: 'dotenv', size: 4, deleted: true, deletedIn: 2, hardlinkTo: null }]);
    expect(data.config.effectiveUser).toMatchObject({ uid: 10001, root: false });

    const missing = await collectImages(['layout:v9'], opts);
    expect(missing.inputs[0]!.error).toBe('layout:v9: no image tagged v9 for platform linux/amd64 (tags found: v1, v2)');
  });
});
