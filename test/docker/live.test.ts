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

type Finding = { ruleId: string; verdict: string; target: { name: string }; location: { uri?: string; detail?: string }; message: string };

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
      'create', '--name', 'sc-live-bad', '--label', LABEL, '--privileged', '--network', 'host', '--pid', 'host', '--ipc', 'host',
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
        'container-caps-not-dropped @ HostConfig.CapDrop',
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
        'workload-log-unbounded @ HostConfig.LogConfig',
        'workload-no-sandboxed-runtime @ HostConfig.Runtime',
        'workload-runtime-socket @ Mounts[0] /host-run',
        'workload-sensitive-host-path @ Mounts[0] /host-run',
      ],
    });
    for (const f of report.findings as Finding[]) expect(f.location.uri).toBe('docker://container/sc-live-bad');
    expectNotPrinted(res.stdout, [KEY]);
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
    expect(res.stderr).toContain('docker://container/sc-live-nope: no such container running (use --all to include stopped ones)');
  });
});
