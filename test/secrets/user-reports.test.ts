import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { parseConfig } from '../../src/config/load.js';
import { looksLikeDotenv } from '../../src/inputs/envfile/handler.js';
import type { Report } from '../../src/model/finding.js';
import { pem, rng, tokens } from '../../bench/secrets/tokens.js';
import { buildCli, runCli } from '../workflow/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { scan, tempTrees } from './helpers.js';

// Key-storage bugs found by a new user (fingerprint ignore, block-scalar lines, build args, .env on stdin).

const r = rng(2611);
const tree = tempTrees('sc-secrets-user-');

/** Active key-storage literal findings as `rule file:line fingerprint-in-message?`. */
const literals = (rep: Report) =>
  rep.findings
    .filter((f) => (f.ruleId.startsWith('secret-') && f.ruleId.endsWith('-literal')) || f.ruleId === 'secret-provider-token')
    .filter((f) => !f.suppressed)
    .map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`)
    .sort();

const ignoring = (...values: string[]) =>
  parseConfig(`secrets:\n  ignore:\n${values.map((v) => `    - fingerprint: "${fingerprint(v)}"\n      reason: accepted in a test\n`).join('')}`, 'sandcheck.yaml');

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('1. one finding per secret per place (text scan of a structured file)', () => {
  it('a Kubernetes Secret data value is reported once, and a fingerprint ignore suppresses it', async () => {
    const key = tokens.anthropicApi(r);
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: env-key\n  namespace: agents\ntype: Opaque\ndata:\n  ANTHROPIC_ENVIRONMENT_KEY: ${b64(key)}\n`;
    const dir = tree({ 's.yaml': yaml });
    const rep = await scan(dir);
    const ignored = await scan(dir, ignoring(key));
    // Before the message is printed by a failing assertion.
    expectNotPrinted(JSON.stringify([rep, ignored]), [key, b64(key)]);
    expect(literals(rep)).toEqual(['secret-environment-key-literal fail s.yaml:8']);
    expect(rep.findings.find((f) => f.ruleId === 'secret-environment-key-literal')!.message).toContain(fingerprint(key));
    expect(literals(ignored)).toEqual([]);
    expect(ignored.findings.filter((f) => f.ruleId === 'secret-environment-key-literal').map((f) => f.suppressed?.by)).toEqual(['waiver']);
  });

  it('a placeholder in Secret data is not reported in its base64 form either', async () => {
    const dir = tree({ 's.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: env-key\ndata:\n  ANTHROPIC_ENVIRONMENT_KEY: ${b64('changeme')}\n` });
    expect(literals(await scan(dir))).toEqual([]);
  });

  it('ConfigMaps, container env values, compose environment and build args, Dockerfile ENV and env files: one finding each, all suppressed by their fingerprints', async () => {
    const cm = tokens.anthropicApi(r);
    const env = tokens.anthropicApi(r);
    const composeEnv = tokens.anthropicApi(r);
    const buildArg = tokens.github(r);
    const dockerEnv = tokens.npm(r);
    const dotenv = tokens.anthropicApi(r);
    const dir = tree({
      'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\ndata:\n  ANTHROPIC_ENVIRONMENT_KEY: ${cm}\n`,
      'deploy.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n    - name: w\n      image: registry.internal/w@sha256:${'a1'.repeat(32)}\n      env:\n        - name: ANTHROPIC_ENVIRONMENT_KEY\n          value: ${env}\n`,
      'compose.yaml': `services:\n  w:\n    image: registry.internal/w:1\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY: ${composeEnv}\n    build:\n      context: .\n      args:\n        GH_TOKEN: ${buildArg}\n`,
      Dockerfile: `FROM alpine:3.20\nENV NPM_TOKEN=${dockerEnv}\n`,
      '.env': `ANTHROPIC_ENVIRONMENT_KEY=${dotenv}\n`,
    });
    const rep = await scan(dir);
    expect(literals(rep)).toEqual([
      'secret-environment-key-literal fail .env:1',
      'secret-environment-key-literal fail cm.yaml:7',
      'secret-environment-key-literal fail compose.yaml:5',
      'secret-environment-key-literal fail deploy.yaml:12',
      'secret-provider-token fail Dockerfile:2',
      'secret-provider-token fail compose.yaml:9',
    ]);
    const ignored = await scan(dir, ignoring(cm, env, composeEnv, buildArg, dockerEnv, dotenv));
    expect(literals(ignored)).toEqual([]);
    expectNotPrinted(JSON.stringify([rep, ignored]), [cm, env, composeEnv, buildArg, dockerEnv, dotenv]);
  });
});

