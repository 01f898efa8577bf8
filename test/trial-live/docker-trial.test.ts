import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';

// The flags of a user's trial of `sandcheck docker`, one container each, created (not started: an
// engine without capabilities to give cannot start a privileged one, and `docker inspect` of a created
// container holds the same settings). Each container's findings are exact: no false pass, no false positive.
const engine = testEngine();
const LABEL = 'sc-trial=live';
const IMAGE = 'sc-trial/live:1';
const KEY = 'Zq4vN8wLe2Rt6YbK1mXp9HsC3uJd7GfA';

const SYMLINK_IMAGE = 'sc-trial/symlink-passwd:1';
const NO_PASSWD_IMAGE = 'sc-trial/no-passwd:1';
const HARDENED_NO_USER = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--network', 'none', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3'];

const CONTAINERS: Record<string, string[]> = {
  'sc-trial-priv': ['--privileged'],
  'sc-trial-sysadmin': ['--cap-add', 'SYS_ADMIN'],
  'sc-trial-sock': ['-v', '/var/run/docker.sock:/var/run/docker.sock'],
  'sc-trial-hostnet': ['--network', 'host'],
  'sc-trial-hostpid': ['--pid', 'host'],
  'sc-trial-seccomp': ['--security-opt', 'seccomp=unconfined'],
  'sc-trial-ro': ['--read-only'],
  'sc-trial-user': ['--user', '1000'],
  'sc-trial-root': ['--user', '0'],
  'sc-trial-key': ['-e', `WORKER_API_TOKEN=${KEY}`],
  'sc-trial-hard': [
    '--user', '10001:10001', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--network', 'none',
    '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3',
  ],
};

/** What every container without a hardening flag shares. */
const DEFAULTS = [
  'container-caps-not-dropped @ HostConfig.CapDrop',
  'container-image-unpinned @ Config.Image',
  'container-privilege-escalation @ HostConfig.SecurityOpt',
  'container-rootfs-writable @ HostConfig.ReadonlyRootfs',
  'workload-log-unbounded @ HostConfig.LogConfig',
  'workload-no-sandboxed-runtime @ HostConfig.Runtime',
];
const without = (list: string[], ...drop: string[]) => list.filter((x) => !drop.includes(x));

type Finding = { ruleId: string; target: { name: string }; location: { uri?: string; detail?: string } };

