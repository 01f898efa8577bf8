import { Option, type Command } from 'commander';
import { addCommonOptions, finish, prepare, type CommonOptions } from './scan.js';
import { UsageError } from './exit.js';
import { rulesForImages } from './image-common.js';
import { startSecretDropLog } from './debug-secrets.js';

export interface ImageOptions extends CommonOptions {
  platform: string;
  dockerHost?: string;
  maxLayerSize?: string;
  base: string[];
  allFiles?: boolean;
  debugSecrets?: boolean;
}

export function registerImage(program: Command): void {
  addCommonOptions(
    program
      .command('image')
      .description('audit container images: docker save archives, OCI layouts (folder or tar), or references in a Docker engine, streamed layer by layer')
      .argument('<images...>', 'paths to archives or OCI layouts, image references (myorg/worker:1.4) in the Docker engine, or - for an archive on stdin')
      .addOption(new Option('--platform <os/arch[/variant]>', 'which image of a multi-platform index to audit').default('linux/amd64'))
      .option('--docker-host <url>', 'Docker engine for image references (default: $DOCKER_HOST, else unix:///var/run/docker.sock)')
      .option('--base <image>', 'a trusted base image (path or reference): provenance is verified when its layers are the bottom of the audited image, by digest (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
      .option('--all-files', 'read every text file of every layer (up to 1 MiB each) for provider-format secrets, not only credential-like names (slower; test keys shipped in packages can match)')
      .option('--max-layer-size <bytes>', 'refuse layers that decompress to more than this (decompression-bomb cap; default 32 GiB)')
      .option('--debug-secrets', 'list on stderr every secret candidate the false-positive filters dropped: image, config Env / history step / layer file:line, detector, reason, fingerprint (never the value)'),
  ).action(async (images: string[], opts: ImageOptions) => {
    const prepared = prepare(opts);
    // Before the layers are read: their files are scanned as they stream by.
    const drops = opts.debugSecrets ? startSecretDropLog() : null;
    try {
      await auditImages(images, opts, prepared, drops);
    } finally {
      drops?.print();
    }
  });
}

async function auditImages(images: string[], opts: ImageOptions, prepared: ReturnType<typeof prepare>, drops: ReturnType<typeof startSecretDropLog> | null): Promise<void> {
  const { parsePlatform, ImageFormatError } = await import('../inputs/image/resolve.js');
  let platform;
  try {
    platform = parsePlatform(opts.platform);
  } catch (err) {
    if (err instanceof ImageFormatError) throw new UsageError(err.message);
    throw err;
  }
  const limits = opts.maxLayerSize ? { maxLayerBytes: parseBytes(opts.maxLayerSize) } : undefined;
  const { collectImages, readBases } = await import('../inputs/image/collect-images.js');
  const { ImageReadError } = await import('../inputs/image/read-image.js');
  const { connectEngine, EngineError } = await import('../inputs/docker/engine.js');
  const { imagePairDetectors, scanLayerFile } = await import('../analyzers/image-secrets.js');
  let engine: Promise<Awaited<ReturnType<typeof connectEngine>>> | undefined;
  try {
    const common = { platform, limits, allFiles: !!opts.allFiles, scanFile: scanLayerFile, detectors: imagePairDetectors, engine: () => (engine ??= connectEngine(opts.dockerHost)) };
    let bases;
    try {
      bases = await readBases(opts.base, common);
    } catch (err) {
      if (err instanceof ImageReadError) throw new UsageError(`--base ${err.message}`);
      throw err;
    }
    const collected = await collectImages(images, { ...common, containers: true, bases });
    drops?.addImages(collected.targets);
    finish(collected, opts, { ...prepared, rules: rulesForImages(prepared.rules) });
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message);
    throw err;
  }
}

export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`not a size: ${text} (e.g. 512MiB, 2GiB, 1000000)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit as 'b'] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}