describe('1b. the text scan still reports a provider format the structure did not see on a line it read', () => {
  it('a duplicate compose key whose first (real) value the parser discards is reported at its line', async () => {
    const key = tokens.anthropicApi(r);
    const dir = tree({ 'compose.yaml': `services:\n  w:\n    image: registry.internal/w:1\n    environment:\n      ANTHROPIC_API_KEY: ${key}\n      ANTHROPIC_API_KEY: sk-ant-api03-${'x'.repeat(52)}\n` });
    expect(literals(await scan(dir))).toEqual(['secret-anthropic-key-literal fail compose.yaml:5']);
  });
});

describe('2. block-scalar values in Secrets and ConfigMaps are located at their first line', () => {
  it('a private key under `tls.key: |` (stringData) and a base64 block under `data` point at the value, not the key', async () => {
    const key = pem(r, 'RSA PRIVATE KEY');
    const encoded = pem(r, 'EC PRIVATE KEY');
    const indent = (t: string) => t.replace(/^/gm, '    ');
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: tls',
      '  namespace: edge',
      'stringData:',
      '  tls.key: |',
      indent(key.text),
      'data:',
      '  ec.key: >-',
      indent(b64(encoded.text).match(/.{1,60}/g)!.join('\n')),
      '  inline.key: ' + b64(pem(r, 'PRIVATE KEY').text),
      '',
    ].join('\n');
    const lines = yaml.split('\n');
    const rep = await scan(tree({ 's.yaml': yaml }));
    const ecLine = lines.indexOf('  ec.key: >-') + 2;
    const inlineLine = lines.findIndex((l) => l.startsWith('  inline.key:')) + 1;
    expect(lines[7]).toBe('    -----BEGIN RSA PRIVATE KEY-----');
    expect(literals(rep)).toEqual([`secret-provider-token fail s.yaml:${ecLine}`, `secret-provider-token fail s.yaml:${inlineLine}`, 'secret-provider-token fail s.yaml:8'].sort());
    expectNotPrinted(JSON.stringify(rep), [key.body, encoded.body, b64(encoded.text)]);
  });
});

describe('3. secrets handed to an image build (secret-build-arg)', () => {
  it('reports the Dockerfile ARG, ENV and RUN and the compose build arg of the environment key, at their lines', async () => {
    const dir = tree({
      'compose.yaml': 'name: agents\nservices:\n  poller:\n    image: registry.internal/poller:1\n    build:\n      context: ./poller\n      args:\n        ANTHROPIC_ENVIRONMENT_KEY: ${ANTHROPIC_ENVIRONMENT_KEY}\n',
      'poller/Dockerfile': `FROM debian:bookworm-slim@sha256:${'b2'.repeat(32)}\nARG ANTHROPIC_ENVIRONMENT_KEY\nENV ANTHROPIC_ENVIRONMENT_KEY=$ANTHROPIC_ENVIRONMENT_KEY\nRUN echo "$ANTHROPIC_ENVIRONMENT_KEY" > /etc/agent.key\nUSER 10001\n`,
    });
    const rep = await scan(dir);
    const found = rep.findings.filter((f) => f.ruleId === 'secret-build-arg').map((f) => `${f.verdict} ${f.severity} ${f.location.file}:${f.location.line} ${f.message}`);
    expect(found.sort()).toEqual([
      'fail high compose.yaml:8 ANTHROPIC_ENVIRONMENT_KEY is passed to the image build as a compose build argument from the host environment: the value ends up in the image history',
      'fail high poller/Dockerfile:2 ANTHROPIC_ENVIRONMENT_KEY is a build argument: the value given at build time is recorded in the image history (`docker history`) and the build cache',
      'fail high poller/Dockerfile:3 ANTHROPIC_ENVIRONMENT_KEY is set by ENV from the build: the value is stored in the image config (`docker inspect`) of every container started from it',
      'fail high poller/Dockerfile:4 ANTHROPIC_ENVIRONMENT_KEY is written into /etc/agent.key by RUN: the file stays in the image layer',
    ]);
    expect(rep.checklist.find((c) => c.id === 'key-storage')!.verdict).toBe('fail');
  });

  it('a literal default is left to the literal rules (one finding at the ARG line), and is not printed', async () => {
    const token = tokens.github(r);
    const rep = await scan(tree({ Dockerfile: `FROM alpine:3.20\nARG GH_TOKEN=${token}\n` }));
    expect(rep.findings.filter((f) => f.location.line === 2 && !f.suppressed).map((f) => f.ruleId)).toEqual(['secret-provider-token']);
    expectNotPrinted(JSON.stringify(rep), [token]);
  });

  it('RUN lines: printing into a file or tee, and here-documents, are writes; a download saved to a file is not', async () => {
    const { secretsWrittenByRun } = await import('../../src/engine/functions/secret-build-args.js');
    expect(secretsWrittenByRun('echo "$ANTHROPIC_ENVIRONMENT_KEY" > /etc/agent.key')).toEqual([{ name: 'ANTHROPIC_ENVIRONMENT_KEY', file: '/etc/agent.key' }]);
    expect(secretsWrittenByRun('printf %s ${DB_PASSWORD} >> "/srv/db.pass" && chmod 600 /srv/db.pass')).toEqual([{ name: 'DB_PASSWORD', file: '/srv/db.pass' }]);
    expect(secretsWrittenByRun('echo "$NPM_TOKEN" | sudo tee /root/.npm-token')).toEqual([{ name: 'NPM_TOKEN', file: '/root/.npm-token' }]);
    expect(secretsWrittenByRun('cat > /etc/agent.env <<EOF\nANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\nEOF')).toEqual([{ name: 'ANTHROPIC_API_KEY', file: '/etc/agent.env' }]);
    expect(secretsWrittenByRun("cat > /etc/agent.env <<'EOF'\nANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\nEOF")).toEqual([]);
    expect(secretsWrittenByRun('curl -H "Authorization: Bearer $API_TOKEN" https://x.internal > /tmp/out.json')).toEqual([]);
    expect(secretsWrittenByRun('echo "$API_TOKEN" > /dev/null 2>&1')).toEqual([]);
    expect(secretsWrittenByRun('echo "$APP_VERSION" > /etc/version')).toEqual([]);
  });
});

