import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagePairDetectors, scanLayerFile } from '../../../src/analyzers/image-secrets.js';
import type { ImageLimits } from '../../../src/inputs/image/limits.js';
import { normalizeImage } from '../../../src/inputs/image/normalize.js';
import { readImagePath } from '../../../src/inputs/image/read-image.js';
import type { ImageScan } from '../../../src/inputs/image/types.js';

export const AMD64 = { os: 'linux', architecture: 'amd64' };

export function tmp(prefix = 'sc-image-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes the archive to a temp file and reads it the way `sandcheck image PATH` does. */
export async function scanBuffer(
  buf: Buffer,
  opts: { platform?: { os: string; architecture: string; variant?: string }; limits?: Partial<ImageLimits>; name?: string; allFiles?: boolean } = {},
): Promise<ImageScan[]> {
  const path = join(tmp(), opts.name ?? 'image.tar');
  writeFileSync(path, buf);
  return readImagePath(path, path, { platform: opts.platform ?? AMD64, scanFile: scanLayerFile, limits: opts.limits, allFiles: opts.allFiles });
}

export async function scanPath(path: string, platform = AMD64) {
  return readImagePath(path, path, { platform, scanFile: scanLayerFile });
}

export function targetsOf(scan: ImageScan, reference: string | null = null) {
  return normalizeImage(scan, { reference, detectors: imagePairDetectors });
}
