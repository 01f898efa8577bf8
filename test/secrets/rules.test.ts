import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { globToRegExp } from '../../src/util/path-glob.js';
import { parseConfig } from '../../src/config/load.js';
import { parseGoDuration } from '../../src/engine/functions/secret-rotation-age.js';
import type { Report } from '../../src/model/finding.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { scan, tempTrees } from './helpers.js';
import { expectNotPrinted } from '../helpers/redaction.js';

const r = rng(7);
const tree = tempTrees('sc-secrets-');

const item = (rep: Report, id: string) => rep.checklist.find((c) => c.id === id)!;
const active = (rep: Report, rule: string) => rep.findings.filter((f) => f.ruleId === rule && !f.suppressed);
const at = (rep: Report, rule: string) => active(rep, rule).map((f) => `${f.location.file}:${f.location.line}`).sort();

function deployment(ns: string, labels: Record<string, string>, env: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-${Object.values(labels).join('-') || 'x'}
  namespace: ${ns}
spec:
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
    spec:
      containers:
        - name: worker
          image: registry.internal/worker@sha256:${'d4'.repeat(32)}
          env:
${env}
`;
}

describe('key-storage verdicts', () => {
  it('passes when every source is a reference and there is nothing literal', async () => {
    const dir = tree({
      '.env': 'ANTHROPIC_ENVIRONMENT_KEY=${ANTHROPIC_ENVIRONMENT_KEY}\nLOG_LEVEL=info\n',
      'k8s.yaml': deployment('sandbox', {}, '            - name: ANTHROPIC_ENVIRONMENT_KEY\n              valueFrom:\n                secretKeyRef: { name: env-key, key: key }'),
    });
    const rep = await scan(dir);
    expect(item(rep, 'key-storage').verdict).toBe('pass');
    expect(rep.findings.filter((f) => f.checklist === 'key-storage')).toEqual([]);
  });

  it('fails on a literal environment key and names the variable, file, line and fingerprint, never the value', async () => {
    const key = tokens.environmentKey(r);
    const dir = tree({ 'deploy/.env.production': `# poller\nANTHROPIC_ENVIRONMENT_KEY="${key}"\n` });
    const rep = await scan(dir);
    expect(item(rep, 'key-storage').verdict).toBe('fail');
    const [f] = active(rep, 'secret-environment-key-literal');
    expect(f).toMatchObject({ severity: 'critical', location: { file: 'deploy/.env.production', line: 2 } });
    expectNotPrinted(JSON.stringify(rep), [key]);
    expect(f!.message).toBe(`ANTHROPIC_ENVIRONMENT_KEY holds a literal environment service key (value, fingerprint ${fingerprint(key)})`);
    expect(rep.summary.exitCode).toBe(1);
  });
});

describe('structured files are also scanned as text', () => {
  it('finds keys the structure does not expose (YAML comments, compose build args, container args) and reports each once', async () => {
    const inComment = tokens.anthropicApi(r);
    const inArgs = tokens.github(r);
    const inEnv = tokens.anthropicApi(r);
    const buildArg = tokens.npm(r);
    const dir = tree({
      'k8s.yaml': deployment('red', {}, `            - name: ANTHROPIC_API_KEY\n              value: ${inEnv}`).replace(
        '      containers:',
        `      # previous key: ${inComment}\n      containers:`,
      ).replace('          env:', `          args: ["--token=${inArgs}"]\n          env:`),
      'compose.yaml': `services:\n  worker:\n    image: registry.internal/worker:1\n    build:\n      context: .\n      args:\n        NPM_TOKEN: ${buildArg}\n`,
    });
    const rep = await scan(dir);
    expect(at(rep, 'secret-anthropic-key-literal')).toEqual(['k8s.yaml:11', 'k8s.yaml:18']);
    expect(at(rep, 'secret-provider-token')).toEqual(['compose.yaml:7', 'k8s.yaml:15']);
  });
});

