import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { external } from '../../util/vendor.js';

/** The engine could not be used: one clear line for the CLI, exit 2. Never "0 findings". */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface EngineTarget {
  /** As shown to the user: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  url: string;
  options: Docker.DockerOptions;
}

/** `--docker-host`, else `DOCKER_HOST`, else the default socket. Only unix:// and tcp:// (plain HTTP). */
export function engineTarget(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): EngineTarget {
  const url = explicit || env['DOCKER_HOST'] || 'unix:///var/run/docker.sock';
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath) throw new EngineError(`invalid Docker host ${url}: no socket path`);
    return { url, options: { socketPath } };
  }
  if (url.startsWith('/')) return { url: `unix://${url}`, options: { socketPath: url } };
  const m = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(url);
  if (m) {
    const tls = m[1] === 'https' || env['DOCKER_TLS_VERIFY'] === '1';
    if (tls) throw new EngineError(`Docker host ${url}: TLS connections are not supported; use a unix socket or an SSH tunnel to it`);
    return { url, options: { host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3] ?? 2375), protocol: 'http' } };
  }
  throw new EngineError(`unsupported Docker host ${url} (expected unix:///path or tcp://host:port)`);
}

/** Connects and pings, turning every failure into one line that names the host. */
export async function connectEngine(explicit?: string | null, timeoutMs = 10_000): Promise<{ docker: Docker; url: string }> {
  const target = engineTarget(explicit);
  const DockerCtor = external<typeof import('dockerode')>('dockerode');
  noRedirects();
  const docker = new DockerCtor(target.options);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
  } catch (err) {
    const status = (err as { statusCode?: number })?.statusCode;
    // Something answered HTTP but not as an engine (a proxy, another service on the port).
    if (status === 404) throw new EngineError(`${target.url} answered HTTP 404 to /_ping: not a Docker engine API`);
    if (redirected(err)) throw new EngineError(`${target.url} answered /_ping with a redirect: not a Docker engine API`);
    throw new EngineError(engineFailure(target.url, err));
  } finally {
    clearTimeout(timer);
  }
  return { docker, url: target.url };
}

/**
 * The Docker API never redirects, but its router answers 301 to an unclean path, and something else on
 * the socket or port may too. docker-modem follows redirects with a request nobody listens to for
 * errors: a failed follow-up crashed the process (stack trace, exit 1). With no redirects followed the
 * 3xx is an ordinary failed call (exit 2).
 */
function noRedirects(): void {
  try {
    const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
    (fromDockerode('docker-modem/lib/http.js') as { maxRedirects: number }).maxRedirects = 0;
  } catch {
    // Another docker-modem layout: the reference check in the image input still keeps unclean paths away.
  }
}

/** One line for a failed engine call; `url` null when the caller holds only the client (a call after the ping). */
export function engineFailure(url: string | null, err: unknown): string {
  const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: unknown; reason?: string };
  const engine = url ? `the Docker engine at ${url}` : 'the Docker engine';
  switch (e?.code) {
    case 'ENOENT':
      return `cannot reach ${engine}: no such socket (is dockerd running? set DOCKER_HOST or --docker-host)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${engine} (run as a user in the docker group, or point --docker-host at a socket you can use)`;
    case 'ECONNREFUSED':
      return `cannot reach ${engine}: connection refused`;
    case 'ETIMEDOUT':
      return `${engine} did not answer within the timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the Docker host in ${url ?? 'DOCKER_HOST'}`;
  }
  if (redirected(err)) return `${engine} answered with a redirect, which the Docker API never does`;
  if (e?.statusCode) {
    // dockerode's own text ("(HTTP code 404) unexpected - ") says nothing; the engine's JSON message does.
    const json = e.json as { message?: unknown } | null | undefined;
    const said = json && typeof json.message === 'string' && json.message.trim() ? `: ${json.message.trim()}` : '';
    return `${engine} answered ${e.statusCode}${said}`;
  }
  return `cannot use ${engine}: ${e?.message ?? String(err)}`;
}

/** A 3xx, or docker-modem's error for a redirect it did not follow (see noRedirects). */
function redirected(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: unknown } | null;
  if (e?.statusCode !== undefined && e.statusCode >= 300 && e.statusCode < 400) return true;
  return typeof e?.message === 'string' && e.message.startsWith('Max redirects exceeded');
}
