import { readFileSync } from 'node:fs';
import { googleServiceAccount, pem, rng, tokens } from '../../../bench/secrets/tokens.js';
import { dockerArchive, ociMembers, tarOf, type CraftEntry, type CraftImage } from './craft.js';

/**
 * Rule fixtures for images are JSON descriptions (`pass*.image.json`, `fail*.image.json`) crafted into a
 * real archive at test time: comments are impossible in a tar, so the expected findings are listed in
 * `expect` as `{ rule, detail }` (the Location.detail a finding must carry). Secret-shaped values are
 * generated (`{{github}}`, `{{aws-key-id}}`, `{{pem}}`, …) so that no token-shaped string is committed.
 */
export interface ImageFixture {
  tag?: string;
  format?: 'docker' | 'oci-gzip' | 'oci-zstd';
  config?: Record<string, unknown>;
  history?: Record<string, unknown>[];
  layers: (Omit<CraftEntry, 'mode'> & { mode?: string })[][];
  /** Trusted base (for provenance): its layers, crafted the same way. */
  base?: { layers: (Omit<CraftEntry, 'mode'> & { mode?: string })[][] };
  expect: { rule: string; detail: string }[];
}

function generators(seed: number): Record<string, () => string> {
  const r = rng(seed);
  return {
    github: () => tokens.github(r),
    npm: () => tokens.npm(r),
    'aws-key-id': () => tokens.awsKeyId(r),
    'aws-secret': () => tokens.awsSecret(r),
    pem: () => pem(r, 'OPENSSH PRIVATE KEY').text,
    'google-sa': () => googleServiceAccount(r).text,
    password: () => 'Zq8!vR2mW9#kT4pL',
    opaque: () => 'e7Hq2LwX9pVb4NcR8sKd3MfT6yGz1JaU',
  };
}

export function loadImageFixture(path: string): { fixture: ImageFixture; image: CraftImage; base: CraftImage | null } {
  const gen = generators(11);
  const text = readFileSync(path, 'utf8');
  const fixture = JSON.parse(text) as ImageFixture;
  const fill = (s: string) => s.replace(/\{\{([a-z0-9-]+)\}\}/g, (whole, k: string) => (gen[k] ? gen[k]!() : whole));
  const layers = (ls: ImageFixture['layers']) =>
    ls.map((entries) =>
      entries.map((e) => ({
        ...e,
        ...(typeof e.content === 'string' ? { content: fill(e.content) } : {}),
        ...(e.mode ? { mode: parseInt(e.mode, 8) } : {}),
      })) as CraftEntry[],
    );
  const config = fixture.config ? (JSON.parse(fill(JSON.stringify(fixture.config))) as Record<string, unknown>) : undefined;
  const history = fixture.history ? (JSON.parse(fill(JSON.stringify(fixture.history))) as Record<string, unknown>[]) : undefined;
  const baseLayers = fixture.base ? layers(fixture.base.layers) : [];
  const image: CraftImage = { tag: fixture.tag, config, history, layers: [...baseLayers, ...layers(fixture.layers)] };
  const base = fixture.base ? { layers: baseLayers } : null;
  return { fixture, image, base };
}

export async function craftFixture(img: CraftImage, format: ImageFixture['format'] = 'docker'): Promise<Buffer> {
  if (format === 'docker') return dockerArchive(img);
  const { members } = await ociMembers(img, { compression: format === 'oci-zstd' ? 'zstd' : 'gzip' });
  return tarOf(members);
}
