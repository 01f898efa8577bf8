import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';
import { expectNotPrinted } from '../helpers/redaction.js';

// Live containers on a private Docker engine, created with the flags under test. The engine here cannot
// start a privileged container (no capabilities to give it), so the risky ones are created, not
// started: `docker inspect` of a created container holds the same settings, and --all includes it.
const engine = testEngine();
const LABEL = 'sc-test=live';
const IMAGE = 'sc-test/live:1';
const KEY = 'e7Hq2LwX9pVb4NcR8sKd3MfT6yGz1JaU';

type Finding = { ruleId: string; verdict: string; target: { name: string }; location: { uri?: string; detail?: string }; message: string; remediation: string };

function byContainer(report: Record<string, any>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of report.findings as Finding[]) (out[f.target.name] ??= []).push(`${f.ruleId} @ ${f.location.detail}`);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

describe.skipIf(!engine.host)(`sandcheck docker against live containers${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  const env = () => ({ DOCKER_HOST: engine.host! });
  beforeAll(async () => {
    const dir = tempDir();
    await buildImage(
      engine,
      dir,
      IMAGE,
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY passwd /etc/passwd\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n',
      { passwd: 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n' },
    );
    for (const n of ['sc-live-bad', 'sc-live-good', 'sc-live-toor']) docker(engine, ['rm', '-f', n]);
    docker(engine, [
      'create', '--name', 'sc-live-bad', '--label', LABEL, '--privileged', '--network', 'host', '--pid', 'host', '--ipc', 'host', '--uts', 'host',
      '--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined', '-v', '/var/run:/host-run', '-e', `ANTHROPIC_ENVIRONMENT_KEY=${KEY}`, IMAGE,
    ]);
    docker(engine, ['create', '--name', 'sc-live-toor', '--label', LABEL, '--network', 'none', '--user', 'toor', '--cap-drop', 'ALL', '--read-only', IMAGE]);
    docker(engine, [
      'run', '-d', '--name', 'sc-live-good', '--label', LABEL, '--cap-drop', 'ALL', '--read-only', '--security-opt', 'no-new-privileges',
      '--user', 'app', '--network', 'none', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3', '-v', `${dir}:/data:ro`, IMAGE,
    ]);
  }, 240_000);
  afterAll(() => {
    for (const n of ['sc-live-bad', 'sc-live-good', 'sc-live-toor']) docker(engine, ['rm', '-f', n]);
  });

  it('audits every setting of a risky container, with locations at docker://container/<name>', () => {
    const res = sandcheck(['docker', '--all', '--name', 'sc-live-bad', '-f', 'json'], { env: env() });
    expect(res.code).toBe(1);
    const report = json(res);
    expect(byContainer(report)).toEqual({
      'sc-live-bad': [
        'container-caps-not-dropped @ HostConfig.Privileged',
        'container-dangerous-capability @ HostConfig.CapAdd',
        'container-image-unpinned @ Config.Image',
        'container-privilege-escalation @ HostConfig.SecurityOpt',
        'container-privileged @ HostConfig.Privileged',
        'container-rootfs-writable @ HostConfig.ReadonlyRootfs',
        'container-run-as-root @ Config.User',
        'container-seccomp-unconfined @ HostConfig.SecurityOpt',
        'container-selinux-unconfined @ HostConfig.SecurityOpt',
        'container-writable-host-path @ Mounts[0] /host-run',
        'secret-environment-key-literal @ Config.Env ANTHROPIC_ENVIRONMENT_KEY',
        'workload-host-namespace @ HostConfig.IpcMode',
        'workload-host-namespace @ HostConfig.NetworkMode',
        'workload-host-namespace @ HostConfig.PidMode',
        'workload-host-namespace @ HostConfig.UTSMode',
        'workload-log-unbounded @ HostConfig.LogConfig',
        'workload-no-sandboxed-runtime @ HostConfig.Runtime',
        'workload-runtime-socket @ Mounts[0] /host-run',
        'workload-sensitive-host-path @ Mounts[0] /host-run',
      ],
    });
    for (const f of report.findings as Finding[]) expect(f.location.uri).toBe('docker://container/sc-live-bad');
    expectNotPrinted(res.stdout, [KEY]);
    // Each finding in Docker's own words: the `docker run` flag to remove or add.
    expect((report.findings as Finding[]).filter((f) => !f.ruleId.startsWith('secret-')).map((f) => [f.ruleId, f.message, f.remediation])).toEqual([
        ["container-caps-not-dropped", "Has every capability: `--privileged` grants them all, whatever `--cap-drop` says", "Drop every capability with `--cap-drop ALL` and add back (`--cap-add`) only those a tool provably needs. A privileged container keeps them all whatever it drops: remove `--privileged` first."],
        ["container-dangerous-capability", "Adds capability SYS_ADMIN", "Remove the capability from `--cap-add`. If a tool truly needs it, run that tool in its own sandbox with its own environment key."],
        ["container-image-unpinned", "Uses image sc-test/live:1 without a digest", "Append the digest (`@sha256:…`) to the image reference, e.g. with `crane digest` or your registry's API, and let a bot update it."],
        ["container-privilege-escalation", "Allows privilege escalation (no `--security-opt no-new-privileges`): setuid binaries and file capabilities take effect", "Set `--security-opt no-new-privileges`."],
        ["container-privileged", "Runs privileged (`--privileged`)", "Remove `--privileged`."],
        ["container-rootfs-writable", "Can write to its root filesystem (no `--read-only`)", "Set `--read-only` and give the tools a `--tmpfs` mount where they need scratch space."],
        ["container-run-as-root", "May run as root: no user set on the container or its image: runs as root", "Start the container with a numeric non-root user (`docker run --user 10001:10001`), and build the image with a numeric non-root `USER`."],
        ["container-seccomp-unconfined", "Runs without seccomp confinement (`--security-opt seccomp=unconfined`)", "Remove `--security-opt seccomp=unconfined` and `--privileged` so that Docker's default profile applies (or name a reviewed profile file)."],
        ["container-selinux-unconfined", "Runs with SELinux unconfined (`--security-opt label=disable`, which Docker adds itself for `--privileged`, `--pid host` and `--ipc host`)", "Remove `--security-opt label=disable` and `label=type:…` (or use `container_t`)."],
        ["container-writable-host-path", "Mounts host path /var/run writable at /host-run", "Mount it read-only (`-v /src:/src:ro`), or replace it with a `--tmpfs` mount."],
        ["workload-host-namespace", "Shares a host namespace (`--network host`)", "Remove `--network host`, `--pid host`, `--ipc host`, `--userns host` and `--uts host` (and a `container:` join of a container that has them)."],
        ["workload-host-namespace", "Shares a host namespace (`--pid host`)", "Remove `--network host`, `--pid host`, `--ipc host`, `--userns host` and `--uts host` (and a `container:` join of a container that has them)."],
        ["workload-host-namespace", "Shares a host namespace (`--ipc host`)", "Remove `--network host`, `--pid host`, `--ipc host`, `--userns host` and `--uts host` (and a `container:` join of a container that has them)."],
        ["workload-host-namespace", "Shares a host namespace (`--uts host`)", "Remove `--network host`, `--pid host`, `--ipc host`, `--userns host` and `--uts host` (and a `container:` join of a container that has them)."],
        ["workload-log-unbounded", "Logs of sc-live-bad grow without bound (json-file driver without max-size)", "Start the container with `--log-opt max-size=10m --log-opt max-file=3`, use the `local` driver (rotates by default), or ship logs to a store with a retention policy; set the same defaults in the daemon's daemon.json."],
        ["workload-no-sandboxed-runtime", "Runs on the host's shared kernel (no gVisor or Kata `--runtime`)", "Start the container with `--runtime runsc` (gVisor) or `--runtime kata-runtime`, with that runtime installed in the engine."],
        ["workload-runtime-socket", "Mounts the container runtime socket or its folder (/var/run)", "Remove the socket bind mount (`-v /var/run/docker.sock:…`). Tools that build images should use a rootless builder in its own sandbox."],
        ["workload-sensitive-host-path", "Mounts the host path /var/run", "Remove the bind mount (`-v`/`--mount type=bind`); use a named volume or a `--tmpfs` mount with only the data the tools need."],
    ]);
  });

  it('passes a hardened running container except for the image digest and the runtime class', () => {
    const res = sandcheck(['docker', '--name', 'sc-live-good', '-f', 'json'], { env: env() });
    expect(byContainer(json(res))).toEqual({
      'sc-live-good': ['container-image-unpinned @ Config.Image', 'workload-no-sandboxed-runtime @ HostConfig.Runtime'],
    });
  });

  it('resolves a user name through the container /etc/passwd (toor is uid 0)', () => {
    const report = json(sandcheck(['docker', '--all', '--name', 'sc-live-toor', '-f', 'json'], { env: env() }));
    const root = (report.findings as Finding[]).find((f) => f.ruleId === 'container-run-as-root')!;
    expect(root.message).toBe('May run as root: user toor: /etc/passwd maps toor to uid 0');
  });

  it('lists only running containers unless --all, and filters by label', () => {
    const running = json(sandcheck(['docker', '--label', LABEL, '-f', 'json'], { env: env() }));
    expect(running.inputs.map((i: { path: string }) => i.path)).toEqual(['docker://container/sc-live-good']);
    const all = json(sandcheck(['docker', '--label', LABEL, '--all', '-f', 'json'], { env: env() }));
    expect(all.inputs.map((i: { path: string }) => i.path)).toEqual(['docker://container/sc-live-bad', 'docker://container/sc-live-good', 'docker://container/sc-live-toor']);
  });

  it('--images audits each image once, next to the containers', () => {
    const report = json(sandcheck(['docker', '--label', LABEL, '--all', '--images', '-f', 'json'], { env: env() }));
    const images = report.inputs.filter((i: { format: string }) => i.format === 'docker-engine');
    expect(images).toEqual([{ path: `image://${IMAGE}`, format: 'docker-engine', status: 'parsed', targets: 1 }]);
    const imageFindings = (report.findings as Finding[]).filter((f) => f.location.uri?.startsWith('image://')).map((f) => f.ruleId);
    expect(imageFindings.sort()).toEqual(['image-healthcheck-missing', 'image-provenance-unverified']);
  });

  it('a container name that does not exist is an input error, exit 2', () => {
    const res = sandcheck(['docker', '--name', 'sc-live-nope'], { env: env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('sandcheck: input error: docker://container/sc-live-nope: no such container running (use --all to include stopped ones)\n');
  });
});
