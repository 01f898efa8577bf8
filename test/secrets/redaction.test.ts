import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { dockerArchive } from '../image/helpers/craft.js';
import { buildCli, runCli, type CliResult } from '../workflow/cli.js';
import { ALNUM, chars, dockerAuth, googleServiceAccount, pem, PEM_KINDS, PEM_MAGIC, rng, tokens } from '../../bench/secrets/tokens.js';

/**
 * The redaction promise of the key-storage capability: secrets of every kind are planted in every
 * input format, every command runs in every output format (stdout, files, errors, logs), and no
 * 8-character window of a planted secret may appear anywhere. Public format prefixes
 * (`sk-ant-api03-`, `ghp_`, `-----BEGIN … KEY-----`) are shared by every key of a kind and are not
 * secret: windows are taken from the part after the prefix.
 * Not run here: `sandcheck docker` needs a live engine (test/docker covers its output against a real
 * dockerd); its findings come from the same detector and reporters exercised below.
 */
const r = rng(9001);
interface Planted {
  kind: string;
  /** The secret part: what must never be shown. */
  secret: string;
}
const planted: Planted[] = [];
function plant(kind: string, value: string, publicPrefix = 0): string {
  planted.push({ kind, secret: value.slice(publicPrefix) });
  return value;
}

const envKey = plant('environment key', tokens.environmentKey(r));
const api = plant('anthropic api key', tokens.anthropicApi(r), 13);
const admin = plant('anthropic admin key', tokens.anthropicAdmin(r), 15);
const awsId = plant('aws key id', tokens.awsKeyId(r), 4);
const awsSecret = plant('aws secret', tokens.awsSecret(r));
const gh = plant('github', tokens.github(r), 4);
const ghFine = plant('github fine-grained', tokens.githubFine(r), 11);
const gl = plant('gitlab', tokens.gitlab(r), 6);
const npm = plant('npm', tokens.npm(r), 4);
const slack = plant('slack', tokens.slack(r), 5);
const stripe = plant('stripe', tokens.stripe(r), 8);
const pems = PEM_KINDS.map((k) => {
  const p = pem(r, k);
  // Every key of a kind starts with the same DER/OpenSSH header: public, like a token prefix.
  plant(`pem ${k}`, p.body, PEM_MAGIC[k].length);
  return p.text;
});
const sa = googleServiceAccount(r);
plant('google service account', sa.body, PEM_MAGIC['PRIVATE KEY'].length);
const dbPassword = plant('url password', tokens.password(r));
const auth = dockerAuth(r);
// The first 8 base64 characters encode the user name `deploy`, not the password.
plant('docker auth', auth.auth, 8);
plant('docker auth password', auth.password);
const jwt = plant('generic secret', tokens.generic(r));
const committed = plant('committed Secret value', tokens.password(r));
plant('committed Secret value, base64', Buffer.from(committed).toString('base64'));
const imageKey = plant('image env key', tokens.environmentKey(r));
const layerToken = plant('image layer token', tokens.github(r), 4);
const brokenLine = plant('value on an unparseable line', tokens.generic(r));
const stdinKey = plant('stdin key', tokens.anthropicApi(r), 13);
const brokenYaml = plant('value in broken YAML', tokens.github(r), 4);
const brokenCompose = plant('value in broken compose', tokens.environmentKey(r));
// compose build.args, a config's content: and a file named by a compose secret.
const composeArgKey = plant('compose build arg', tokens.environmentKey(r));
const composeConfig = plant('compose config content', tokens.generic(r));
const composeSecretFile = plant('compose secret file', tokens.environmentKey(r));
const brokenComposeArg = plant('build arg in broken compose', tokens.environmentKey(r));
// Terraform heredocs read as the script or config they hold, and an image label.
const tfScriptPassword = plant('terraform heredoc export', tokens.password(r));
const tfEcsSecret = plant('terraform heredoc ECS environment', tokens.generic(r));
const imageLabel = plant('image label', tokens.password(r));
// Too short for a generic token: the filters drop it, and --debug-secrets lists it (by fingerprint only).
const droppedToken = plant('dropped short token', chars(r, 12, ALNUM));

