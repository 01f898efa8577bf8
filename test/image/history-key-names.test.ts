import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dockerArchive, file } from './helpers/craft.js';
import { scanBuffer, targetsOf, tmp } from './helpers/scan.js';

/**
 * Keys in an image's history `created_by` lines and config labels: a key written as an ENV or build-arg
 * name, a key in a LABEL step, a label named like a key. Each is reported at its history step or config
 * field, labelled by the variable's name when the name is a name, and never with the key: a key written
 * as the name is labelled "ENV" / "build arg" / "a label" (the fix of 4bf0995).
 */
const r = rng(1618);
const ghAsName = tokens.github(r);
const npmAsArg = tokens.npm(r);
const slackInLabelStep = tokens.slack(r);
const ghValue = tokens.github(r);
const awsAsLabel = tokens.awsKeyId(r);
const ghLabelValue = tokens.github(r);
const ALL = [ghAsName, npmAsArg, slackInLabelStep, ghValue, awsAsLabel, ghLabelValue];

async function image(): Promise<Buffer> {
  return dockerArchive({
    config: { Env: ['PATH=/bin'], Labels: { [awsAsLabel]: '1', 'org.example.token': ghLabelValue } },
    history: [
      { created_by: `/bin/sh -c #(nop)  ENV ${ghAsName}=1`, empty_layer: true },
      { created_by: `|1 ${npmAsArg}=1 /bin/sh -c echo building` },
      { created_by: `/bin/sh -c #(nop)  LABEL org.example.note=${slackInLabelStep}`, empty_layer: true },
      { created_by: `/bin/sh -c #(nop)  ENV GITHUB_TOKEN=${ghValue}`, empty_layer: true },
    ],
    layers: [[file('app/run.sh', '#!/bin/sh\n')]],
  });
}

describe('keys named in image history and labels', () => {
  it('are found, labelled by a name only when the name is not the key, and no secret record carries a key', async () => {
    const [scan] = await scanBuffer(await image());
    const { image: target } = targetsOf(scan!);
    // The whole target: config.labels keeps a label holding a key as its fingerprint, and a key written
    // as a label's name under its fingerprint (1adbf19; test/secrets/image-labels.test.ts).
    expectNotPrinted(JSON.stringify(target.data), ALL);
    expect(target.data.secrets.history.map((s) => [s.detector, s.name, s.where])).toEqual([
      ['github-token', 'ENV', 'history 1 (ENV)'],
      ['npm-token', 'build arg', 'history 2 (RUN, layer 1)'],
      ['slack-token', 'LABEL', 'history 3 (LABEL)'],
      ['github-token', 'ENV GITHUB_TOKEN', 'history 4 (ENV)'],
    ]);
    expect(target.data.secrets.env.map((s) => [s.detector, s.name, s.where])).toEqual([
      ['aws-access-key-id', 'a label', 'config Labels'],
      ['github-token', 'label org.example.token', 'config Labels org.example.token'],
    ]);
  });

  it('sandcheck image reports each at its history step or config field, in every format, without the keys', async () => {
    const path = join(tmp(), 'named.tar');
    writeFileSync(path, await image());
    for (const format of ['text', 'sarif', 'markdown', 'junit']) {
      const res = sandcheck(['image', path, '-f', format]);
      expectNotPrinted(res.stdout + res.stderr, ALL);
      expect(res.code).toBe(1);
    }
    const res = sandcheck(['image', path, '-f', 'json']);
    expectNotPrinted(res.stdout + res.stderr, ALL);
    const report = json(res, ALL);
    const secrets = (report.findings as { checklist: string; location: { detail?: string } }[]).filter((f) => f.checklist === 'key-storage').map((f) => f.location.detail);
    expect(secrets.sort()).toEqual(['config Labels', 'config Labels org.example.token', 'history 1 (ENV)', 'history 2 (RUN, layer 1)', 'history 3 (LABEL)', 'history 4 (ENV)']);
  });
});
