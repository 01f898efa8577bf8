import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dockerArchive, file } from '../image/helpers/craft.js';
import { scanBuffer, targetsOf, tmp } from '../image/helpers/scan.js';

/**
 * Image config labels are kept in the image target (rules may read `config.labels`), but never a
 * secret: a label value the detectors found a secret in is kept as its fingerprint, a label whose name
 * is a key is kept under the fingerprint, and a value too long for a label a rule reads is not kept.
 */
const r = rng(2718);
// Made-up values, never real credentials.
const PASSWORD = 'Tz7Qm4Wp2Ls9Vb3Nx8Kc';
const TOKEN_VALUE = tokens.github(r);
const KEY_AS_NAME = tokens.awsKeyId(r);
const URL_PASSWORD = 'Kq9Lw3Zr8Tm2Vx7Nb4Hs';
const NPM_AS_NAME = tokens.npm(r);
const SLACK_UNDER_KEY = tokens.slack(r);
const BASE_NAME = `https://deploy:${URL_PASSWORD}@registry.internal/base:1`;
const ALL = [PASSWORD, TOKEN_VALUE, KEY_AS_NAME, URL_PASSWORD, NPM_AS_NAME, SLACK_UNDER_KEY];
const LONG = 'lorem ipsum dolor sit amet '.repeat(4000);

async function image(): Promise<Buffer> {
  return dockerArchive({
    config: {
      Env: ['PATH=/bin'],
      User: '10001',
      Labels: {
        DB_PASSWORD: PASSWORD,
        'org.example.token': TOKEN_VALUE,
        [KEY_AS_NAME]: '1',
        [NPM_AS_NAME]: SLACK_UNDER_KEY,
        'org.opencontainers.image.base.name': BASE_NAME,
        'org.opencontainers.image.source': 'https://github.com/acme/worker',
        'org.example.licence-text': LONG,
      },
    },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }],
    layers: [[file('app/run.sh', '#!/bin/sh\n')]],
  });
}

describe('image config labels', () => {
  it('the target keeps no secret and no overlong value: each is replaced, the other labels are kept as written', async () => {
    const [scan] = await scanBuffer(await image());
    const { image: target } = targetsOf(scan!);
    expectNotPrinted(JSON.stringify(target.data), ALL);
    expect(JSON.stringify(target.data)).not.toContain('lorem ipsum dolor sit amet lorem');
    expect(target.data.config.labels).toEqual({
      DB_PASSWORD: `[redacted ${fingerprint(PASSWORD)}]`,
      'org.example.token': `[redacted ${fingerprint(TOKEN_VALUE)}]`,
      [`[redacted ${fingerprint(KEY_AS_NAME)}]`]: '1',
      [`[redacted ${fingerprint(NPM_AS_NAME)}]`]: `[redacted ${fingerprint(SLACK_UNDER_KEY)}]`,
      'org.opencontainers.image.base.name': `[redacted ${fingerprint(URL_PASSWORD)}]`,
      'org.opencontainers.image.source': 'https://github.com/acme/worker',
      'org.example.licence-text': '[not kept: longer than 1024 characters]',
    });
    expect(target.data.provenance.baseName).toBe(`[redacted ${fingerprint(URL_PASSWORD)}]`);
    expect(target.data.secrets.env.map((s) => [s.detector, s.name, s.where, s.fingerprint])).toEqual([
      ['generic-secret', 'label DB_PASSWORD', 'config Labels DB_PASSWORD', fingerprint(PASSWORD)],
      ['github-token', 'label org.example.token', 'config Labels org.example.token', fingerprint(TOKEN_VALUE)],
      ['aws-access-key-id', 'a label', 'config Labels', fingerprint(KEY_AS_NAME)],
      ['npm-token', 'a label', 'config Labels', fingerprint(NPM_AS_NAME)],
      ['slack-token', 'a label', 'config Labels', fingerprint(SLACK_UNDER_KEY)],
      ['url-credentials', 'label org.opencontainers.image.base.name', 'config Labels org.opencontainers.image.base.name', fingerprint(URL_PASSWORD)],
    ]);
  });

  it('sandcheck image: found in config Labels, and a rule that prints label values prints fingerprints only, in every format', async () => {
    const dir = tmp();
    const path = join(dir, 'labels.tar');
    writeFileSync(path, await image());
    mkdirSync(join(dir, 'rules'));
    writeFileSync(
      join(dir, 'rules', 'image-label-echo.yaml'),
      [
        'id: image-label-echo',
        'title: Labels are echoed (test rule)',
        'checklist: supply-chain',
        'severity: low',
        'target: image',
        'given: /config/labels',
        'assert: { required: [org.opencontainers.image.revision] }',
        'message: "password {{node.DB_PASSWORD}}"',
        'rationale: A test rule that prints a label value, as a user rule may.',
        'remediation: Nothing to fix; the rule shows what a message can print.',
        '',
      ].join('\n'),
    );
    for (const format of ['text', 'sarif', 'markdown', 'junit']) {
      const res = sandcheck(['image', path, '--rules', join(dir, 'rules'), '-f', format]);
      expectNotPrinted(res.stdout + res.stderr, ALL);
      expect(res.code).toBe(1);
    }
    const debug = sandcheck(['image', path, '--debug-secrets', '-f', 'json', '-o', join(dir, 'out.json')]);
    expectNotPrinted(debug.stdout + debug.stderr, ALL);
    const res = sandcheck(['image', path, '--rules', join(dir, 'rules'), '-f', 'json']);
    const report = json<{ findings: { ruleId: string; message: string; location: { detail?: string } }[] }>(res, ALL);
    expect(report.findings.filter((f) => f.ruleId === 'image-secret-env').map((f) => f.location.detail).sort()).toEqual([
      'config Labels',
      'config Labels',
      'config Labels',
      'config Labels DB_PASSWORD',
      'config Labels org.example.token',
      'config Labels org.opencontainers.image.base.name',
    ]);
    expect(report.findings.find((f) => f.ruleId === 'image-label-echo')!.message).toBe(`password [redacted ${fingerprint(PASSWORD)}]`);
  });
});
