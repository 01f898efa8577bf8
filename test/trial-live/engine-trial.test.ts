import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, tempDir, type CliResult } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';

// Something that answers HTTP on the Docker host but is not an engine (a proxy, another service, an
// engine's router redirecting an unclean path). Before: "answered 404: (HTTP code 404) unexpected -",
// and a redirect crashed the CLI (unhandled 'error' event, stack trace, exit 1).

type Mode = 'not-found' | 'redirect' | 'ping-ok-then-redirect';

let server: Server | undefined;
afterEach(() => server?.close());

async function fakeHost(mode: Mode): Promise<string> {
  const sock = join(tempDir(), 'fake.sock');
  server = createServer((req, res) => {
    if (mode === 'not-found') res.writeHead(404).end('404 page not found\n');
    else if (mode === 'ping-ok-then-redirect' && req.url?.startsWith('/_ping')) res.writeHead(200).end('OK');
    else res.writeHead(301, { Location: 'http://images.invalid/x' }).end();
  });
  await new Promise<void>((resolve) => server!.listen(sock, resolve));
  return `unix://${sock}`;
}

/** The CLI as a child process, without blocking this process (the fake host must answer meanwhile). */
function run(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('a Docker host that is not a Docker engine', () => {
  it('HTTP 404 to /_ping: one line saying it is not an engine, exit 2', async () => {
    const host = await fakeHost('not-found');
    for (const args of [['docker'], ['image', 'trial/worker:1']]) {
      const r = await run([...args, '--docker-host', host]);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(`sandcheck: ${host} answered HTTP 404 to /_ping: not a Docker engine API\n`);
    }
  });

  it('a redirect to /_ping: exit 2, no crash', async () => {
    const host = await fakeHost('redirect');
    const r = await run(['docker', '--docker-host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sandcheck: ${host} answered /_ping with a redirect: not a Docker engine API\n`);
  });

  it('a redirect after a good ping (listing containers, inspecting an image): exit 2, no crash', async () => {
    const host = await fakeHost('ping-ok-then-redirect');
    for (const args of [['docker'], ['image', 'trial/worker:1']]) {
      const r = await run([...args, '--docker-host', host]);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe('sandcheck: the Docker engine answered with a redirect, which the Docker API never does\n');
    }
  });
});