describe('4. dotenv content on stdin', () => {
  let cli: { bin: string; cleanup(): void } | undefined;
  afterAll(() => cli?.cleanup());

  it('is read as an env file: every tier, messages name the variables, and the run fails (exit 1) instead of "nothing to audit"', async () => {
    cli ??= await buildCli();
    const key = tokens.environmentKey(r);
    const generic = tokens.generic(r);
    const input = `# deploy settings\nexport ANTHROPIC_ENVIRONMENT_KEY=${key}\nAPI_TOKEN="${generic}"\nLOG_LEVEL=info\n`;
    const res = runCli(cli.bin, ['scan', '-', '--format', 'json'], { input, cwd: tree({}) });
    // First: a failing assertion below prints stdout or stderr, which must not hold the values.
    expectNotPrinted(res.stdout + res.stderr, [key, generic]);
    expect(res.status).toBe(1);
    const rep = JSON.parse(res.stdout) as Report;
    expect(rep.inputs.map((i) => [i.path, i.format, i.status])).toEqual([['<stdin>', 'envfile', 'parsed']]);
    expect(literals(rep)).toEqual(['secret-environment-key-literal fail <stdin>:2', 'secret-generic-literal fail <stdin>:3']);
    const named = rep.findings.filter((f) => f.ruleId.endsWith('-literal')).map((f) => `${f.location.line} ${f.message.split(' holds ')[0]}`).sort();
    expect(named).toEqual(['2 ANTHROPIC_ENVIRONMENT_KEY', '3 API_TOKEN']);
    expect(res.stderr).not.toContain('nothing recognisable');
  });

  it('plain text on stdin with a key is still audited: exit 1, not "nothing recognisable to audit"', async () => {
    cli ??= await buildCli();
    const token = tokens.github(r);
    const res = runCli(cli.bin, ['scan', '-', '--format', 'json'], { input: `Notes from the incident\n\nThe CI used ${token} for a day.\n`, cwd: tree({}) });
    expectNotPrinted(res.stdout + res.stderr, [token]);
    expect(res.status).toBe(1);
    expect(literals(JSON.parse(res.stdout) as Report)).toEqual(['secret-provider-token fail <stdin>:3']);
    expect(res.stdout + res.stderr).not.toContain('nothing recognisable');
    const empty = runCli(cli.bin, ['scan', '-'], { input: 'Notes from the incident, no secret here.\n', cwd: tree({}) });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('nothing recognisable to audit');
  });

  it('detects dotenv by content: most entries NAME=value; not YAML, not one word, not a script', () => {
    expect(looksLikeDotenv('A=1\nexport B="two"\n# c\nC\n')).toBe(true);
    expect(looksLikeDotenv('PEM="-----BEGIN X-----\nabc\n-----END X-----"\nA=1\n')).toBe(true);
    expect(looksLikeDotenv('name: web\nimage: nginx\nA=1\n')).toBe(false);
    expect(looksLikeDotenv('hello\n')).toBe(false);
    expect(looksLikeDotenv('services:\n  web:\n    image: nginx\n')).toBe(false);
    expect(looksLikeDotenv('#!/bin/sh\nA=1\nexec worker --flag\n')).toBe(false);
  });
});
