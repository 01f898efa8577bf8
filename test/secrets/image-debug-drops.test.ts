import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint as fp } from '../../src/analyzers/secrets/index.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { dir, dockerArchive, file } from '../image/helpers/craft.js';
import { tmp } from '../image/helpers/scan.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { buildCli, runCli, type CliResult } from '../workflow/cli.js';

/**
 * `sandcheck image --debug-secrets`: the drop log of `scan --debug-secrets` for what an image carries:
 * config Env, history steps and the files of every layer (with the layer and the line), on a real
 * `docker save` archive. Every candidate here is a placeholder, a reference or a documented example,
 * except one real token, which must be reported and never printed.
 */
const r = rng(9021);
const realToken = tokens.github(r);
const anthropicPlaceholder = `sk-ant-api03-${'x'.repeat(93)}AA`;
const githubPlaceholder = `ghp_${'x'.repeat(36)}`;

const image = {
  tag: 'sc/worker:1',
  config: { User: '1000', Env: ['PATH=/usr/bin', 'DB_PASSWORD=changeme', 'API_TOKEN=${API_TOKEN}', `ANTHROPIC_API_KEY=${anthropicPlaceholder}`] },
  history: [
    { created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' },
    { created_by: `/bin/sh -c #(nop)  ENV SESSION_SECRET=${'a'.repeat(24)}`, empty_layer: true },
    { created_by: `/bin/sh -c echo ${githubPlaceholder} > /dev/null` },
    // The classic builder repeats a build arg in front of every later RUN: its drop is listed once, at the first.
    { created_by: '|1 WEBHOOK_SECRET=changeme /bin/sh -c make', empty_layer: true },
    { created_by: '|1 WEBHOOK_SECRET=changeme /bin/sh -c make install', empty_layer: true },
  ],
  layers: [
    [dir('etc/'), file('etc/passwd', 'app:x:1000:1000::/home/app:/bin/sh\n')],
    [dir('app/'), file('app/.env', `# worker settings\nWEBHOOK_TOKEN=tooshort1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nGITHUB_TOKEN=${realToken}\n`)],
  ],
};

let cli: { bin: string; cleanup(): void };
let work: string;
let withFlag: CliResult;
let without: CliResult;

beforeAll(async () => {
  cli = await buildCli();
  work = tmp('sc-image-drops-');
  writeFileSync(join(work, 'worker.tar'), await dockerArchive(image));
  withFlag = runCli(cli.bin, ['image', 'worker.tar', '--debug-secrets', '--format', 'json'], { cwd: work });
  without = runCli(cli.bin, ['image', 'worker.tar', '--format', 'json'], { cwd: work });
}, 120_000);

afterAll(() => {
  cli?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('image --debug-secrets', () => {
  it('prints no value: neither the real token nor any placeholder body', () => {
    expectNotPrinted(withFlag.stdout + withFlag.stderr, [realToken, 'changeme', 'tooshort1', 'AKIAIOSFODNN7EXAMPLE']);
  });

  it('lists each dropped candidate of config Env, history and layer files once, with the layer and line, sorted by place, line, detector and fingerprint', () => {
    const lines = withFlag.stderr.split('\n').filter((l) => l.startsWith('sandcheck: dropped ') || l.startsWith('sandcheck: --debug-secrets'));
    const at = 'sc/worker:1 (worker.tar)';
    expect(lines).toEqual([
      'sandcheck: --debug-secrets: 9 candidates dropped by the false-positive filters (file:line detector reason fingerprint [name])',
      `sandcheck: dropped ${at} config Env anthropic-api-key placeholder ${fp(anthropicPlaceholder)} ANTHROPIC_API_KEY (a placeholder)`,
      `sandcheck: dropped ${at} config Env anthropic-key-variable placeholder ${fp(anthropicPlaceholder)} ANTHROPIC_API_KEY (a placeholder)`,
      `sandcheck: dropped ${at} config Env generic-secret reference ${fp('${API_TOKEN}')} API_TOKEN (a reference, not a value)`,
      `sandcheck: dropped ${at} config Env generic-secret placeholder ${fp('changeme')} DB_PASSWORD (a placeholder)`,
      `sandcheck: dropped ${at} history 2 (ENV) generic-secret repeated ${fp('a'.repeat(24))} SESSION_SECRET (a run of one repeated character)`,
      `sandcheck: dropped ${at} history 3 (RUN, layer 2) github-token placeholder ${fp(githubPlaceholder)} (a placeholder)`,
      `sandcheck: dropped ${at} history 4 (RUN) generic-secret placeholder ${fp('changeme')} WEBHOOK_SECRET (a placeholder)`,
      `sandcheck: dropped ${at} layer 2 /app/.env:2 generic-secret low-entropy ${fp('tooshort1')} WEBHOOK_TOKEN (low entropy)`,
      `sandcheck: dropped ${at} layer 2 /app/.env:3 aws-access-key-id example ${fp('AKIAIOSFODNN7EXAMPLE')} AWS_ACCESS_KEY_ID (a documented example value)`,
    ]);
  });

  it('is off by default, and changes neither the report nor the exit code (the real token fails the run either way)', () => {
    // First: the report comparison below prints both reports when they differ.
    expectNotPrinted(without.stdout + without.stderr, [realToken]);
    expect(without.status).toBe(1);
    expect(withFlag.status).toBe(1);
    expect(without.stderr).not.toContain('dropped');
    const report = JSON.parse(without.stdout) as { generatedAt?: string; findings: { ruleId: string; verdict: string; message: string }[] };
    const flagged = JSON.parse(withFlag.stdout) as typeof report;
    delete report.generatedAt;
    delete flagged.generatedAt;
    expect(flagged).toEqual(report);
    const secrets = report.findings.filter((f) => f.verdict === 'fail' && f.ruleId.startsWith('image-secret'));
    expect(secrets.map((f) => f.ruleId)).toEqual(['image-secret-layer-file']);
    expect(secrets[0]!.message).toContain(fp(realToken));
  });
});