const FILES: Record<string, string> = {
  'app/.env': [
    '# worker',
    `ANTHROPIC_ENVIRONMENT_KEY=${envKey}`,
    `ANTHROPIC_API_KEY="${api}"`,
    `# old admin key ${admin}`,
    `AWS_ACCESS_KEY_ID=${awsId}`,
    `AWS_SECRET_ACCESS_KEY=${awsSecret}`,
    `JWT_SECRET=${jwt}`,
    `TLS_KEY="${pems[1]!.replace(/\n/g, '\\n')}"`,
    `WEBHOOK_TOKEN=${droppedToken}`,
  ].join('\n') + '\n',
  'k8s/worker.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: red }
spec:
  template:
    spec:
      containers:
        - name: worker
          image: registry.internal/worker@sha256:${'e5'.repeat(32)}
          env:
            - { name: ANTHROPIC_ENVIRONMENT_KEY, value: "${envKey}" }
            - { name: GH_TOKEN, value: "${gh}" }
            - { name: DATABASE_URL, value: "postgres://app:${dbPassword}@db:5432/app" }
---
apiVersion: v1
kind: Secret
metadata: { name: creds, namespace: red, creationTimestamp: "2020-01-01T00:00:00Z" }
data:
  password: ${Buffer.from(committed).toString('base64')}
stringData:
  tls.key: |
    ${pems[0]!.replace(/\n/g, '\n    ')}
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: blue }
data:
  ANTHROPIC_ENVIRONMENT_KEY: ${envKey}
  STRIPE_KEY: ${stripe}
`,
  'compose/compose.yaml': `services:\n  worker:\n    image: registry.internal/worker:1\n    environment:\n      SLACK_TOKEN: ${slack}\n      GITLAB_TOKEN: ${gl}\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/env_key\n    build:\n      context: .\n      args:\n        ANTHROPIC_ENVIRONMENT_KEY: ${composeArgKey}\n    secrets: [env_key]\n    configs: [session_secret]\nsecrets:\n  env_key:\n    file: ./secrets/env_key.txt\nconfigs:\n  session_secret:\n    content: ${composeConfig}\n`,
  'compose/secrets/env_key.txt': `${composeSecretFile}\n`,
  'infra/main.tf': `resource "aws_instance" "worker" {\n  user_data = <<-EOF\n    #!/bin/sh\n    export DB_PASSWORD='${tfScriptPassword}'\n  EOF\n}\nresource "aws_ecs_task_definition" "worker" {\n  container_definitions = <<EOF\n[{"name": "worker", "environment": [{"name": "QUEUE_SECRET", "value": "${tfEcsSecret}"}]}]\nEOF\n}\n`,
  'build/Dockerfile': `FROM debian:bookworm@sha256:${'f6'.repeat(32)}\nARG NPM_TOKEN=${npm}\nENV GH_PAT=${ghFine}\nRUN echo "ANTHROPIC_ADMIN_KEY=${admin}" > /etc/admin.env\nUSER 10001\n`,
  'keys/sa.json': sa.text,
  'keys/docker-config.json': JSON.stringify({ auths: { 'registry.internal': { auth: auth.auth } } }),
  ...Object.fromEntries(pems.slice(2).map((p, i) => [`keys/id_${i}.pem`, p + '\n'])),
  'broken/.env': `OK=1\nBROKEN="${brokenLine}\n`,
  'broken/deploy.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n  token: "${brokenYaml}\n  other: [unclosed ${brokenYaml}\n`,
  'broken/docker-compose.secrets.yml': `services:\n  worker:\n    image: x\n    build:\n      context: .\n      args: [ANTHROPIC_ENVIRONMENT_KEY=${brokenComposeArg}]\nconfigs:\n  c:\n    content: ${brokenComposeArg}\n    file: ./c.txt\n`,
  'broken/compose.yaml': `services:\n  worker:\n    image: x\n    environment:\n      - ANTHROPIC_ENVIRONMENT_KEY=${brokenCompose}\n      ANTHROPIC_ENVIRONMENT_KEY: ${brokenCompose}\n`,
};

let cli: { bin: string; cleanup(): void };
let root: string;
const outputs: { what: string; text: string }[] = [];

function record(what: string, res: CliResult): CliResult {
  outputs.push({ what: `${what} (stdout)`, text: res.stdout }, { what: `${what} (stderr)`, text: res.stderr });
  return res;
}

function readTree(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? readTree(p) : [{ path: p, text: readFileSync(p).toString('latin1') }];
  });
}

