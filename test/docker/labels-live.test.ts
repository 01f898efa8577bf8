import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { fingerprint as fp } from '../../src/analyzers/secrets/index.js';
import { tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';
import { buildCli, runCli, type CliResult } from '../workflow/cli.js';

/**
 * On a real engine: `docker create --label` with a token and a password, a label inherited from the
 * image's LABEL, and a token in `-e`. `sandcheck docker` without --images reports each at the container
 * (Config.Labels / Config.Env) under the rule an env value gets, and prints none of them.
 */
const engine = testEngine();
const IMAGE = 'sc-test/labels-live:1';
const NAME = 'sc-labels-live';
const r = rng(6047);
// Made-up values, never real credentials.
const RUN_TOKEN = tokens.github(r);
const RUN_PASSWORD = 'Hq4Zt8Wm3Kx7Lp2Vn9Rc';
const IMAGE_TOKEN = tokens.npm(r);
const ENV_TOKEN = tokens.gitlab(r);
const ALL = [RUN_TOKEN, RUN_PASSWORD, IMAGE_TOKEN, ENV_TOKEN];

let cli: { bin: string; cleanup(): void } | undefined;
let res: CliResult;

describe.skipIf(!engine.host)(`sandcheck docker: live container labels${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  beforeAll(async () => {
    cli = await buildCli();
    await buildImage(engine, tempDir(), IMAGE, `FROM scratch\nCOPY busybox /bin/busybox\nLABEL org.example.npm-token=${IMAGE_TOKEN}\nUSER 10001:10001\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n`);
    docker(engine, ['rm', '-f', NAME]);
    docker(engine, ['create', '--name', NAME, '--label', `org.example.deploy-token=${RUN_TOKEN}`, '--label', `DB_PASSWORD=${RUN_PASSWORD}`, '--label', 'team=agents', '-e', `GITLAB_TOKEN=${ENV_TOKEN}`, IMAGE]);
    res = runCli(cli.bin, ['docker', '--all', '--name', NAME, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
  }, 240_000);
  afterAll(() => {
    docker(engine, ['rm', '-f', NAME]);
    cli?.cleanup();
  });

  it('reports every label and env secret at the container, without --images, and prints none', () => {
    expectNotPrinted(res.stdout + res.stderr, ALL);
    expect(res.status).toBe(1);
    const report = JSON.parse(res.stdout) as { findings: { ruleId: string; verdict: string; location: { uri?: string; detail?: string }; evidence?: { fingerprint?: string } }[] };
    const secrets = report.findings.filter((f) => f.ruleId.startsWith('secret-') || f.ruleId.startsWith('image-secret-'));
    expect(secrets.map((f) => [f.ruleId, f.verdict, f.location.uri, f.location.detail, f.evidence?.fingerprint]).sort()).toEqual(
      [
        ['secret-generic-literal', 'fail', `docker://container/${NAME}`, 'Config.Labels DB_PASSWORD', fp(RUN_PASSWORD)],
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Env GITLAB_TOKEN', fp(ENV_TOKEN)],
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Labels org.example.deploy-token', fp(RUN_TOKEN)],
        // The engine merges the image's labels into the container's: found at the container too.
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Labels org.example.npm-token', fp(IMAGE_TOKEN)],
      ].sort(),
    );
  });
});
