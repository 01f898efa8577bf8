import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { buildImage, docker, hasSkopeo, testEngine } from './helpers/engine.js';
import { expectNotPrinted } from '../helpers/redaction.js';

// Images built by a real Docker engine (FROM scratch + busybox-static), audited as `docker save`
// archives, as skopeo-converted OCI layouts (gzip dir, zstd archive), and by reference from the engine.
// The same (rule, location) pairs must come out of every format: one rule, many sources.
const engine = testEngine();
const r = rng(99);
const GH = tokens.github(r);
const NPM = tokens.npm(r);
const AWS = tokens.awsKeyId(r);
const LEAKY = 'sc-test/leaky:1';
const HARDENED = 'sc-test/hardened:1';

type Finding = { ruleId: string; verdict: string; location: { uri?: string; detail?: string }; message: string };

function pairs(report: Record<string, any>): string[] {
  return (report.findings as Finding[]).map((f) => `${f.ruleId} @ ${f.location.detail}`).sort();
}

describe.skipIf(!engine.host)(`images from a real Docker engine${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = tempDir();
    server = createServer((_, res) => res.end('#!/bin/sh\necho tool\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await buildImage(
      engine,
      join(dir, 'leaky'),
      LEAKY,
      `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /etc /root /app && printf 'root:x:0:0:root:/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\napp:x:10001:10001::/home/app:/bin/sh\\n' > /etc/passwd
ENV GITHUB_TOKEN=${GH}
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > /root/.npmrc && rm /root/.npmrc
COPY app.env /app/.env
RUN rm /app/.env
RUN cp /bin/busybox /bin/helper && chmod 4755 /bin/helper
ADD http://127.0.0.1:${port}/tool.sh /usr/local/bin/tool.sh
HEALTHCHECK CMD true
USER toor
`,
      { 'app.env': `# prod\nAWS_ACCESS_KEY_ID=${AWS}\n` },
      { NPM_TOKEN: NPM },
    );
    await buildImage(
      engine,
      join(dir, 'hardened'),
      HARDENED,
      `FROM scratch
COPY busybox /bin/busybox
COPY passwd /etc/passwd
USER 10001:10001
`,
      { passwd: 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n' },
    );
    docker(engine, ['save', '-o', join(dir, 'leaky.tar'), LEAKY]);
    docker(engine, ['save', '-o', join(dir, 'hardened.tar'), HARDENED]);
  }, 240_000);
  afterAll(() => server?.close());

  // History steps 1-12 (counted from 1, as layers are): COPY busybox (layer 1), RUN install (2), RUN passwd (3), ENV, ARG, RUN npmrc
  // (no change: an empty layer), COPY .env (4), RUN rm (5), RUN chmod (6), ADD (7), HEALTHCHECK, USER. The build arg is recorded in
  // front of every RUN after ARG; it is reported once, at the first.
  const LEAKY_FINDINGS = [
    'container-image-unpinned @ image reference',
    'container-run-as-root @ config User',
    'image-provenance-unverified @ provenance',
    'image-remote-add @ history 10 (ADD, layer 7)',
    'image-secret-env @ config Env GITHUB_TOKEN',
    'image-secret-history @ history 4 (ENV)',
    'image-secret-history @ history 6 (RUN)',
    'image-secret-layer-file @ layer 4 /app/.env:2',
    'image-setuid-unexpected @ layer 6 /bin/helper',
  ];

  it('audits a docker save archive: user, secrets in ENV/history/deleted layer file, setuid, remote ADD', () => {
    const res = sandcheck(['image', join(dir, 'leaky.tar'), '-f', 'json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1);
    const report = json(res);
    expect(pairs(report)).toEqual(LEAKY_FINDINGS);
    const layerFile = report.findings.find((f: Finding) => f.ruleId === 'image-secret-layer-file');
    expect(layerFile.message).toMatch(/^aws-access-key-id in layer 4 \/app\/.env:2, deleted in layer 5 but still in the image \(fingerprint AKIA:[0-9a-f]{12}\)$/);
    expect(layerFile.location.uri).toMatch(new RegExp(`^image://${dir.replace(/[/.]/g, '\\$&')}/leaky\\.tar@sha256:[0-9a-f]{64}$`));
    expectNotPrinted(res.stdout + res.stderr, [GH, NPM, AWS]);
  });

  it('gives the same findings for the image by reference, streamed from the engine', () => {
    const res = sandcheck(['image', LEAKY, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
    expect(res.code).toBe(1);
    const report = json(res);
    expect(pairs(report)).toEqual(LEAKY_FINDINGS);
    expect(report.findings[0].location.uri).toMatch(/^image:\/\/sc-test\/leaky:1@sha256:[0-9a-f]{64}$/);
    expect(report.inputs).toEqual([{ path: LEAKY, format: 'docker-engine', status: 'parsed', targets: 2 }]);
  });

  it.skipIf(!hasSkopeo())('gives the same findings for skopeo OCI layouts (gzip folder, zstd archive)', () => {
    execFileSync('skopeo', ['copy', '-q', `docker-archive:${join(dir, 'leaky.tar')}`, `oci:${join(dir, 'oci-gz')}:v1`]);
    execFileSync('skopeo', ['copy', '-q', '--dest-compress-format', 'zstd', `docker-archive:${join(dir, 'leaky.tar')}`, `oci-archive:${join(dir, 'oci-zst.tar')}:v1`]);
    for (const p of ['oci-gz', 'oci-zst.tar']) {
      const res = sandcheck(['image', join(dir, p), '-f', 'json']);
      const report = json(res);
      // An OCI layout's bare tag (`v1`) is not a deployable reference, so the pinning rule does not apply.
      expect(pairs(report), p).toEqual(LEAKY_FINDINGS.filter((f) => !f.startsWith('container-image-unpinned')));
    }
  });

  it('passes a hardened image except for the digest, provenance and (a warning) the missing HEALTHCHECK', () => {
    const res = sandcheck(['image', join(dir, 'hardened.tar'), '-f', 'json']);
    expect(pairs(json(res))).toEqual(['container-image-unpinned @ image reference', 'image-healthcheck-missing @ config Healthcheck', 'image-provenance-unverified @ provenance']);
  });

  it('verifies provenance when a trusted base matches by layer digest', () => {
    const res = sandcheck(['image', join(dir, 'leaky.tar'), '--base', join(dir, 'leaky.tar'), '-f', 'json']);
    expect(pairs(json(res))).toEqual(LEAKY_FINDINGS.filter((f) => f !== 'image-provenance-unverified @ provenance'));
    const other = sandcheck(['image', join(dir, 'leaky.tar'), '--base', join(dir, 'hardened.tar'), '-f', 'json']);
    expect(pairs(json(other))).toEqual(LEAKY_FINDINGS);
  });

  it('an image reference the engine does not have is an input error, exit 2', () => {
    const res = sandcheck(['image', 'sc-test/absent:9'], { env: { DOCKER_HOST: engine.host! } });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('sandcheck: input error: sc-test/absent:9: no such image in the Docker engine (sandcheck does not pull)\n');
  });
});

describe('an unreachable engine is one clear line and exit 2', () => {
  it('sandcheck image REF', () => {
    const res = sandcheck(['image', 'myorg/worker:1.4', '--docker-host', 'unix:///nonexistent/docker.sock']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('sandcheck: cannot reach the Docker engine at unix:///nonexistent/docker.sock: no such socket (is dockerd running? set DOCKER_HOST or --docker-host)\n');
  });

  it('an archive name that is no file here says it was taken as a reference (a typo reads as a Docker problem otherwise)', () => {
    const res = sandcheck(['image', 'worker.tar', '--docker-host', 'tcp://127.0.0.1:1'], { cwd: tempDir() });
    expect([res.code, res.stdout, res.stderr]).toEqual([2, '', 'sandcheck: cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused (worker.tar is no file here, so it was taken as an image reference)\n']);
    const base = sandcheck(['image', 'worker.tar', '--base', 'base.tar.gz', '--docker-host', 'tcp://127.0.0.1:1'], { cwd: tempDir() });
    expect([base.code, base.stderr]).toEqual([2, 'sandcheck: cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused (base.tar.gz is no file here, so it was taken as an image reference)\n']);
  });

  it('sandcheck docker, through DOCKER_HOST', () => {
    const res = sandcheck(['docker'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('sandcheck: cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused\n');
  });
});
