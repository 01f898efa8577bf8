import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { parseHistory } from '../../src/inputs/image/history.js';
import { parsePasswd, parseGroup, resolveUser } from '../../src/inputs/image/passwd.js';
import { dockerArchive, file } from './helpers/craft.js';
import { scanBuffer, targetsOf } from './helpers/scan.js';
import { expectNotPrinted } from '../helpers/redaction.js';

const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n# comment\nbroken\n');
const group = parseGroup('root:x:0:\napp:x:1000:\nstaff:x:50:\n');

describe('USER resolution (ground truth: docker run … id, image-notes.md §4)', () => {
  const cases: [string, { uid: number | null; gid: number | null; root: boolean; gidRoot?: boolean; unresolvable?: boolean }][] = [
    ['', { uid: 0, gid: 0, root: true }],
    ['root', { uid: 0, gid: 0, root: true }],
    ['0', { uid: 0, gid: 0, root: true }],
    ['0:0', { uid: 0, gid: 0, root: true }],
    ['root:root', { uid: 0, gid: 0, root: true }],
    ['toor', { uid: 0, gid: 0, root: true }],
    ['1000', { uid: 1000, gid: 1000, root: false }],
    ['1000:1000', { uid: 1000, gid: 1000, root: false }],
    ['app:staff', { uid: 1000, gid: 50, root: false }],
    ['4242', { uid: 4242, gid: 0, root: false, gidRoot: true }],
    ['4242:4242', { uid: 4242, gid: 4242, root: false, gidRoot: false }],
    ['ghost', { uid: null, gid: null, root: false, unresolvable: true }],
  ];
  for (const [user, want] of cases) {
    it(`USER ${JSON.stringify(user)}`, () => {
      const got = resolveUser(user, passwd, group);
      expect({ uid: got.uid, gid: got.gid, root: got.root }).toEqual({ uid: want.uid, gid: want.gid, root: want.root });
      if (want.gidRoot !== undefined) expect(got.gidRoot).toBe(want.gidRoot);
      expect(got.unresolvable).toBe(want.unresolvable ?? false);
    });
  }

  it('without /etc/passwd a name cannot be resolved and is not claimed unstartable', () => {
    expect(resolveUser('app', null, null)).toMatchObject({ uid: null, root: false, unresolvable: false, reason: 'USER app: the image has no /etc/passwd to resolve app' });
    expect(resolveUser('1000', null, null)).toMatchObject({ uid: 1000, gid: null, root: false, gidRoot: false });
  });

  it('an image known to have no /etc/passwd: a uid without a group runs with gid 0 (docker run … id: gid=0)', () => {
    expect(resolveUser('1000', null, null, 'absent')).toMatchObject({ uid: 1000, gid: 0, gidRoot: true, reason: 'USER 1000: uid 1000, image has no /etc/passwd; its primary group is 0 (root)' });
    expect(resolveUser('1000:1000', null, null, 'absent')).toMatchObject({ uid: 1000, gid: 1000, gidRoot: false });
    expect(resolveUser('app', null, null, 'absent')).toMatchObject({ uid: null, gid: null, gidRoot: false, unresolvable: false });
  });

  it('an /etc/passwd that could not be read: a name is not resolved, the group of a uid is not known (null)', () => {
    const missing = { unreadable: '/etc/passwd is a symlink to /x' };
    expect(resolveUser('app', null, null, missing)).toMatchObject({ uid: null, root: false, unresolvable: false, reason: 'USER app: /etc/passwd is a symlink to /x, so app could not be resolved to a uid' });
    expect(resolveUser('1000', null, null, missing)).toMatchObject({ uid: 1000, gid: null, gidRoot: null });
  });
});

describe('history', () => {
  const hex = 'ab'.repeat(32);
  const steps = parseHistory([
    { created_by: `/bin/sh -c #(nop) ADD file:${hex} in / ` },
    { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
    { created_by: `/bin/sh -c #(nop) ADD ${hex} in /usr/local/bin/tool.sh ` },
    { created_by: `/bin/sh -c #(nop) COPY --chown=10001:10001file:${hex} in /app/app.sh ` },
    { created_by: 'ADD https://example.com/tool.tgz /opt/ # buildkit' },
    { created_by: 'ADD --checksum=sha256:abc https://example.com/x /x # buildkit' },
    { created_by: 'COPY . /app # buildkit' },
    { created_by: '|1 NPM_TOKEN=abc /bin/sh -c echo hi' },
    { created_by: '/bin/sh -c #(nop)  ENV A=1 B="two words"', empty_layer: true },
    { created_by: 'USER app', empty_layer: true },
    { created_by: '', comment: 'Imported from -' },
  ]);

  it('classifies instructions, layers and remote ADD', () => {
    expect(steps.map((s) => [s.instruction, s.layer, s.remoteAdd, s.buildkit])).toEqual([
      ['ADD', 1, false, false],
      ['CMD', null, false, false],
      ['ADD', 2, true, false],
      ['COPY', 3, false, false],
      ['ADD', 4, true, true],
      ['ADD', 5, true, true],
      ['COPY', 6, false, true],
      ['RUN', 7, false, false],
      ['ENV', null, false, false],
      ['USER', null, false, false],
      ['NONE', 8, false, false],
    ]);
    expect(steps[7]!.buildArgs).toEqual([{ name: 'NPM_TOKEN', value: 'abc' }]);
    expect(steps[8]!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two words' },
    ]);
  });

  it('finds secrets in ENV and in build args leaked into history, without their values', async () => {
    const r = rng(3);
    const gh = tokens.github(r);
    const npm = tokens.npm(r);
    const img = {
      config: { Env: ['PATH=/bin', `GITHUB_TOKEN=${gh}`] },
      history: [
        { created_by: `/bin/sh -c #(nop)  ENV GITHUB_TOKEN=${gh}`, empty_layer: true },
        { created_by: `|1 NPM_TOKEN=${npm} /bin/sh -c echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > /root/.npmrc && rm /root/.npmrc` },
      ],
      layers: [[file('x', 'y')]],
    };
    const [scan] = await scanBuffer(await dockerArchive(img));
    const { image } = targetsOf(scan!);
    // First, so that no assertion below can print a value in its diff: every 8-character window of
    // both tokens is checked, and a failure names the token by index, never the text.
    expectNotPrinted(JSON.stringify(image.data), [gh, npm]);
    expect(image.data.secrets.env.map((s) => [s.detector, s.name, s.where])).toEqual([['github-token', 'GITHUB_TOKEN', 'config Env GITHUB_TOKEN']]);
    expect(image.data.secrets.history.map((s) => [s.detector, s.name, s.where])).toEqual([
      ['github-token', 'ENV GITHUB_TOKEN', 'history 1 (ENV)'],
      ['npm-token', 'build arg NPM_TOKEN', 'history 2 (RUN, layer 1)'],
    ]);
    expect(image.data.config.env).toEqual([
      { name: 'PATH', empty: false },
      { name: 'GITHUB_TOKEN', empty: false },
    ]);
  });
});
