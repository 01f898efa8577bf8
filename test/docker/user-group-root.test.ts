import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { emptyCollected } from '../../src/inputs/collect.js';
import { normalizeContainer, parseContainerFiles, type ContainerInspect } from '../../src/inputs/docker/containers.js';
import { containerLabelDetector } from '../../src/analyzers/container-labels.js';
import type { Target } from '../../src/model/target.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';

/**
 * `docker run --user 4242` with no group, where the container's /etc/passwd has no uid 4242: Docker runs
 * the process with gid 0 (root group), as it does for an image's `USER 4242`. Both are the same
 * low-severity warning, image-user-group-root, judged against the container's own /etc/passwd. A name,
 * a uid with an entry, or an explicit group (`4242:4242`, also `4242:0`, a choice written down) is not.
 */

const RULES = loadRules();
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n';
const base = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'inspect-hardened.json'), 'utf8')) as ContainerInspect;

function judge(user: string, passwd: string | null = PASSWD): { gidRoot: boolean; findings: string[] } {
  const { workload, container } = normalizeContainer({ ...base, Config: { ...base.Config, User: user } }, parseContainerFiles(passwd, null), containerLabelDetector);
  const collected = emptyCollected();
  collected.targets.push(workload as Target<object>, container as Target<object>);
  const report = audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  const findings = report.findings.filter((f) => f.ruleId === 'image-user-group-root').map((f) => `${f.verdict} ${f.severity} ${f.location.uri} (${f.location.detail}): ${f.message}`);
  return { gidRoot: container.data.user.gidRoot, findings };
}

describe('a live container whose numeric user has no passwd entry and no group (engine-free)', () => {
  it('--user 4242: a warning at Config.User saying the primary group is 0', () => {
    expect(judge('4242')).toEqual({
      gidRoot: true,
      findings: ['warn low docker://container/sc-cap2 (Config.User): user 4242: uid 4242, not in /etc/passwd; its primary group is 0 (root)'],
    });
  });

  it.each([
    ['4242:4242', 'a group is given'],
    ['4242:0', 'group 0 given explicitly'],
    ['10001', 'the uid has a passwd entry (its group 10001)'],
    ['app', 'a name from /etc/passwd'],
    ['0', 'root: container-run-as-root reports it'],
  ])('--user %s: no warning (%s)', (user) => {
    expect(judge(user)).toEqual({ gidRoot: false, findings: [] });
  });

  it('no /etc/passwd could be read: the group is not known, so no warning', () => {
    expect(judge('4242', null)).toEqual({ gidRoot: false, findings: [] });
  });
});

const engine = testEngine();
const LABEL = 'sc-test=user-group';
const IMAGE = 'sc-test/user-group:1';
const NAMES = ['sc-ug-bare', 'sc-ug-group', 'sc-ug-entry'];

describe.skipIf(!engine.host)(`sandcheck docker: --user without a group on a real engine${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  beforeAll(async () => {
    await buildImage(engine, tempDir(), IMAGE, 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY passwd /etc/passwd\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n', { passwd: PASSWD });
    for (const n of NAMES) docker(engine, ['rm', '-f', n]);
    const hardened = ['--label', LABEL, '--network', 'none', '--cap-drop', 'ALL', '--read-only', '--security-opt', 'no-new-privileges', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3'];
    docker(engine, ['create', '--name', 'sc-ug-bare', ...hardened, '--user', '4242', IMAGE]);
    docker(engine, ['create', '--name', 'sc-ug-group', ...hardened, '--user', '4242:4242', IMAGE]);
    docker(engine, ['create', '--name', 'sc-ug-entry', ...hardened, '--user', '10001', IMAGE]);
  }, 240_000);
  afterAll(() => {
    for (const n of NAMES) docker(engine, ['rm', '-f', n]);
  });

  it('Docker itself gives --user 4242 gid 0, and 10001 its passwd group', () => {
    expect(docker(engine, ['run', '--rm', '--network', 'none', '--user', '4242', IMAGE, 'id'])).toBe('uid=4242 gid=0 groups=0\n');
    expect(docker(engine, ['run', '--rm', '--network', 'none', '--user', '10001', IMAGE, 'id'])).toBe('uid=10001(app) gid=10001 groups=10001\n');
  });

  it('warns for the bare uid only; image-hardening is warn, exit 1 only for the unpinned image', () => {
    const res = sandcheck(['docker', '--all', '--label', LABEL, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
    expect(res.code).toBe(1);
    const report = json(res);
    expect((report.findings as { ruleId: string; verdict: string; target: { name: string }; location: { uri: string; detail: string }; message: string }[]).filter((f) => f.ruleId === 'image-user-group-root').map((f) => [f.verdict, f.target.name, f.location.uri, f.location.detail, f.message])).toEqual([
      ['warn', 'sc-ug-bare', 'docker://container/sc-ug-bare', 'Config.User', 'user 4242: uid 4242, not in /etc/passwd; its primary group is 0 (root)'],
    ]);
    expect(report.checklist.find((c: { id: string }) => c.id === 'image-hardening').verdict).toBe('warn');
  });
});
