import { posix } from 'node:path';
import type Docker from 'dockerode';
import type { Collected } from '../collect.js';
import { emptyCollected, addTargets, readEngineImage, type CollectImageOptions, IMAGE_ITEMS } from '../image/collect-images.js';
import { normalizeImage } from '../image/normalize.js';
import { ImageReadError } from '../image/read-image.js';
import { CHECKLIST_IDS } from '../../model/checklist.js';
import { EngineError, engineFailure } from './engine.js';
import { containerUri, normalizeContainer, parseContainerFiles, type ContainerInspect, type LabelDetector } from './containers.js';
import { compareText } from '../../util/compare.js';
import { markHostNamespaceJoins, type JoinableContainer } from './joined-namespaces.js';
import { external } from '../../util/vendor.js';

export interface CollectContainerOptions {
  names: string[];
  labels: string[];
  /** Include stopped containers. */
  all: boolean;
  /** Also audit each container's image, once per image id. */
  images: CollectImageOptions | null;
  /** The secret detector for Config.Labels (with or without --images). */
  detectLabel: LabelDetector;
}

const MAX_ACCOUNT_FILE = 1024 * 1024;
const INSPECT_CONCURRENCY = 4;

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`; the first failure rejects. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Lists, inspects and normalizes live containers into workload/container targets (and their images). */
export async function collectContainers(docker: Docker, opts: CollectContainerOptions): Promise<Collected> {
  const out = emptyCollected();
  const filters: Record<string, string[]> = {};
  if (opts.labels.length) filters['label'] = opts.labels;
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: opts.all, filters: JSON.stringify(filters) } as Docker.ContainerListOptions);
  } catch (err) {
    throw new EngineError(engineFailure(null, err));
  }
  const wanted = new Set(opts.names.map((n) => n.replace(/^\//, '')));
  const nameOf = (c: Docker.ContainerInfo) => (c.Names?.[0] ?? c.Id).replace(/^\//, '');
  if (wanted.size) list = list.filter((c) => (c.Names ?? []).some((n) => wanted.has(n.replace(/^\//, ''))) || wanted.has(c.Id) || wanted.has(c.Id.slice(0, 12)));
  for (const n of wanted) {
    if (!list.some((c) => nameOf(c) === n || c.Id === n || c.Id.slice(0, 12) === n)) {
      out.inputs.push({ path: containerUri(n), format: 'docker-container', status: 'error', error: `${containerUri(n)}: no such container${opts.all ? '' : ' running (use --all to include stopped ones)'}` });
      for (const item of CHECKLIST_IDS) out.inputErrorItems.add(item);
    }
  }
  list.sort((a, b) => compareText(nameOf(a), nameOf(b)));

  const images = new Map<string, string>(); // image id → reference as the first container used it
  // Inspect and the two archive reads wait on the engine (mounting a stopped container's filesystem
  // takes it a while): a few containers at a time, reported in name order.
  const read = await mapLimit(list, INSPECT_CONCURRENCY, async (info) => {
    let inspect: ContainerInspect;
    try {
      inspect = (await docker.getContainer(info.Id).inspect()) as unknown as ContainerInspect;
    } catch (err) {
      const e = err as { statusCode?: number };
      if (e.statusCode === 404) return null; // removed between list and inspect
      throw new EngineError(engineFailure(null, err));
    }
    const [passwd, group] = await Promise.all([readContainerFile(docker, info.Id, '/etc/passwd'), readContainerFile(docker, info.Id, '/etc/group')]);
    return { info, inspect, passwd, group };
  });
  const scanned: JoinableContainer[] = [];
  for (const r of read) {
    if (!r) continue;
    const { info, inspect, passwd, group } = r;
    const uri = containerUri(nameOf(info));
    const t = normalizeContainer(inspect, parseContainerFiles(passwd, group), opts.detectLabel);
    out.targets.push(t.workload, t.container);
    out.inputs.push({ path: uri, format: 'docker-container', status: 'parsed', targets: 2 });
    scanned.push({ inspect, workload: t.workload });
    if (!images.has(inspect.Image)) images.set(inspect.Image, inspect.Config?.Image ?? inspect.Image);
  }
  // A joined container the scan does not list (filtered out, or stopped without --all) is inspected.
  const known = new Map<string, ContainerInspect | null>();
  for (const { inspect } of scanned) for (const key of [inspect.Id, inspect.Id.slice(0, 12), inspect.Name.replace(/^\//, '')]) known.set(key, inspect);
  await markHostNamespaceJoins(scanned, async (ref) => {
    if (known.has(ref)) return known.get(ref)!;
    let found: ContainerInspect | null = null;
    try {
      found = (await docker.getContainer(ref).inspect()) as unknown as ContainerInspect;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw new EngineError(engineFailure(null, err));
    }
    known.set(ref, found);
    return found;
  });

  if (opts.images) {
    for (const [imageId, reference] of images) {
      const display = `image://${reference}`;
      try {
        const scans = await readEngineImage(docker, imageId, opts.images);
        let count = 0;
        for (const s of scans) count += addTargets(out, normalizeImage(s, { reference, detectors: opts.images.detectors, bases: opts.images.bases }), false);
        out.inputs.push({ path: display, format: 'docker-engine', status: 'parsed', targets: count });
      } catch (err) {
        if (err instanceof EngineError) throw err;
        const reason = err instanceof ImageReadError ? err.reason : (err as Error).message;
        out.inputs.push({ path: display, format: 'docker-engine', status: 'error', error: `${display}: ${reason}` });
        for (const item of IMAGE_ITEMS) out.inputErrorItems.add(item);
      }
    }
  }
  return out;
}

