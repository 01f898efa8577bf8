import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dockerArchive, file } from './helpers/craft.js';
import { tmp } from './helpers/scan.js';

/**
 * History steps are counted from 1, as layers are, wherever a person reads them (location detail,
 * messages, the text report): the step that made layer 2 is `history 2 (…, layer 2)` when every step
 * made a layer. JSON pointers into the target stay array indexes (0-based), so fingerprints did not move.
 */
const TOKEN = tokens.npm(rng(3301));

async function image(): Promise<Buffer> {
  return dockerArchive({
    config: { User: '10001:10001' },
    history: [
      { created_by: '/bin/sh -c #(nop) ADD file:abababababababababababababababababababababababababababababababab in / ' },
      { created_by: 'ADD https://downloads.example.com/agent.tgz /opt/ # buildkit' },
      { created_by: '/bin/sh -c #(nop)  USER 10001:10001', empty_layer: true },
      { created_by: `|1 NPM_TOKEN=${TOKEN} /bin/sh -c npm ci` },
    ],
    layers: [[file('a', '1')], [file('opt/agent', '2')], [file('app/package.json', '{}')]],
  });
}

interface Finding {
  ruleId: string;
  message: string;
  location: { uri?: string; pointer?: string; detail?: string };
}

describe('image history numbering', () => {
  it('locations and messages count steps from 1 and name the layer a step made; pointers stay 0-based', async () => {
    const path = join(tmp(), 'numbered.tar');
    writeFileSync(path, await image());
    const res = sandcheck(['image', path, '-f', 'json']);
    expectNotPrinted(res.stdout + res.stderr, [TOKEN]);
    expect(res.code).toBe(1);
    const findings = json<{ findings: Finding[] }>(res, [TOKEN]).findings;
    const remote = findings.filter((f) => f.ruleId === 'image-remote-add');
    expect(remote.map((f) => [f.location.pointer, f.location.detail, f.message])).toEqual([
      ['/history/1', 'history 2 (ADD, layer 2)', 'History step 2 adds a remote file (ADD from a URL): its content is not pinned by the build'],
    ]);
    const history = findings.filter((f) => f.ruleId === 'image-secret-history');
    expect(history.map((f) => [f.location.pointer, f.location.detail, f.message])).toEqual([
      ['/secrets/history/0', 'history 4 (RUN, layer 3)', `build arg NPM_TOKEN in history 4 (RUN, layer 3) holds a secret (npm-token, fingerprint ${fingerprint(TOKEN)})`],
    ]);

    const text = sandcheck(['image', path]);
    expectNotPrinted(text.stdout + text.stderr, [TOKEN]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('History step 2 adds a remote file');
    expect(text.stdout).toContain('history 2 (ADD, layer 2)');
    expect(text.stdout).toContain('history 4 (RUN, layer 3)');
    expect(text.stdout).not.toMatch(/history [01] \(/);
  });
});