describe.skipIf(!engine.host)(`sandcheck docker: a user's trial of risky and hardened flags${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  beforeAll(async () => {
    await buildImage(
      engine,
      tempDir(),
      IMAGE,
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY passwd /etc/passwd\nUSER app\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n',
      { passwd: 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n' },
    );
    // /etc/passwd a symlink (as some base images ship it) that maps `app` to uid 0; and no /etc/passwd.
    await buildImage(
      engine,
      tempDir(),
      SYMLINK_IMAGE,
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY accounts /etc/accounts/passwd\nRUN ["/bin/busybox", "ln", "-s", "accounts/passwd", "/etc/passwd"]\nUSER app\nENTRYPOINT ["/bin/busybox"]\n',
      { accounts: 'root:x:0:0:root:/root:/bin/sh\napp:x:0:0::/home/app:/bin/sh\n' },
    );
    await buildImage(engine, tempDir(), NO_PASSWD_IMAGE, 'FROM scratch\nCOPY busybox /bin/busybox\nUSER app\nENTRYPOINT ["/bin/busybox"]\n');
    for (const [name, flags] of Object.entries(CONTAINERS)) {
      docker(engine, ['rm', '-f', name]);
      docker(engine, ['create', '--name', name, '--label', LABEL, ...flags, IMAGE]);
    }
    // `docker run <image id>`: pinned by content, no latest tag.
    const imageId = docker(engine, ['image', 'inspect', '--format', '{{.Id}}', IMAGE]).trim();
    docker(engine, ['rm', '-f', 'sc-trial-byid']);
    docker(engine, ['create', '--name', 'sc-trial-byid', '--label', LABEL, ...HARDENED_NO_USER, imageId.slice(7, 19)]);
    for (const [name, image] of [['sc-trial-symlink', SYMLINK_IMAGE], ['sc-trial-nopasswd', NO_PASSWD_IMAGE]]) {
      docker(engine, ['rm', '-f', name!]);
      docker(engine, ['create', '--name', name!, '--label', LABEL, ...HARDENED_NO_USER, image!]);
    }
  }, 240_000);
  afterAll(() => {
    for (const name of [...Object.keys(CONTAINERS), 'sc-trial-symlink', 'sc-trial-nopasswd', 'sc-trial-byid']) docker(engine, ['rm', '-f', name]);
  });

  it('reports each flag at its inspect field, and nothing a flag does not cause', () => {
    const r = sandcheck(['docker', '--all', '--label', LABEL, '-f', 'json'], { env: { DOCKER_HOST: engine.host! } });
    expect(r.code).toBe(1);
    expectNotPrinted(r.stdout + r.stderr, [KEY]);
    const report = json(r, [KEY]);
    const found: Record<string, string[]> = {};
    for (const f of report.findings as Finding[]) {
      expect(f.location.uri).toBe(`docker://container/${f.target.name}`);
      (found[f.target.name] ??= []).push(`${f.ruleId} @ ${f.location.detail}`);
    }
    for (const k of Object.keys(found)) found[k]!.sort();
    expect(found).toEqual({
      'sc-trial-priv': [
        ...without(DEFAULTS, 'container-caps-not-dropped @ HostConfig.CapDrop'),
        'container-caps-not-dropped @ HostConfig.Privileged',
        'container-privileged @ HostConfig.Privileged',
        // --privileged alone: seccomp is off because of the flag, not a SecurityOpt the user wrote.
        'container-seccomp-unconfined @ HostConfig.Privileged',
        // Docker records label=disable for a privileged container.
        'container-selinux-unconfined @ HostConfig.SecurityOpt',
      ].sort(),
      'sc-trial-sysadmin': [...DEFAULTS, 'container-dangerous-capability @ HostConfig.CapAdd'].sort(),
      'sc-trial-sock': [...DEFAULTS, 'container-writable-host-path @ Mounts[0] /var/run/docker.sock', 'workload-runtime-socket @ Mounts[0] /var/run/docker.sock'].sort(),
      'sc-trial-hostnet': [...DEFAULTS, 'workload-host-namespace @ HostConfig.NetworkMode'].sort(),
      // Docker records label=disable for --pid host too.
      'sc-trial-hostpid': [...DEFAULTS, 'container-selinux-unconfined @ HostConfig.SecurityOpt', 'workload-host-namespace @ HostConfig.PidMode'].sort(),
      'sc-trial-seccomp': [...DEFAULTS, 'container-seccomp-unconfined @ HostConfig.SecurityOpt'].sort(),
      'sc-trial-ro': without(DEFAULTS, 'container-rootfs-writable @ HostConfig.ReadonlyRootfs'),
      // --user 1000 without a group, not in the image's /etc/passwd: Docker gives it gid 0 (a warning).
      'sc-trial-user': [...DEFAULTS, 'image-user-group-root @ Config.User'].sort(),
      'sc-trial-root': [...DEFAULTS, 'container-run-as-root @ Config.User'].sort(),
      'sc-trial-key': [...DEFAULTS, 'secret-generic-literal @ Config.Env WORKER_API_TOKEN'].sort(),
      'sc-trial-hard': ['container-image-unpinned @ Config.Image', 'workload-no-sandboxed-runtime @ HostConfig.Runtime'],
      // Before: both passed image-hardening (a user name that was not resolved counted as non-root).
      'sc-trial-symlink': ['container-image-unpinned @ Config.Image', 'container-run-as-root @ Config.User', 'workload-no-sandboxed-runtime @ HostConfig.Runtime'],
      'sc-trial-nopasswd': ['container-image-unpinned @ Config.Image', 'container-run-as-root @ Config.User', 'workload-no-sandboxed-runtime @ HostConfig.Runtime'],
      // Before: container-image-latest ("resolves to whatever latest is at pull time") for an image id.
      'sc-trial-byid': ['workload-no-sandboxed-runtime @ HostConfig.Runtime'],
    });
    const rootMessages = (report.findings as (Finding & { message: string })[]).filter((f) => f.ruleId === 'container-run-as-root').map((f) => [f.target.name, f.message]).sort();
    expect(rootMessages).toEqual([
      ['sc-trial-nopasswd', 'May run as root: user app: the image has no /etc/passwd to resolve app'],
      ['sc-trial-root', 'May run as root: user 0: uid 0 (root in /etc/passwd)'],
      // The symlink is followed to the file the container's libc reads.
      ['sc-trial-symlink', 'May run as root: user app: /etc/passwd maps app to uid 0'],
    ]);
  });
});