describe('named Anthropic assignments in free text', () => {
  it('reports token-shaped literals and ignores code, references and prose', async () => {
    const k = tokens.environmentKey(r);
    const dir = tree({
      'run.sh': [
        '#!/bin/sh',
        `export ANTHROPIC_ENVIRONMENT_KEY=${k}`,
        'export ANTHROPIC_ENVIRONMENT_KEY=$(vault kv get -field=key secret/x)',
        'export ANTHROPIC_ENVIRONMENT_KEY="$(cat /run/secrets/env_key)"',
        'if [ -z "$ANTHROPIC_ENVIRONMENT_KEY" ]; then exit 1; fi',
      ].join('\n'),
      'worker.py': 'import os\nANTHROPIC_API_KEY = os.environ["ANTHROPIC_API_KEY"]\nANTHROPIC_ENVIRONMENT_KEY = os.getenv("ANTHROPIC_ENVIRONMENT_KEY")\n',
      'worker.js': 'const ANTHROPIC_API_KEY = process.env.ANTHROPIC_API_KEY;\n',
      'ci.yml.txt': 'env:\n  ANTHROPIC_ENVIRONMENT_KEY: ${{ secrets.ENV_KEY }}\n',
      'README.md': 'Set ANTHROPIC_ENVIRONMENT_KEY: the key from the Console, never a literal.\n',
    });
    const rep = await scan(dir);
    expect(at(rep, 'secret-environment-key-literal')).toEqual(['run.sh:2']);
    expect(at(rep, 'secret-anthropic-key-literal')).toEqual([]);
  });
});

describe('compose env_file', () => {
  it('reads a file named by env_file as dotenv even when its name is not .env-like', async () => {
    const k = tokens.environmentKey(r);
    const dir = tree({
      'compose.yaml': 'services:\n  poller:\n    image: registry.internal/poller:1\n    env_file: [config/worker.vars]\n',
      'config/worker.vars': `LOG_LEVEL=info\nANTHROPIC_ENVIRONMENT_KEY=${k}\n`,
      'other/notes.vars': `ANTHROPIC_ENVIRONMENT_KEY=${tokens.environmentKey(r)}\n`,
    });
    const rep = await scan(dir);
    // The opaque key is found by name in the env_file; an unreferenced text file gets the named-assignment scan too.
    expect(at(rep, 'secret-environment-key-literal')).toEqual(['config/worker.vars:2', 'other/notes.vars:1']);
    const jwt = tokens.generic(r);
    const rep2 = await scan(tree({
      'compose.yaml': 'services:\n  poller:\n    image: registry.internal/poller:1\n    env_file: worker.vars\n',
      'worker.vars': `JWT_SECRET=${jwt}\n`,
      'loose.vars': `JWT_SECRET=${tokens.generic(r)}\n`,
    }));
    // Generic names need structure: only the file compose reads as an env file gets them.
    expect(at(rep2, 'secret-generic-literal')).toEqual(['worker.vars:1']);
  });
});

