import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dir, dockerArchive, file, ociMembers, writeDir } from '../image/helpers/craft.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';
import { scanBuffer, targetsOf } from '../image/helpers/scan.js';
import { scanLayerFile } from '../../src/analyzers/image-secrets.js';
import { ScanWindows } from '../../src/inputs/image/layer-scan.js';

// Problems found by auditing images as a new user would (docs/trial-live.md); each case failed before its fix.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number) => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
const anthropicKey = () => `sk-ant-api03-${random(86)}-${random(6)}AA`;

type Finding = { ruleId: string; verdict: string; location: { uri?: string; detail?: string }; message: string };
const where = (report: Record<string, any>) => (report.findings as Finding[]).map((f) => `${f.ruleId} @ ${f.location.detail}`).sort();
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/sandcheck-trial.sock' };

async function archive(path: string, img: Parameters<typeof dockerArchive>[0]): Promise<string> {
  writeFileSync(path, await dockerArchive(img));
  return path;
}

describe('sandcheck image: what a user audits', () => {
  it('reports a key held in a config label, even when no history step shows it (docker import --change LABEL)', async () => {
    const key = anthropicKey();
    const d = tempDir();
    await archive(join(d, 'imported.tar'), {
      tag: 'trial/imported:1',
      config: { User: '1000', Labels: { 'api.key': key, 'org.opencontainers.image.title': 'worker' } },
      history: [{ created_by: '', comment: 'Imported from -' }],
      layers: [[dir('etc/'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n')]],
    });
    const r = sandcheck(['image', 'imported.tar', '-f', 'json'], { cwd: d, env: NO_ENGINE });
    expect(r.code).toBe(1);
    const report = json(r, [key]);
    const secrets = (report.findings as Finding[]).filter((f) => f.ruleId === 'image-secret-env');
    expect(secrets.map((f) => [f.verdict, f.location.detail, f.location.uri?.startsWith('image://imported.tar@sha256:')])).toEqual([['fail', 'config Labels api.key', true]]);
    expect(secrets[0]!.message).toMatch(/^label api\.key holds a secret \(anthropic-api-key, fingerprint sk-a:[0-9a-f]{12}\) in the image config$/);
    expect(report.checklist.find((c: { id: string }) => c.id === 'key-storage').verdict).toBe('fail');
    expectNotPrinted(r.stdout + r.stderr, [key]);
  });

  it('reports a key held in an OCI manifest annotation (umoci config --manifest.annotation, buildx --annotation)', async () => {
    const key = anthropicKey();
    const d = tempDir();
    const { members } = await ociMembers(
      { tag: 'v1', config: { User: '1000' }, layers: [[dir('etc/'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n')]] },
      { annotations: { 'org.example.apikey': key, 'org.opencontainers.image.source': 'https://example.com/worker' } },
    );
    writeDir(join(d, 'layout'), members);
    const r = sandcheck(['image', 'layout', '-f', 'json'], { cwd: d, env: NO_ENGINE });
    expect(r.code).toBe(1);
    const report = json(r, [key]);
    expect(where(report).filter((w) => w.startsWith('image-secret'))).toEqual(['image-secret-env @ manifest annotations org.example.apikey']);
    expectNotPrinted(r.stdout + r.stderr, [key]);
  });

  it('finds a key past the first MiB of a large .env, at its line in the whole file', async () => {
    const key = anthropicKey();
    const d = tempDir();
    const filler = Array.from({ length: 50_000 }, (_, i) => `SETTING_${i}=value-${i}`).join('\n') + '\n';
    expect(filler.length).toBeGreaterThan(1024 * 1024);
    const line = 50_001;
    await archive(join(d, 'big-env.tar'), {
      tag: 'trial/big-env:1',
      config: { User: '1000' },
      layers: [[dir('app/'), file('app/.env', `${filler}ANTHROPIC_ENVIRONMENT_KEY=${key}\n`)]],
    });
    const r = sandcheck(['image', 'big-env.tar', '-f', 'json'], { cwd: d, env: NO_ENGINE });
    expect(r.code).toBe(1);
    const report = json(r, [key]);
    expect(where(report).filter((w) => w.startsWith('image-secret'))).toEqual([`image-secret-layer-file @ layer 1 /app/.env:${line}`]);
    expectNotPrinted(r.stdout + r.stderr, [key]);
  });

  it('finds a private key that straddles a window boundary: windows overlap by whole lines', () => {
    const body = randomBytes(600).toString('base64').match(/.{1,64}/g)!.join('\n');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
    const filler = '# certificate bundle notes, nothing secret here\n'.repeat(80);
    const text = Buffer.from(filler + pem + filler);
    // 4 KiB windows (1 KiB overlap) fed 100 bytes at a time: the first cut falls inside the PEM block.
    const pemAt = filler.length;
    expect(pemAt < 4096 && pemAt + pem.length > 4096 + 100).toBe(true);
    const windows = new ScanWindows(4096, (content, lineOffset) =>
      scanLayerFile({ path: 'app/bundle.pem', kind: 'pem', content, truncated: false }).map((h) => ({ ...h, line: h.line != null ? h.line + lineOffset : null })),
    );
    for (let i = 0; i < text.length; i += 100) windows.push(text.subarray(i, i + 100));
    const { size, hits } = windows.end();
    expect(size).toBe(text.length);
    expect(hits.map((h) => [h.detector, h.line])).toEqual([['private-key', 81]]);
  });

  it('scans a scored file window by window: lines across windows, one hit per secret, a name-only hit only when nothing else is found', async () => {
    const token = `ghp_${random(36)}`;
    const lines = Array.from({ length: 40 }, (_, i) => `# note ${i} about the mirror`);
    const img = {
      layers: [
        [
          dir('root/'),
          // 64-byte windows: the token is on line 41 and again on line 43, far past the first window.
          file('root/.git-credentials', [...lines, `https://bot:${token}@github.com`, '', `https://bot:${token}@github.com`, ''].join('\n')),
          file('root/.pgpass', lines.join('\n') + '\n'),
        ],
      ],
    };
    const [scan] = await scanBuffer(await dockerArchive(img), { limits: { maxFileBytes: 64 } });
    const { image } = targetsOf(scan!);
    expect(image.data.secrets.files.map((s) => [s.where, s.detector])).toEqual([
      ['layer 1 /root/.git-credentials:41', 'github-token'],
      ['layer 1 /root/.pgpass', 'credential-file'],
    ]);
  });

  it('a path that does not exist is an input error naming it, not a question to the Docker engine', () => {
    const d = tempDir();
    for (const arg of ['./nothere.tar', join(d, 'nothere.tar'), 'Worker.TAR']) {
      const r = sandcheck(['image', arg, '-f', 'json'], { cwd: d, env: NO_ENGINE });
      expect(r.code, arg).toBe(2);
      expect(r.stderr, arg).toBe(`sandcheck: input error: ${arg}: no such file or folder, and not an image reference\n`);
      expect(json(r).inputs, arg).toEqual([expect.objectContaining({ path: arg, status: 'error', error: `${arg}: no such file or folder, and not an image reference` })]);
    }
  });

  it('an image reference that is not in an unreachable engine is still the engine error (exit 2)', () => {
    const r = sandcheck(['image', 'trial/worker:1.4'], { env: NO_ENGINE });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: cannot reach the Docker engine at unix:///nonexistent/sandcheck-trial.sock: no such socket (is dockerd running? set DOCKER_HOST or --docker-host)\n');
  });
});

const engine = testEngine();

describe.skipIf(!engine.host)(`sandcheck image against a live engine${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  it('a missing ./path with a reachable engine is an input error (exit 2), not a crash on the engine redirect', () => {
    const d = tempDir();
    const r = sandcheck(['image', './nothere.tar'], { cwd: d, env: { DOCKER_HOST: engine.host! } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sandcheck: input error: ./nothere.tar: no such file or folder, and not an image reference\n');
  });

  it('an image named by its id is judged by its tags, not as an untagged "latest" reference', async () => {
    await buildImage(engine, tempDir(), 'sc-trial/by-id:1', 'FROM scratch\nCOPY busybox /bin/busybox\nUSER 10001:10001\n');
    const id = docker(engine, ['image', 'inspect', '--format', '{{.Id}}', 'sc-trial/by-id:1']).trim();
    for (const arg of [id.slice(7, 19), id]) {
      const r = sandcheck(['image', arg, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
      expect(r.code, arg).toBe(1);
      const supply = (json(r).findings as (Finding & { target: { name: string } })[]).filter((f) => f.ruleId.startsWith('container-image-'));
      expect(supply.map((f) => [f.ruleId, f.location.detail, f.message, f.target.name]), arg).toEqual([
        ['container-image-unpinned', 'image reference', 'Uses image sc-trial/by-id:1 without a digest', `sc-trial/by-id:1 (${arg}) › image defaults`],
      ]);
    }
  });
});