/**
 * One file of a container's filesystem through `GET /containers/{id}/archive` (a tar of that path):
 * works for running and stopped containers and runs nothing inside them. The archive holds a symlink
 * as a symlink (`/etc/passwd -> /etc/real-passwd`): it is followed, as the container's libc would,
 * up to a few hops. Null when absent or unreadable.
 */
async function readContainerFile(docker: Docker, id: string, path: string): Promise<string | null> {
  let current = path;
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    const entry = await readArchiveEntry(docker, id, current);
    if (!entry) return null;
    if (entry.text !== null) return entry.text;
    if (entry.link === null) return null;
    current = posix.resolve(posix.dirname(current), entry.link);
  }
  return null;
}

const MAX_SYMLINK_HOPS = 8;

async function readArchiveEntry(docker: Docker, id: string, path: string): Promise<{ text: string | null; link: string | null } | null> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getContainer(id).getArchive({ path });
  } catch {
    return null;
  }
  const { extract } = external<typeof import('tar-stream')>('tar-stream');
  const ex = extract();
  let text: string | null = null;
  let link: string | null = null;
  let seen = false;
  await new Promise<void>((resolve) => {
    ex.on('entry', (header, entry, next) => {
      // The first entry is the path itself (a file, or a symlink to follow).
      if (seen || (header.type !== 'file' && header.type !== 'symlink')) {
        seen = true;
        entry.on('end', () => next());
        entry.resume();
        return;
      }
      seen = true;
      if (header.type === 'symlink') {
        link = header.linkname ?? null;
        entry.on('end', () => next());
        entry.resume();
        return;
      }
      const parts: Buffer[] = [];
      let len = 0;
      entry.on('data', (c: unknown) => {
        const b = c as Buffer;
        if (len < MAX_ACCOUNT_FILE) parts.push(b);
        len += b.length;
      });
      entry.on('end', () => {
        text = Buffer.concat(parts).subarray(0, MAX_ACCOUNT_FILE).toString('utf8');
        next();
      });
    });
    ex.on('finish', () => resolve());
    ex.on('error', () => resolve());
    (stream as unknown as NodeJS.ReadableStream).on('error', () => resolve());
    (stream as NodeJS.ReadableStream).pipe(ex as unknown as NodeJS.WritableStream);
  });
  return { text, link };
}
