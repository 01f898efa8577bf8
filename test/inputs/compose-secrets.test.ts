import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths, makeSourceFile } from '../../src/inputs/collect.js';
import { composeHandler } from '../../src/inputs/compose/handler.js';
import type { ComposeContainerData, ComposeObjectsData } from '../../src/inputs/compose/types.js';
import { InputError } from '../../src/inputs/types.js';
import { locate, type Target } from '../../src/model/target.js';
import { tempDir } from '../helpers/cli.js';

// Compose build.args, top-level secrets/configs and the services' references to them (issue #3).

const parse = (text: string, path = 'deploy/compose.yaml') => composeHandler.parse(makeSourceFile(path, `/srv/${path}`, text)).targets;
const byId = <D extends object>(targets: Target<object>[], id: string) => targets.find((t) => t.id === id) as Target<D>;

function parseError(text: string): InputError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const STACK = `name: agents
services:
  poller:
    image: registry.internal/poller:1.4
    build:
      context: ./poller
      args:
        BASE_TAG: "1.4"
        ANTHROPIC_ENVIRONMENT_KEY: literal-value-1
        FROM_HOST: \${FROM_HOST}
    environment:
      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/agent_key
    secrets:
      - source: env_key
        target: agent_key
      - db_password
    configs:
      - app_config
      - source: ca
        target: /etc/ssl/ca.pem
  worker:
    image: registry.internal/worker:1.4
    build:
      context: ./worker
      args:
        - PLAIN=1
        - FROM_HOST_TOO
secrets:
  env_key:
    external: true
    name: prod_environment_key
  db_password:
    file: ./secrets/db_password.txt
  legacy:
    external:
      name: legacy_store_key
  from_env:
    environment: DEPLOY_TOKEN
configs:
  app_config:
    content: |
      log_level=info
  ca:
    file: /etc/ssl/ca.pem
`;

describe('compose build.args', () => {
  const targets = parse(STACK);
  const poller = byId<ComposeContainerData>(targets, 'compose:agents/poller#container=poller');
  const worker = byId<ComposeContainerData>(targets, 'compose:agents/worker#container=worker');

  it('reads the map and list forms like environment: literals, host references, names alone', () => {
    expect(poller.data.buildArgs).toEqual([
      { name: 'BASE_TAG', value: '1.4', valueFrom: null },
      { name: 'ANTHROPIC_ENVIRONMENT_KEY', value: 'literal-value-1', valueFrom: null },
      { name: 'FROM_HOST', value: null, valueFrom: { kind: 'host', name: 'FROM_HOST', key: null } },
    ]);
    expect(worker.data.buildArgs).toEqual([
      { name: 'PLAIN', value: '1', valueFrom: null },
      { name: 'FROM_HOST_TOO', value: null, valueFrom: { kind: 'host', name: 'FROM_HOST_TOO', key: null } },
    ]);
  });

  it("locates each argument at its own line", () => {
    expect(locate(poller, '/buildArgs/1/value')).toMatchObject({ file: 'deploy/compose.yaml', line: 9, pointer: '/services/poller/build/args/ANTHROPIC_ENVIRONMENT_KEY' });
    expect(locate(worker, '/buildArgs/1').line).toBe(27);
  });

  it('rejects args that are not a mapping or a list, without printing values', () => {
    const e = parseError('services:\n  a:\n    image: x\n    build:\n      context: .\n      args: secret-looking-value\n');
    // The leak check first: after an exact toBe it could never fail, and a failing toBe prints the message.
    expect(e.message.includes('secret-looking-value')).toBe(false);
    expect(e.message).toBe('deploy/compose.yaml:6:7: services.a.build.args must be a list of KEY=VALUE strings or a mapping, not a string');
  });
});

