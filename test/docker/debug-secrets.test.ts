import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint as fp } from '../../src/analyzers/secrets/index.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';
import { buildCli, runCli, type CliResult } from '../workflow/cli.js';

/**
 * `sandcheck docker --debug-secrets`: the drop log of `scan`/`image --debug-secrets` for live containers
 * (their Config.Env) and, with --images, their images (config Env, history). One created container on
 * the private test engine; every candidate is a placeholder, a reference or low entropy except one real
 * token, which must be reported and never printed.
 */
const engine = testEngine();
const IMAGE = 'sc-test/h3-drops:1';
const NAME = 'sc-h3-drops';
const realToken = tokens.github(rng(4711));
const repeated = 'a'.repeat(24);

let cli: { bin: string; cleanup(): void } | undefined;
let withFlag: CliResult;
let without: CliResult;

describe.skipIf(!engine.host)(`sandcheck docker --debug-secrets${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  beforeAll(async () => {
    cli = await buildCli();
    await buildImage(engine, tempDir(), IMAGE, `FROM scratch\nCOPY busybox /bin/busybox\nENV SESSION_SECRET=${repeated}\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n`);
    docker(engine, ['rm', '-f', NAME]);
    docker(engine, ['create', '--name', NAME, '-e', 'DB_PASSWORD=changeme', '-e', 'API_TOKEN=${API_TOKEN}', '-e', 'WEBHOOK_TOKEN=tooshort1', '-e', `GITHUB_TOKEN=${realToken}`, IMAGE]);
    const env = { DOCKER_HOST: engine.host! };
    withFlag = runCli(cli.bin, ['docker', '--all', '--name', NAME, '--images', '--debug-secrets', '-f', 'json'], { env });
    without = runCli(cli.bin, ['docker', '--all', '--name', NAME, '--images', '-f', 'json'], { env });
  }, 240_000);
  afterAll(() => {
    docker(engine, ['rm', '-f', NAME]);
    cli?.cleanup();
  });

  it('prints no value: neither the real token nor any placeholder body', () => {
    expectNotPrinted(withFlag.stdout + withFlag.stderr + without.stdout + without.stderr, [realToken, 'changeme', 'tooshort1', repeated]);
  });

  it("lists each dropped candidate of the container's Config.Env and of its image, placed as findings are", () => {
    const lines = withFlag.stderr.split('\n').filter((l) => l.startsWith('sandcheck: dropped ') || l.startsWith('sandcheck: --debug-secrets'));
    const c = `docker://container/${NAME}`;
    const image = IMAGE;
    expect(lines).toEqual([
      'sandcheck: --debug-secrets: 6 candidates dropped by the false-positive filters (file:line detector reason fingerprint [name])',
      `sandcheck: dropped ${c} (Config.Env API_TOKEN) generic-secret reference ${fp('${API_TOKEN}')} API_TOKEN (a reference, not a value)`,
      `sandcheck: dropped ${c} (Config.Env DB_PASSWORD) generic-secret placeholder ${fp('changeme')} DB_PASSWORD (a placeholder)`,
      // Docker puts the image's ENV into the container's Config.Env as well.
      `sandcheck: dropped ${c} (Config.Env SESSION_SECRET) generic-secret repeated ${fp(repeated)} SESSION_SECRET (a run of one repeated character)`,
      `sandcheck: dropped ${c} (Config.Env WEBHOOK_TOKEN) generic-secret low-entropy ${fp('tooshort1')} WEBHOOK_TOKEN (low entropy)`,
      `sandcheck: dropped ${image} config Env generic-secret repeated ${fp(repeated)} SESSION_SECRET (a run of one repeated character)`,
      `sandcheck: dropped ${image} history 2 (ENV) generic-secret repeated ${fp(repeated)} SESSION_SECRET (a run of one repeated character)`,
    ]);
  });

  it('is off by default, and changes neither the report nor the exit code (the real token fails the run either way)', () => {
    expect([without.status, withFlag.status]).toEqual([1, 1]);
    expect(without.stderr.includes('dropped')).toBe(false);
    const report = JSON.parse(without.stdout) as { generatedAt?: string; findings: { ruleId: string; verdict: string; message: string; location: { detail?: string } }[] };
    const flagged = JSON.parse(withFlag.stdout) as typeof report;
    delete report.generatedAt;
    delete flagged.generatedAt;
    expect(flagged).toEqual(report);
    const secrets = report.findings.filter((f) => f.ruleId === 'secret-provider-token');
    expect(secrets.map((f) => f.location.detail)).toEqual(['Config.Env GITHUB_TOKEN']);
    expect(secrets[0]!.message.includes(fp(realToken))).toBe(true);
  });
});
