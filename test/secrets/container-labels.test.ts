import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { containerLabelDetector } from '../../src/analyzers/container-labels.js';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { normalizeContainer, parseContainerFiles, type ContainerInspect } from '../../src/inputs/docker/containers.js';
import { tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { buildCli } from '../workflow/cli.js';

/**
 * Live container labels (`docker run --label`, or inherited from the image's LABEL) are read without
 * `--images`: a label holding a secret is a key-storage finding at the container, as its env is, and the
 * workload keeps the label as `[redacted <fingerprint>]` (a name that is a key likewise; a value over
 * 1,024 characters not kept), as image labels are. Engine-free: a fake engine answers the few calls
 * `sandcheck docker` makes with a captured inspect result.
 */
const r = rng(9151);
// Made-up values, never real credentials.
const PASSWORD = 'Rw8Kt3Zq7Lp2Vm9Xc4Nb';
const LABEL_TOKEN = tokens.github(r);
const KEY_AS_NAME = tokens.awsKeyId(r);
const ENV_KEY = tokens.environmentKey(r);
const ENV_TOKEN = tokens.gitlab(r);
const ALL = [PASSWORD, LABEL_TOKEN, KEY_AS_NAME, ENV_KEY, ENV_TOKEN];
const LONG = 'lorem ipsum dolor sit amet '.repeat(4000);
const NAME = 'sc-labels';

const base = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'docker', 'fixtures', 'inspect-hardened.json'), 'utf8')) as ContainerInspect;
const inspect: ContainerInspect = {
  ...base,
  Name: `/${NAME}`,
  Config: {
    ...base.Config,
    Env: ['PATH=/bin', `GITLAB_TOKEN=${ENV_TOKEN}`],
    Labels: {
      DB_PASSWORD: PASSWORD,
      'org.example.token': LABEL_TOKEN,
      [KEY_AS_NAME]: '1',
      ANTHROPIC_ENVIRONMENT_KEY: ENV_KEY,
      SMTP_PASSWORD: 'changeme',
      'com.docker.compose.project': 'tenant-a',
      'org.example.licence-text': LONG,
    },
  },
};

describe('live container labels, normalized', () => {
  it('the workload keeps no secret and no overlong value; the container records each secret, never its value', () => {
    const { workload, container } = normalizeContainer(inspect, parseContainerFiles(null, null), containerLabelDetector);
    // (The container's env keeps its values, as every container target does: the key-storage rules read them there.)
    const { env: _env, ...rest } = container.data;
    expectNotPrinted(JSON.stringify(workload.data) + JSON.stringify(rest) + JSON.stringify([...container.locations, ...workload.locations]), ALL);
    expect(JSON.stringify(workload.data)).not.toContain('lorem ipsum dolor sit amet lorem');
    expect(workload.data.labels).toEqual({
      DB_PASSWORD: `[redacted ${fingerprint(PASSWORD)}]`,
      'org.example.token': `[redacted ${fingerprint(LABEL_TOKEN)}]`,
      [`[redacted ${fingerprint(KEY_AS_NAME)}]`]: '1',
      ANTHROPIC_ENVIRONMENT_KEY: `[redacted ${fingerprint(ENV_KEY)}]`,
      SMTP_PASSWORD: 'changeme',
      'com.docker.compose.project': 'tenant-a',
      'org.example.licence-text': '[not kept: longer than 1024 characters]',
    });
    // The compose project still gives the trust boundary.
    expect(container.boundary).toBe('compose project tenant-a');
    expect(container.data.labelSecrets.map((s) => [s.detector, s.name ?? null, s.fingerprint, container.locations.get(`/labelSecrets/${container.data.labelSecrets.indexOf(s)}`)!.detail])).toEqual([
      ['generic-secret', 'DB_PASSWORD', fingerprint(PASSWORD), 'Config.Labels DB_PASSWORD'],
      ['github-token', 'org.example.token', fingerprint(LABEL_TOKEN), 'Config.Labels org.example.token'],
      ['aws-access-key-id', null, fingerprint(KEY_AS_NAME), 'Config.Labels'],
      ['anthropic-environment-key', 'ANTHROPIC_ENVIRONMENT_KEY', fingerprint(ENV_KEY), 'Config.Labels ANTHROPIC_ENVIRONMENT_KEY'],
    ]);
    // Drops are collected only while --debug-secrets listens.
    expect(container.data.labelDrops).toBeUndefined();
  });
});

let server: Server | undefined;
let host = '';
let cli: { bin: string; cleanup(): void } | undefined;
let dir = '';

