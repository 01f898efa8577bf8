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
    throw new EngineError(engineFailure(target.url, err));
  } finally {
    clearTimeout(timer);
  }
  return { docker, url: target.url };
}

export function engineFailure(url: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } };
  switch (e?.code) {
    case 'ENOENT':
      return `cannot reach the Docker engine at ${url}: no such socket (is dockerd running? set DOCKER_HOST or --docker-host)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on the Docker engine at ${url} (run as a user in the docker group, or point --docker-host at a socket you can use)`;
    case 'ECONNREFUSED':
      return `cannot reach the Docker engine at ${url}: connection refused`;
    case 'ETIMEDOUT':
      return `the Docker engine at ${url} did not answer within the timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the Docker host in ${url}`;
  }
  if (e?.statusCode) return `the Docker engine at ${url} answered ${e.statusCode}: ${e.json?.message ?? e.message}`;
  return `cannot use the Docker engine at ${url}: ${e?.message ?? String(err)}`;
}
