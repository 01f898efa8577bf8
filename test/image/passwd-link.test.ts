import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { emptyCollected } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';
import type { Target } from '../../src/model/target.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { dir, dockerArchive, file, type CraftEntry } from './helpers/craft.js';
import { buildImage, docker, testEngine } from './helpers/engine.js';
import { scanBuffer, targetsOf } from './helpers/scan.js';

/**
 * /etc/passwd that is a symlink (or /etc that is one, or a hard link whose content went by under another
 * name): one streaming pass does not keep the link's target, so the user cannot be resolved. The reason
 * says what was found and where it points, a name fails container-run-as-root (it may be root), and a
 * uid without a group gets the image-user-group-root warning: never a pass on that basis.
 */

const RULES = loadRules();
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n';
const link = (name: string, linkname: string): CraftEntry => ({ name, type: 'symlink', linkname });

async function judge(user: string, layers: CraftEntry[][]): Promise<{ reason: string; findings: string[] }> {
  const [scan] = await scanBuffer(await dockerArchive({ tag: 'sc/passwd-link:1', config: { User: user }, layers }));
  const { image, container } = targetsOf(scan!);
  const collected = emptyCollected();
  collected.targets.push(image as Target<object>, container as Target<object>);
  const report: Report = audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  const findings = report.findings
    .filter((f) => f.ruleId === 'container-run-as-root' || f.ruleId === 'image-user-group-root')
    .map((f) => `${f.ruleId} ${f.verdict} (${f.location.detail}): ${f.message}`)
    .sort();
  return { reason: image.data.config.effectiveUser.reason, findings };
}

const SYMLINKED = [[dir('etc/'), file('etc/real-passwd', PASSWD)], [link('etc/passwd', '/etc/real-passwd')]];

describe('an image whose /etc/passwd cannot be read through a link', () => {
  it('USER app with /etc/passwd a symlink: the reason names the link and its target; may run as root (fail)', async () => {
    expect(await judge('app', SYMLINKED)).toEqual({
      reason: 'USER app: /etc/passwd is a symlink to /etc/real-passwd, which sandcheck does not follow in an image, so app could not be resolved to a uid',
      findings: ['container-run-as-root fail (config User): May run as root: USER app: /etc/passwd is a symlink to /etc/real-passwd, which sandcheck does not follow in an image, so app could not be resolved to a uid'],
    });
  });

  it('USER 4242 with /etc/passwd a symlink: non-root by its uid, but the group is not known: a warning, not a pass', async () => {
    const reason = 'USER 4242: uid 4242; /etc/passwd is a symlink to /etc/real-passwd, which sandcheck does not follow in an image, so whether uid 4242 has an entry is not known: its primary group is 0 (root) unless it has one';
    expect(await judge('4242', SYMLINKED)).toEqual({ reason, findings: [`image-user-group-root warn (config User): ${reason}`] });
  });

  it('USER 4242:4242 with /etc/passwd a symlink: the group is given, nothing to report', async () => {
    expect((await judge('4242:4242', SYMLINKED)).findings).toEqual([]);
  });

  it('a relative symlink is shown as written', async () => {
    const { reason } = await judge('app', [[dir('etc/'), dir('usr/'), dir('usr/lib/'), file('usr/lib/passwd', PASSWD), link('etc/passwd', '../usr/lib/passwd')]]);
    expect(reason).toBe('USER app: /etc/passwd is a symlink to ../usr/lib/passwd, which sandcheck does not follow in an image, so app could not be resolved to a uid');
  });

  it('/etc itself a symlink: named, with the file it hides', async () => {
    const { reason, findings } = await judge('app', [[dir('usr/'), dir('usr/etc/'), file('usr/etc/passwd', PASSWD), link('etc', 'usr/etc')]]);
    expect(reason).toBe('USER app: /etc is a symlink to usr/etc, which sandcheck does not follow in an image to find /etc/passwd, so app could not be resolved to a uid');
    expect(findings.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['container-run-as-root fail']);
  });

  it('a hard link whose content came under another name: named, may run as root', async () => {
    const { reason, findings } = await judge('app', [[dir('etc/'), file('etc/passwd.real', PASSWD), { name: 'etc/passwd', type: 'link', linkname: 'etc/passwd.real' }]]);
    expect(reason).toBe('USER app: /etc/passwd is a hard link to /etc/passwd.real, whose content sandcheck does not keep, so app could not be resolved to a uid');
    expect(findings.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['container-run-as-root fail']);
  });

  it('a regular /etc/passwd still resolves (the symlink handling changes nothing there)', async () => {
    expect(await judge('app', [[dir('etc/'), file('etc/passwd', PASSWD)]])).toEqual({ reason: 'USER app: uid 10001 in /etc/passwd', findings: [] });
  });

  it('no /etc/passwd at all keeps its own reason', async () => {
    expect((await judge('app', [[dir('bin/')]])).reason).toBe('USER app: the image has no /etc/passwd to resolve app');
  });

  it('no /etc/passwd at all and USER 4242: Docker gives it gid 0, so it warns (it passed before)', async () => {
    const reason = 'USER 4242: uid 4242, image has no /etc/passwd; its primary group is 0 (root)';
    expect(await judge('4242', [[dir('bin/')]])).toEqual({ reason, findings: [`image-user-group-root warn (config User): ${reason}`] });
    expect((await judge('4242:4242', [[dir('bin/')]])).findings).toEqual([]);
  });
});