/** The calls `sandcheck docker` makes: ping, list, inspect, and the archive reads of /etc/passwd and /etc/group (absent here). */
async function fakeEngine(): Promise<string> {
  const sock = join(tempDir(), 'engine.sock');
  server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').replace(/\?.*$/, '');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/_ping') return res.writeHead(200).end('OK');
    if (path === '/containers/json') return send(200, [{ Id: inspect.Id, Names: [`/${NAME}`], Image: inspect.Config.Image, Labels: {} }]);
    if (path === `/containers/${inspect.Id}/json`) return send(200, inspect);
    if (path === `/containers/${inspect.Id}/archive`) return send(404, { message: 'Could not find the file in container' });
    return send(404, { message: `unexpected call ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server!.listen(sock, resolve));
  return `unix://${sock}`;
}

/** The CLI as a child process, without blocking this process (the fake engine must answer meanwhile). */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli!.bin, ...args, '--docker-host', host], { cwd: dir, env: { ...process.env, NO_COLOR: '1', DOCKER_HOST: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

interface Finding {
  ruleId: string;
  verdict: string;
  message: string;
  location: { uri?: string; detail?: string; file?: string };
  evidence?: { fingerprint?: string };
}

describe('sandcheck docker (no --images): a secret in a label or in env is a key-storage finding at the container', () => {
  beforeAll(async () => {
    cli = await buildCli();
    host = await fakeEngine();
    dir = tempDir();
  }, 120_000);
  afterAll(() => {
    server?.close();
    cli?.cleanup();
  });

  it('each label secret and the env secret fail the rule an env value gets, at docker://container/<name>', async () => {
    const res = await run(['docker', '-f', 'json']);
    expectNotPrinted(res.stdout + res.stderr, ALL);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as { findings: Finding[] };
    const secrets = report.findings.filter((f) => f.ruleId.startsWith('secret-'));
    expect(secrets.map((f) => [f.ruleId, f.verdict, f.location.uri, f.location.detail, f.evidence?.fingerprint]).sort()).toEqual(
      [
        ['secret-environment-key-literal', 'fail', `docker://container/${NAME}`, 'Config.Labels ANTHROPIC_ENVIRONMENT_KEY', fingerprint(ENV_KEY)],
        ['secret-generic-literal', 'fail', `docker://container/${NAME}`, 'Config.Labels DB_PASSWORD', fingerprint(PASSWORD)],
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Env GITLAB_TOKEN', fingerprint(ENV_TOKEN)],
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Labels', fingerprint(KEY_AS_NAME)],
        ['secret-provider-token', 'fail', `docker://container/${NAME}`, 'Config.Labels org.example.token', fingerprint(LABEL_TOKEN)],
      ].sort(),
    );
    // A key written as the label's name is not named: the message shows the container and the fingerprint.
    expect(secrets.find((f) => f.location.detail === 'Config.Labels')!.message).toBe(`AWS access key id in ${NAME} (label name, fingerprint ${fingerprint(KEY_AS_NAME)})`);
    expect(secrets.find((f) => f.location.detail === 'Config.Labels org.example.token')!.message).toMatch(new RegExp(`in org\\.example\\.token \\(label, fingerprint ${fingerprint(LABEL_TOKEN).replace(/[*]/g, '\\*')}\\)$`));
  });

  it('prints no secret in any format, and a user rule printing a label prints its fingerprint', async () => {
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(
      join(dir, 'rules', 'label-echo.yaml'),
      [
        'id: label-echo',
        'title: Labels are echoed (test rule)',
        'checklist: supply-chain',
        'severity: low',
        'target: workload',
        'given: /labels',
        'assert: { required: [org.opencontainers.image.revision] }',
        'message: "password {{node.DB_PASSWORD}}"',
        'rationale: A test rule that prints a label value, as a user rule may.',
        'remediation: Nothing to fix; the rule shows what a message can print.',
        '',
      ].join('\n'),
    );
    for (const format of ['text', 'sarif', 'markdown', 'junit']) {
      const res = await run(['docker', '--rules', join(dir, 'rules'), '-f', format]);
      expectNotPrinted(res.stdout + res.stderr, ALL);
      expect(res.code, format).toBe(1);
    }
    const res = await run(['docker', '--rules', join(dir, 'rules'), '-f', 'json']);
    expectNotPrinted(res.stdout + res.stderr, ALL);
    const report = JSON.parse(res.stdout) as { findings: Finding[] };
    expect(report.findings.find((f) => f.ruleId === 'label-echo')!.message).toBe(`password [redacted ${fingerprint(PASSWORD)}]`);
  });

  it('--debug-secrets lists a dropped label candidate placed as its findings are, and no value', async () => {
    const res = await run(['docker', '--debug-secrets', '-f', 'json', '-o', join(dir, 'out.json')]);
    expectNotPrinted(res.stdout + res.stderr + readFileSync(join(dir, 'out.json'), 'utf8'), ALL);
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('sandcheck: dropped ') || l.startsWith('sandcheck: --debug-secrets'));
    expect(lines).toEqual([
      'sandcheck: --debug-secrets: 1 candidate dropped by the false-positive filters (file:line detector reason fingerprint [name])',
      `sandcheck: dropped docker://container/${NAME} (Config.Labels SMTP_PASSWORD) generic-secret placeholder ${fingerprint('changeme')} SMTP_PASSWORD (a placeholder)`,
    ]);
  });
});
