import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { dockerArchive } from '../image/helpers/craft.js';
import { scan, tempTrees } from '../secrets/helpers.js';
import { buildCli, runCli } from '../workflow/cli.js';
import { sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

/**
 * A key pasted alone on a line of an env file (`sk-ant-api03-…` with no `NAME=`) parses as a bare
 * NAME (passed through from the host: dotenv allows `-` and `.` in names), and a name was never
 * scanned: the run passed with exit 0. The same holds for a compose `environment:` list item and a
 * Dockerfile `ARG`. Fake values, generated for this test.
 */
const tree = tempTrees('sc-bare-');
const API = 'sk-ant-api03-' + 'Hk4Tz9QwXr7LmP2vBn6CsY8dJf3GaE5U'.repeat(3).slice(0, 93) + 'AA';
const GH = 'ghp_' + 'Zq8mW3xLp7RtV2bKn9CsY4dJf6GhT1aE5uNc';

describe('a provider key written where a variable name goes', () => {
  it('is reported at its line, under its fingerprint, and the report never shows it as a name', async () => {
    const dir = tree({
      '.env': `LOG_LEVEL=info\n${API}\n`,
      'compose.yaml': `services:\n  w:\n    image: w@sha256:${'0'.repeat(64)}\n    environment:\n      - LOG_LEVEL=info\n      - ${GH}\n`,
      'Dockerfile': `FROM scratch\nARG ${GH}\n`,
    });
    const r = await scan(dir);
    const found = r.findings
      .filter((f) => f.checklist === 'key-storage' && !f.suppressed)
      .map((f) => [f.ruleId, f.location.file, f.location.line])
      .sort();
    expect(found).toEqual([
      ['secret-anthropic-key-literal', '.env', 2],
      ['secret-provider-token', 'Dockerfile', 2],
      ['secret-provider-token', 'compose.yaml', 6],
    ]);
    const text = JSON.stringify(r);
    expectNotPrinted(text, [API, GH]);
    expect(text.includes(fingerprint(API)) && text.includes(fingerprint(GH)), 'both fingerprints reported').toBe(true);
  });

  it('ordinary bare names pass through as before', async () => {
    const r = await scan(tree({ '.env': 'LOG_LEVEL\nexport HOME_DIR\nsome.dotted-name\n' }));
    expect(r.findings.filter((f) => f.checklist === 'key-storage')).toEqual([]);
  });
});

describe('a provider key written as the name of an assignment', () => {
  it('is reported without the name, which is the secret (env file, compose map key, Kubernetes env name)', async () => {
    const dir = tree({
      '.env': `LOG_LEVEL=info\n${API}=1\n`,
      'compose.yaml': `services:\n  w:\n    image: w@sha256:${'0'.repeat(64)}\n    environment:\n      ${GH}: "1"\n`,
      'pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers:\n    - name: c\n      image: c\n      env:\n        - name: ${GH}\n          value: "1"\n`,
    });
    const r = await scan(dir);
    const found = r.findings
      .filter((f) => f.checklist === 'key-storage' && !f.suppressed)
      .map((f) => [f.ruleId, f.location.file, f.location.line])
      .sort();
    expect(found).toEqual([
      ['secret-anthropic-key-literal', '.env', 2],
      ['secret-provider-token', 'compose.yaml', 5],
      ['secret-provider-token', 'pod.yaml', 9], // placed at the env entry, where the name (the key) is written
    ]);
    const text = JSON.stringify(r);
    expectNotPrinted(text, [API, GH]);
  });
});

describe('sandcheck image: a key written as the name of a config Env entry', () => {
  it('is reported at `config Env` without the name, in every format', async () => {
    const dir = tree({});
    writeFileSync(join(dir, 'img.tar'), await dockerArchive({ config: { Env: ['PATH=/usr/bin', `${API}=1`], User: '10001' }, layers: [[]], tag: 'trial/env:1' }));
    const cli = await buildCli();
    try {
      for (const format of ['text', 'json', 'sarif']) {
        const r = runCli(cli.bin, ['image', join(dir, 'img.tar'), '--format', format, '--debug-secrets']);
        expect(r.status).toBe(1);
        expect(r.stdout.includes(fingerprint(API)), 'fingerprint reported').toBe(true);
        const out = r.stdout + r.stderr;
        expectNotPrinted(out, [API]);
      }
      const text = runCli(cli.bin, ['image', join(dir, 'img.tar')]).stdout;
      expect(text).toMatch(/\(config Env\)  trial\/env:1/);
    } finally {
      cli.cleanup();
    }
  }, 60_000);
});

describe('a key written as a name never reaches a dropped-candidate line or a config error', () => {
  it('scan --debug-secrets: the drop of its placeholder value is listed without the name', () => {
    const dir = tree({ '.env': `${GH}=ghp_${'x'.repeat(36)}\n` });
    const r = sandcheck(['scan', '.', '--debug-secrets'], { cwd: dir });
    expectNotPrinted(r.stdout + r.stderr, [GH]);
    expect(r.stderr.includes('dropped .env:1 github-token placeholder'), 'the drop is still listed').toBe(true);
  });

  it('config validate: an unknown key that is a token is not quoted', () => {
    const dir = tree({ 'sandcheck.yaml': `${GH}: 1\nwaviers: []\n` });
    const r = sandcheck(['config', 'validate'], { cwd: dir });
    expectNotPrinted(r.stdout + r.stderr, [GH]);
    expect(r.code).toBe(2);
    expect(r.stderr.includes('sandcheck.yaml:1:1: (top level): an unknown key that is not a name (not shown: it may be a value)'), 'withheld key reported at its line').toBe(true);
    expect(r.stderr.includes('unknown key "waviers" (did you mean "waivers"?)'), 'a name is still quoted').toBe(true);
  });
});