describe('sandcheck image (the CLI, which runs only the rules an image can carry)', () => {
  it('reports image-user-group-root for USER 4242 with a passwd that lacks it, and for a symlinked passwd', async () => {
    const folder = tempDir();
    const cases: [string, CraftEntry[][], string][] = [
      ['listed.tar', [[dir('etc/'), file('etc/passwd', PASSWD)]], 'USER 4242: uid 4242, not in /etc/passwd; its primary group is 0 (root)'],
      ['symlinked.tar', SYMLINKED, 'USER 4242: uid 4242; /etc/passwd is a symlink to /etc/real-passwd, which sandcheck does not follow in an image, so whether uid 4242 has an entry is not known: its primary group is 0 (root) unless it has one'],
    ];
    for (const [name, layers, message] of cases) {
      writeFileSync(join(folder, name), await dockerArchive({ tag: 'sc/passwd-link:1', config: { User: '4242' }, layers }));
      const res = sandcheck(['image', name, '-f', 'json'], { cwd: folder });
      expect(res.code, res.stderr).toBe(1);
      const found = json(res).findings.filter((f: { ruleId: string }) => f.ruleId === 'image-user-group-root');
      expect(found.map((f: { verdict: string; message: string; location: { detail: string } }) => [f.verdict, f.location.detail, f.message])).toEqual([['warn', 'config User', message]]);
    }
  });
});

const engine = testEngine();

describe.skipIf(!engine.host)(`sandcheck image: a symlinked /etc/passwd built by the engine${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  it('fails container-run-as-root with the link named, exit 1', async () => {
    const tag = 'sc-test/passwd-link:1';
    await buildImage(
      engine,
      tempDir(),
      tag,
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY real-passwd /etc/real-passwd\nRUN ["/bin/busybox", "ln", "-s", "/etc/real-passwd", "/etc/passwd"]\nUSER app\n',
      { 'real-passwd': PASSWD },
    );
    const res = sandcheck(['image', tag, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
    expect(res.code).toBe(1);
    const report = json(res);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'container-run-as-root').map((f: { verdict: string; message: string }) => [f.verdict, f.message])).toEqual([
      ['fail', 'May run as root: USER app: /etc/passwd is a symlink to /etc/real-passwd, which sandcheck does not follow in an image, so app could not be resolved to a uid'],
    ]);
    expect(report.checklist.find((c: { id: string }) => c.id === 'image-hardening').verdict).toBe('fail');
  }, 240_000);

  it('an image without /etc/passwd and USER 4242 runs with gid 0 (docker run … id), and warns', async () => {
    const tag = 'sc-test/no-passwd-uid:1';
    await buildImage(engine, tempDir(), tag, 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\nUSER 4242\n');
    expect(docker(engine, ['run', '--rm', '--network', 'none', tag, 'id'])).toBe('uid=4242 gid=0 groups=0\n');
    const report = json(sandcheck(['image', tag, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } }));
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'image-user-group-root').map((f: { verdict: string; message: string }) => [f.verdict, f.message])).toEqual([
      ['warn', 'USER 4242: uid 4242, image has no /etc/passwd; its primary group is 0 (root)'],
    ]);
  }, 240_000);
});