describe('suppression', () => {
  it('a # sandcheck-ignore comment with a reason suppresses the next line only', async () => {
    const a = tokens.anthropicApi(r);
    const b = tokens.anthropicApi(r);
    const dir = tree({ '.env': `# sandcheck-ignore secret-anthropic-key-literal -- revoked test key kept for the parser test\nA_KEY=${a}\nB_KEY=${b}\n` });
    const rep = await scan(dir);
    expect(rep.findings.filter((f) => f.ruleId === 'secret-anthropic-key-literal').map((f) => [f.location.line, !!f.suppressed])).toEqual([
      [2, true],
      [3, false],
    ]);
  });

  it('secrets.ignore is keyed on the fingerprint: a swapped secret in the same place is reported', async () => {
    const accepted = tokens.github(r);
    const config = parseConfig(`secrets:\n  ignore:\n    - fingerprint: "${fingerprint(accepted)}"\n      reason: read-only token for a public mirror\n`, 'sandcheck.yaml');
    const same = await scan(tree({ 'ci.sh': `export GH_TOKEN=${accepted}\n` }), config);
    expect(same.findings.map((f) => [f.ruleId, f.suppressed?.by])).toEqual([['secret-provider-token', 'waiver']]);
    expect(same.summary.exitCode).not.toBe(1);
    const swapped = await scan(tree({ 'ci.sh': `export GH_TOKEN=${tokens.github(r)}\n` }), config);
    expect(active(swapped, 'secret-provider-token')).toHaveLength(1);
  });

  it('rejects a secrets.ignore entry that is not a fingerprint (e.g. a pasted secret) with file and line', () => {
    expect(() => parseConfig('secrets:\n  ignore:\n    - fingerprint: not-a-fingerprint\n      reason: x\n', 'sandcheck.yaml')).toThrow(/sandcheck\.yaml:3/);
    expect(() => parseConfig('secrets:\n  ignore:\n    - fingerprint: "****:0123456789ab"\n      reason: x\n', 'sandcheck.yaml')).not.toThrow();
    // Someone pasting the secret itself must not see it echoed back.
    const pasted = tokens.github(r);
    let message = '';
    try {
      parseConfig(`secrets:\n  ignore:\n    - fingerprint: ${pasted}\n      reason: x\n`, 'sandcheck.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^sandcheck\.yaml:3/);
    expect(message).not.toContain(pasted.slice(4, 12));
  });

  it('an expired secrets.ignore entry stops suppressing and says so', async () => {
    const token = tokens.npm(r);
    const config = parseConfig(`secrets:\n  ignore:\n    - fingerprint: "${fingerprint(token)}"\n      reason: migration\n      expires: 2026-01-31\n`, 'sandcheck.yaml');
    const rep = await scan(tree({ '.npmrc.sh': `echo "//registry.npmjs.org/:_authToken=${token}" > ~/.npmrc\n` }), config);
    const [f] = active(rep, 'secret-provider-token');
    expect(f!.message).toContain('secrets.ignore entry expired on 2026-01-31');
  });
});

describe('workload-isolation: key reuse across trust boundaries', () => {
  const literal = (v: string) => `            - name: ANTHROPIC_ENVIRONMENT_KEY\n              value: "${v}"`;
  const ref = (name: string) => `            - name: ANTHROPIC_ENVIRONMENT_KEY\n              valueFrom:\n                secretKeyRef: { name: ${name}, key: key }`;

  it('is not assessed when the scan holds one boundary only', async () => {
    const k = tokens.environmentKey(r);
    const rep = await scan(tree({ 'a.yaml': deployment('only', { app: 'a' }, literal(k)), 'b.yaml': deployment('only', { app: 'b' }, literal(k)) }));
    expect(item(rep, 'workload-isolation').verdict).toBe('not-assessed');
  });

  it('fails when one value serves two namespaces, naming every place', async () => {
    const k = tokens.environmentKey(r);
    const rep = await scan(tree({ 'red.yaml': deployment('red', {}, literal(k)), 'blue.yaml': deployment('blue', {}, literal(k)) }));
    expect(item(rep, 'workload-isolation').verdict).toBe('fail');
    expect(at(rep, 'secret-key-shared-across-boundaries')).toEqual(['blue.yaml:16', 'red.yaml:16']);
    const msg = active(rep, 'secret-key-shared-across-boundaries').find((f) => f.location.file === 'red.yaml')!.message;
    expect(msg).toBe(`Key ${fingerprint(k)} is used in 2 trust boundaries: namespace blue (blue.yaml:16) and namespace red (red.yaml:16 [here])`);
  });

  it('names the boundaries in order with their places, this finding marked, and places outside any boundary apart (not counted)', async () => {
    const k = tokens.anthropicApi(r);
    const twice = `${literal(k)}
            - name: ANTHROPIC_API_KEY
              value: "${k}"`;
    const rep = await scan(
      tree({
        'red.yaml': deployment('red', {}, twice),
        'blue.yaml': deployment('blue', {}, literal(k)),
        'amber.yaml': deployment('amber', {}, literal(k)),
        // A loose text file belongs to no boundary: it is named apart, and not counted as a boundary.
        'notes/setup.md': `# Setup\n\nThe key is ${k}\n`,
      }),
    );
    expectNotPrinted(JSON.stringify(rep), [k]);
    expect(at(rep, 'secret-key-shared-across-boundaries')).toEqual(['amber.yaml:16', 'blue.yaml:16', 'red.yaml:16', 'red.yaml:18']);
    const messages = active(rep, 'secret-key-shared-across-boundaries').map((f) => `${f.location.file}:${f.location.line} ${f.message}`).sort();
    const key = `Key ${fingerprint(k)} is used in 3 trust boundaries:`;
    const outside = 'also outside any trust boundary: notes/setup.md:3';
    expect(messages).toEqual([
      `amber.yaml:16 ${key} namespace amber (amber.yaml:16 [here]), namespace blue (blue.yaml:16) and namespace red (red.yaml:16, red.yaml:18); ${outside}`,
      `blue.yaml:16 ${key} namespace amber (amber.yaml:16), namespace blue (blue.yaml:16 [here]) and namespace red (red.yaml:16, red.yaml:18); ${outside}`,
      `red.yaml:16 ${key} namespace amber (amber.yaml:16), namespace blue (blue.yaml:16) and namespace red (red.yaml:16 [here], red.yaml:18); ${outside}`,
      `red.yaml:18 ${key} namespace amber (amber.yaml:16), namespace blue (blue.yaml:16) and namespace red (red.yaml:16, red.yaml:18 [here]); ${outside}`,
    ]);
  });

  it('passes when each boundary has its own key', async () => {
    const rep = await scan(tree({ 'red.yaml': deployment('red', {}, literal(tokens.environmentKey(r))), 'blue.yaml': deployment('blue', {}, literal(tokens.environmentKey(r))) }));
    expect(item(rep, 'workload-isolation').verdict).toBe('pass');
  });

  it('fails when trustBoundaries by label split one namespace and both sides use the same Secret object', async () => {
    const config = parseConfig(
      'trustBoundaries:\n  - name: tenant-red\n    labels: { tenant: red }\n  - name: tenant-blue\n    labels: { tenant: blue }\n',
      'sandcheck.yaml',
    );
    const dir = tree({ 'red.yaml': deployment('shared', { tenant: 'red' }, ref('env-key')), 'blue.yaml': deployment('shared', { tenant: 'blue' }, ref('env-key')) });
    const rep = await scan(dir, config);
    expect(at(rep, 'secret-key-shared-across-boundaries')).toEqual(['blue.yaml:15', 'red.yaml:15']);
    expect(active(rep, 'secret-key-shared-across-boundaries')[0]!.message).toContain('Secret shared/env-key');
    // Without the config both are in one namespace: one boundary, nothing to compare.
    expect(item(await scan(dir), 'workload-isolation').verdict).toBe('not-assessed');
  });

  it('uses path globs for loose files (env files have no namespace of their own)', async () => {
    const k = tokens.environmentKey(r);
    const config = parseConfig('trustBoundaries:\n  - name: red\n    paths: ["red/**"]\n  - name: blue\n    paths: ["blue/"]\n', 'sandcheck.yaml');
    const dir = tree({ 'red/.env': `ANTHROPIC_ENVIRONMENT_KEY=${k}\n`, 'blue/.env': `ANTHROPIC_ENVIRONMENT_KEY=${k}\n` });
    expect(at(await scan(dir, config), 'secret-key-shared-across-boundaries')).toEqual(['blue/.env:1', 'red/.env:1']);
    expect(item(await scan(dir), 'workload-isolation').verdict).toBe('not-assessed');
  });

  it('matches the same key across formats (a PEM in a Secret and \\n-escaped in an env file)', async () => {
    const { pem } = await import('../../bench/secrets/tokens.js');
    const key = pem(r, 'RSA PRIVATE KEY');
    const config = parseConfig('trustBoundaries:\n  - name: ops\n    paths: ["ops/**"]\n', 'sandcheck.yaml');
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: { name: tls, namespace: web }\nstringData:\n  tls.key: |\n    ${key.text.replace(/\n/g, '\n    ')}\n`;
    const dir = tree({ 'web/secret.yaml': secret, 'ops/.env': `TLS_KEY="${key.text.replace(/\n/g, '\\n')}"\n` });
    expect(at(await scan(dir, config), 'secret-key-shared-across-boundaries')).toEqual(['ops/.env:1', 'web/secret.yaml:6']); // the BEGIN line below `tls.key: |`
  });
});

describe('helpers', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('1h')).toBe(3_600_000);
    expect(parseGoDuration('24h0m0s')).toBe(86_400_000);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('90d')).toBeNull();
  });
  it('matches path globs', () => {
    expect(globToRegExp('red/**').test('red/a/.env')).toBe(true);
    expect(globToRegExp('blue/').test('blue/x.yaml')).toBe(true);
    expect(globToRegExp('*.env').test('deploy/x.env')).toBe(false);
    expect(globToRegExp('**/*.env').test('deploy/x.env')).toBe(true);
  });
});