describe('compose secrets and configs', () => {
  const targets = parse(STACK);
  const poller = byId<ComposeContainerData>(targets, 'compose:agents/poller#container=poller');
  const objects = byId<ComposeObjectsData>(targets, 'compose:agents#objects');

  it('resolves short and long syntax against the top-level definitions, with mount paths', () => {
    expect(poller.data.objects.map((o) => [o.kind, o.source, o.mountPath, o.variable])).toEqual([
      ['secret', 'env_key', '/run/secrets/agent_key', 'ANTHROPIC_ENVIRONMENT_KEY'],
      ['secret', 'db_password', '/run/secrets/db_password', null],
      ['config', 'app_config', '/app_config', null],
      ['config', 'ca', '/etc/ssl/ca.pem', null],
    ]);
    expect(poller.data.objects[0]!.definition).toEqual({ kind: 'secret', name: 'env_key', line: 29, storeName: 'prod_environment_key', external: true, file: null, environment: null, content: false, fields: { external: 30, name: 31 } });
    expect(poller.data.objects[1]!.definition!.file).toEqual({ path: './secrets/db_password.txt', file: 'deploy/secrets/db_password.txt' });
    // A use never carries a literal: only whether the definition has content.
    expect(poller.data.objects[2]!.definition!.content).toBe(true);
    expect(JSON.stringify(poller.data)).not.toContain('log_level');
    expect(locate(poller, '/objects/0').line).toBe(14);
    expect(locate(poller, '/objects/3').line).toBe(19);
  });

  it('puts config content and value files on one envfile-shaped target of the file', () => {
    expect(objects.kind).toBe('envfile');
    expect(objects.boundary).toBe('agents');
    expect(objects.data.entries).toEqual([{ name: 'app_config', value: 'log_level=info\n', line: 42, column: 7, quote: 'none', exported: false }]);
    expect(locate(objects, '/entries/0/value').line).toBe(41);
    const single = parse('services:\n  a:\n    image: x\nconfigs:\n  c:\n    content: "v"\n');
    expect(byId<ComposeObjectsData>(single, 'compose:deploy#objects').data.entries[0]).toMatchObject({ line: 6, column: 14 });
    expect(objects.data.valueFiles).toEqual([
      { file: 'deploy/secrets/db_password.txt', name: 'db_password', kind: 'secret', object: 'db_password', namedAt: 'deploy/compose.yaml:33' },
      { file: '/etc/ssl/ca.pem', name: 'ca', kind: 'config', object: 'ca', namedAt: 'deploy/compose.yaml:44' },
    ]);
  });

  it('names a value file after the X_FILE variable that points at its mount', () => {
    const t = parse(`services:\n  a:\n    image: x\n    environment: [ANTHROPIC_ENVIRONMENT_KEY_FILE=/run/secrets/k]\n    secrets: [k]\nsecrets:\n  k:\n    file: k.txt\n`);
    expect(byId<ComposeObjectsData>(t, 'compose:deploy#objects').data.valueFiles).toEqual([
      { file: 'deploy/k.txt', name: 'ANTHROPIC_ENVIRONMENT_KEY', kind: 'secret', object: 'k', namedAt: 'deploy/compose.yaml:8' },
    ]);
  });

  it('keeps a reference this file does not define (an override file uses the base file): no definition, no error', () => {
    const t = parse('services:\n  a:\n    image: x\n    secrets: [from_base]\n');
    expect(byId<ComposeContainerData>(t, 'compose:deploy/a#container=a').data.objects).toEqual([{ kind: 'secret', source: 'from_base', mountPath: '/run/secrets/from_base', variable: null, definition: null }]);
  });

  it.each([
    ['a definition without a source', 'services:\n  a:\n    image: x\nsecrets:\n  k: {}\n', 'deploy/compose.yaml:5:3: secrets.k needs one of file, environment or external'],
    ['two sources', 'services:\n  a:\n    image: x\nsecrets:\n  k:\n    file: a\n    environment: B\n', 'deploy/compose.yaml:5:3: secrets.k gives more than one of file, environment and external'],
    ['content on a secret', 'services:\n  a:\n    image: x\nsecrets:\n  k:\n    content: hidden-value\n', 'deploy/compose.yaml:6:5: secrets.k.content: only configs take content; a secret needs file, environment or external'],
    ['external that is not a boolean', 'services:\n  a:\n    image: x\nconfigs:\n  c:\n    external: maybe\n', 'deploy/compose.yaml:6:5: configs.c.external must be a boolean, not a string'],
    ['configs that are a list', 'services:\n  a:\n    image: x\nconfigs: [a]\n', 'deploy/compose.yaml:4:1: configs must be a mapping of names to definitions, not a list'],
  ])('rejects %s with file:line and reason', (_what, text, message) => {
    const e = parseError(text);
    expect(e.message.includes('hidden-value')).toBe(false);
    expect(e.message).toBe(message);
  });
});