beforeAll(async () => {
  cli = await buildCli();
  root = mkdtempSync(join(tmpdir(), 'sc-redaction-'));
  const inputs = join(root, 'in');
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(join(inputs, p, '..'), { recursive: true });
    writeFileSync(join(inputs, p), text);
  }
  writeFileSync(
    join(inputs, 'sandcheck.yaml'),
    `trustBoundaries:\n  - name: ops\n    paths: ["app/**"]\n  - name: lab\n    paths: ["lab/**"]\nsecrets:\n  ignore:\n    - fingerprint: "${fingerprint(jwt)}"\n      reason: test\n`,
  );
  const image = await dockerArchive({
    tag: 'worker:1',
    config: { Env: [`ANTHROPIC_ENVIRONMENT_KEY=${imageKey}`, 'PATH=/usr/bin'], Labels: { DB_PASSWORD: imageLabel } },
    layers: [[{ name: 'app/.env', content: `GITHUB_TOKEN=${layerToken}\n` }]],
  });
  writeFileSync(join(root, 'image.tar'), image);
  const out = join(root, 'out');
  mkdirSync(out);
  const run = (what: string, args: string[], input?: string) => record(what, runCli(cli.bin, args, { cwd: inputs, input }));

  for (const args of [[], ['--verbose'], ['-q'], ['--no-color']]) run(`scan ${args.join(' ')}`, ['scan', '.', ...args]);
  for (const f of ['text', 'json', 'sarif', 'junit', 'markdown']) {
    run(`scan -f ${f}`, ['scan', '.', '-f', f]);
    run(`scan -f ${f}=file`, ['scan', '.', '-f', `${f}=${join(out, `report.${f}`)}`]);
  }
  run('scan -o', ['scan', '.', '-f', 'json', '-o', join(out, 'o.json')]);
  run('scan --write-baseline', ['scan', '.', '--write-baseline', join(out, 'baseline.json')]);
  run('scan --baseline', ['scan', '.', '--baseline', join(out, 'baseline.json'), '-f', 'json']);
  run('scan broken file', ['scan', 'broken', '-f', 'json']);
  run('scan stdin', ['scan', '-', '-f', 'json'], `# pasted\nkey: ${stdinKey}\n`);
  run('scan single file', ['scan', 'app/.env', '-f', 'sarif']);
  // What the false-positive filters dropped, on stderr: places, detectors, reasons and fingerprints only.
  run('scan --debug-secrets', ['scan', '.', '--debug-secrets']);
  run('scan --debug-secrets -f json', ['scan', '.', '--debug-secrets', '-f', 'json']);
  run('scan broken --debug-secrets', ['scan', 'broken', '--debug-secrets', '-f', 'sarif']);
  run('scan stdin --debug-secrets', ['scan', '-', '--debug-secrets'], `# pasted\nkey: ${stdinKey}\nTOKEN=${droppedToken} ghp_${'x'.repeat(36)}\n`);
  run('rules', ['rules']);
  for (const id of ['secret-environment-key-literal', 'secret-anthropic-key-literal', 'secret-provider-token', 'secret-generic-literal', 'secret-manifest-committed', 'secret-environment-key-unmanaged', 'secret-rotation-overdue', 'secret-key-shared-across-boundaries']) {
    run(`explain ${id}`, ['explain', id]);
  }
  run('docs', ['docs', '--out', join(out, 'docs')]);
  run('config validate', ['config', 'validate', 'sandcheck.yaml']);
  run('config schema', ['config', 'schema']);
  run('init', ['init', join(out, 'sandcheck.init.yaml')]);
  for (const f of ['text', 'json', 'sarif']) run(`image -f ${f}`, ['image', join(root, 'image.tar'), '-f', f]);
  for (const f of readTree(out)) outputs.push({ what: `file ${f.path}`, text: f.text });
}, 240_000);

