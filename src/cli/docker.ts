import type { Command } from 'commander';
import { addCommonOptions, finish, prepare, type CommonOptions } from './scan.js';
import { UsageError } from './exit.js';
import { collect } from './options.js';
import { startSecretDropLog } from './debug-secrets.js';

export interface DockerOptions extends CommonOptions {
  name: string[];
  label: string[];
  all?: boolean;
  images?: boolean;
  allFiles?: boolean;
  dockerHost?: string;
  debugSecrets?: boolean;
}


export function registerDocker(program: Command): void {
  addCommonOptions(
    program
      .command('docker')
      .description('audit live containers of a Docker engine (privileges, capabilities, mounts, namespaces, logging, env and labels), and with --images their images')
      .option('--name <name>', 'only this container (repeatable)', collect, [])
      .option('--label <key[=value]>', 'only containers with this label (repeatable)', collect, [])
      .option('-a, --all', 'include stopped containers')
      .option('--images', "also audit each container's image (once per image)")
      .option('--all-files', 'with --images: read every text file of every layer for provider-format secrets (see sandcheck image)')
      .option('--docker-host <url>', 'Docker engine (default: $DOCKER_HOST, else unix:///var/run/docker.sock)')
      .option('--debug-secrets', "list on stderr every secret candidate the false-positive filters dropped: container Config.Env and Config.Labels, and with --images each image's config Env / history step / layer file:line; detector, reason, fingerprint (never the value)"),
  ).action(async (opts: DockerOptions) => {
    const prepared = prepare(opts);
    // Before the images are read: their layers are scanned as they stream by.
    const drops = opts.debugSecrets ? startSecretDropLog() : null;
    try {
      await auditContainers(opts, prepared, drops);
    } finally {
      drops?.print();
    }
  });
}

async function auditContainers(opts: DockerOptions, prepared: ReturnType<typeof prepare>, drops: ReturnType<typeof startSecretDropLog> | null): Promise<void> {
  const { connectEngine, EngineError } = await import('../inputs/docker/engine.js');
  const { collectContainers } = await import('../inputs/docker/collect-containers.js');
  const { imagePairDetectors, scanLayerFile } = await import('../analyzers/image-secrets.js');
  const { containerLabelDetector } = await import('../analyzers/container-labels.js');
  try {
    const { docker } = await connectEngine(opts.dockerHost);
    const collected = await collectContainers(docker, {
      names: opts.name,
      labels: opts.label,
      all: !!opts.all,
      detectLabel: containerLabelDetector,
      images: opts.images ? { platform: { os: 'linux', architecture: 'amd64' }, allFiles: !!opts.allFiles, scanFile: scanLayerFile, detectors: imagePairDetectors } : null,
    });
    if (collected.targets.length === 0 && collected.inputs.length === 0) {
      throw new UsageError(`no ${opts.all ? '' : 'running '}containers to audit${opts.label.length ? ` with label ${opts.label.join(', ')}` : ''}${opts.all ? '' : ' (use --all to include stopped ones)'}`);
    }
    drops?.addImages(collected.targets);
    finish(collected, opts, prepared);
  } catch (err) {
    if (err instanceof EngineError) throw new UsageError(err.message);
    throw err;
  }
}