describe('paths named by a compose file', () => {
  it('are shown as the file walker shows them: relative from the compose folder, absolute ones inside the working directory made relative', async () => {
    const { displayPathOf } = await import('../../src/inputs/compose/secrets.js');
    const compose = { path: 'deploy/compose.yaml', absPath: '/work/repo/deploy/compose.yaml' };
    expect(displayPathOf('./secrets/k.txt', compose)).toBe('deploy/secrets/k.txt');
    expect(displayPathOf('../shared/k.txt', compose)).toBe('shared/k.txt');
    expect(displayPathOf('/work/repo/deploy/secrets/k.txt', compose)).toBe('deploy/secrets/k.txt');
    expect(displayPathOf('/work/repository/k.txt', compose)).toBe('/work/repository/k.txt');
    expect(displayPathOf('/etc/ssl/ca.pem', compose)).toBe('/etc/ssl/ca.pem');
    expect(displayPathOf('~/.secrets/k', compose)).toBe('~/.secrets/k');
    expect(displayPathOf('k.txt', { path: '<stdin>', absPath: null })).toBe('k.txt');
    expect(displayPathOf('k.txt', { path: '/elsewhere/compose.yaml', absPath: '/elsewhere/compose.yaml' })).toBe('/elsewhere/k.txt');
  });
});