afterAll(() => {
  cli?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

function leaksIn(texts: { what: string; text: string }[]): string[] {
  const windows = new Map<string, string>();
  for (const p of planted) for (let i = 0; i + 8 <= p.secret.length; i++) windows.set(p.secret.slice(i, i + 8), p.kind);
  const leaks: string[] = [];
  for (const o of texts) {
    for (let i = 0; i + 8 <= o.text.length; i++) {
      const kind = windows.get(o.text.slice(i, i + 8));
      if (kind) {
        leaks.push(`${kind} in ${o.what} at offset ${i}`);
        break;
      }
    }
  }
  return leaks;
}

describe('redaction', () => {
  it('the scan really found the planted secrets (the test is not vacuous)', () => {
    const report = JSON.parse(outputs.find((o) => o.what === 'scan -f json (stdout)')!.text);
    const rules = new Set(report.findings.map((f: { ruleId: string }) => f.ruleId));
    for (const id of ['secret-environment-key-literal', 'secret-anthropic-key-literal', 'secret-provider-token', 'secret-manifest-committed', 'secret-key-shared-across-boundaries', 'secret-rotation-overdue']) expect(rules, id).toContain(id);
    const fps = new Set(report.findings.map((f: { evidence?: { fingerprint?: string } }) => f.evidence?.fingerprint));
    for (const v of [envKey, api, awsId, awsSecret, gh, ghFine, gl, npm, slack, stripe, dbPassword, auth.auth, composeArgKey, composeConfig, composeSecretFile]) expect(fps.has(fingerprint(v)), `fingerprint of a planted value`).toBe(true);
    const image = JSON.parse(outputs.find((o) => o.what === 'image -f json (stdout)')!.text);
    expect(image.findings.length).toBeGreaterThan(0);
    for (const v of [tfScriptPassword, tfEcsSecret]) expect(fps.has(fingerprint(v)), 'fingerprint of a planted Terraform value').toBe(true);
    // The image config's Env and labels (the craft helper takes the config's `config` object itself).
    for (const v of [imageKey, imageLabel, layerToken]) expect(image.findings.some((f: { evidence?: { fingerprint?: string } }) => f.evidence?.fingerprint === fingerprint(v)), 'fingerprint of a planted image value').toBe(true);
    const broken = JSON.parse(outputs.find((o) => o.what === 'scan broken file (stdout)')!.text);
    expect(broken.inputs.find((i: { path: string }) => i.path.endsWith('.env') && i.path.includes('broken'))).toMatchObject({ status: 'error' });
    expect(broken.inputs.filter((i: { status: string }) => i.status === 'error').length).toBeGreaterThanOrEqual(2);
    expect(broken.inputs.find((i: { path: string }) => i.path.endsWith('docker-compose.secrets.yml'))).toMatchObject({ status: 'error', error: expect.stringContaining('configs.c gives more than one of file, environment, content and external') });
    expect(outputs.filter((o) => o.what.startsWith('file ')).length).toBeGreaterThan(10);
    // Asserted as booleans: a failing toContain would print the whole stderr, planted secrets and all.
    const debug = outputs.find((o) => o.what === 'scan --debug-secrets (stderr)')!.text;
    const dropLine = `app/.env:9 generic-secret low-entropy ${fingerprint(droppedToken)} WEBHOOK_TOKEN`;
    expect(debug.includes(dropLine), dropLine).toBe(true);
    const stdinLine = `<stdin>:3 github-token placeholder ${fingerprint(`ghp_${'x'.repeat(36)}`)}`;
    expect(outputs.find((o) => o.what === 'scan stdin --debug-secrets (stderr)')!.text.includes(stdinLine), stdinLine).toBe(true);
    // The trust-boundary warning ran too (its output is checked below like every other): no file is under lab/.
    const boundaryLine = 'sandcheck: warning: sandcheck.yaml:5: Trust boundary "lab": paths "lab/**" matches none of the scanned files';
    expect(outputs.find((o) => o.what === 'scan -q (stderr)')!.text.includes(boundaryLine), boundaryLine).toBe(true);
    // An image run scans no file the globs could match: the paths are not judged there.
    expect(outputs.find((o) => o.what === 'image -f json (stderr)')!.text.includes('Trust boundary')).toBe(false);
  });

  it('no 8-character window of any planted secret appears in any stdout, stderr or written file', () => {
    expect(leaksIn(outputs)).toEqual([]);
  });

  it('the leak check itself catches a window (guards against a vacuous pass)', () => {
    const p = planted.find((x) => x.kind === 'environment key')!;
    expect(leaksIn([{ what: 'probe', text: `fingerprint ****:abc ${p.secret.slice(5, 13)} end` }])).toEqual(['environment key in probe at offset 21']);
  });

  it('never prints a secret length either (no run of mask characters as long as a secret)', () => {
    // Not `.not.toMatch`: its failure would print the whole output.
    expect(outputs.filter((o) => /\*{12,}/.test(o.text)).map((o) => o.what)).toEqual([]);
  });
});