describe('compose key storage, end to end through the rules', () => {
  const scan = (files: Record<string, string>) => scanIn(tempDir(), files);
  function scanIn(dir: string, files: Record<string, string>) {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return collectPaths(['.'], { cwd: dir }).then((c) => audit(c, { rules: loadRules(), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') }));
  }
  const keyFindings = (r: Awaited<ReturnType<typeof scan>>) =>
    r.findings.filter((f) => f.checklist === 'key-storage').map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort();

  it('a service taking the key from an external secret passes key-storage', async () => {
    const r = await scan({
      'compose.yaml': 'name: ok\nservices:\n  poller:\n    image: x@sha256:' + 'a'.repeat(64) + '\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/k\n    secrets: [k]\nsecrets:\n  k:\n    external: true\n',
    });
    expect(keyFindings(r)).toEqual([]);
    expect(r.checklist.find((c) => c.id === 'key-storage')!.verdict).toBe('pass');
  });

  it('the same service with the key as a literal build arg, or in a secret file of the repository, fails', async () => {
    const r = await scan({
      'compose.yaml':
        'name: bad\nservices:\n  poller:\n    image: x\n    build:\n      context: .\n      args:\n        ANTHROPIC_ENVIRONMENT_KEY: Zq4-rT8mW2xK6pL0sD3fH7jB1nG5cV9yU_aEoIiERtWqPlM\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/k\n    secrets: [k]\nsecrets:\n  k:\n    file: ./keys/k.txt\n',
      'keys/k.txt': 'Lm3-qW7eR1tY5uI9oP2aS6dF0gH4jK8lZ_xCvBnMqWeRtYu\n',
    });
    expect(keyFindings(r)).toEqual([
      'secret-environment-key-literal fail compose.yaml:8',
      'secret-environment-key-literal fail keys/k.txt:1',
      'secret-environment-key-unmanaged fail compose.yaml:11',
    ]);
    const inFile = r.findings.find((f) => f.location.file === 'keys/k.txt')!;
    expect(inFile.message).toMatch(/^ANTHROPIC_ENVIRONMENT_KEY holds a literal environment service key \(file of compose secret k, named at compose\.yaml:14, fingerprint \*\*\*\*:[0-9a-f]{12}\)$/);
    const arg = r.findings.find((f) => f.location.file === 'compose.yaml' && f.ruleId === 'secret-environment-key-literal')!;
    expect(arg.message).toBe(`ANTHROPIC_ENVIRONMENT_KEY holds a literal environment service key (build arg, fingerprint ${fingerprint('Zq4-rT8mW2xK6pL0sD3fH7jB1nG5cV9yU_aEoIiERtWqPlM')})`);
    // The compose file's own text scan does not report the build arg a second time.
    expect(r.findings.filter((f) => f.ruleId.startsWith('secret-') && f.location.line === 8).map((f) => `${f.ruleId} ${f.location.file}`)).toEqual(['secret-environment-key-literal compose.yaml']);
  });

  it('a secret file belongs to the compose project that names it: the same key in another project is reuse', async () => {
    const key = 'Hj5-kL9zX3cV7bN1mQ4wE8rT2yU6iO0pA_sDfGhJkLzXcVbN';
    const r = await scan({
      'red/compose.yaml': `name: red\nservices:\n  a:\n    image: x\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY: ${key}\n`,
      'blue/compose.yaml': 'name: blue\nservices:\n  b:\n    image: x\n    secrets: [anthropic_environment_key]\nsecrets:\n  anthropic_environment_key:\n    file: ../shared/key.txt\n',
      'shared/key.txt': `${key}\n`,
    });
    expect(r.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries').map((f) => `${f.location.file}:${f.location.line}`).sort()).toEqual(['red/compose.yaml:6', 'shared/key.txt:1']);
  });

  it('a comment above a config content: line suppresses its finding, with the reason', async () => {
    const r = await scan({
      'compose.yaml': 'name: c\nservices:\n  a:\n    image: x\nconfigs:\n  session_secret:\n    # sandcheck-ignore secret-generic-literal -- test fixture value, rotated\n    content: wjH1sYC3XQ66Rcxo19d17QA8C6tqeeO5\n',
    });
    const f = r.findings.filter((x) => x.ruleId === 'secret-generic-literal');
    expect(f.map((x) => `${x.location.line} ${x.suppressed ? 'suppressed' : 'open'}`)).toEqual(['8 suppressed']);
  });

  it('reads the output of docker compose config (every path absolute, long syntax everywhere)', async () => {
    const dir = tempDir();
    const key = 'Rt6-yU0iO4pA8sD2fG5hJ9kL3zX7cV1bN_mQwErTyUiOpAsD';
    const r = await scanIn(dir, {
      'merged.yaml': `name: agents\nservices:\n  worker:\n    build:\n      context: ${dir}/worker\n      dockerfile: Dockerfile\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/env_key\n    image: worker:1\n    networks:\n      sandbox: null\n    secrets:\n      - source: env_key\n        target: /run/secrets/env_key\nnetworks:\n  sandbox:\n    name: agents_sandbox\n    internal: true\nsecrets:\n  env_key:\n    name: agents_env_key\n    file: ${dir}/secrets/env_key.txt\n`,
      'secrets/env_key.txt': `${key}\n`,
    });
    expect(keyFindings(r)).toEqual(['secret-environment-key-literal fail secrets/env_key.txt:1', 'secret-environment-key-unmanaged fail merged.yaml:13']);
    expect(r.checklist.find((c) => c.id === 'egress-control')!.verdict).toBe('pass');
  });

  it('a key shared through a build arg of one compose project and an env file of another boundary is reuse', async () => {
    const key = 'Vb2-nM6qW0eR4tY8uI3oP7aS1dF5gH9jK_lZxCvBnMqWeRtY';
    const r = await scan({
      'red/compose.yaml': `name: red\nservices:\n  a:\n    image: x\n    build:\n      context: .\n      args: [ANTHROPIC_ENVIRONMENT_KEY=${key}]\n`,
      'blue/compose.yaml': `name: blue\nservices:\n  b:\n    image: x\nconfigs:\n  anthropic_environment_key:\n    content: ${key}\n`,
    });
    expect(r.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries').map((f) => `${f.location.file}:${f.location.line}`).sort()).toEqual(['blue/compose.yaml:7', 'red/compose.yaml:7']);
  });
});
