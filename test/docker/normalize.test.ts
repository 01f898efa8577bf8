import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeContainer, parseContainerFiles, securityOpts, type ContainerInspect } from '../../src/inputs/docker/containers.js';
import { containerLabelDetector } from '../../src/analyzers/container-labels.js';
import { EngineError, engineFailure, engineTarget } from '../../src/inputs/docker/engine.js';

// `docker inspect` output captured from Docker 20.10 (the containers were created with the flags named
// in each test), normalized without an engine.
const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as ContainerInspect;
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n';

describe('docker inspect → workload and container targets', () => {
  it('a risky container: --privileged, host namespaces, caps, unconfined profiles, socket and /etc binds, env', () => {
    const { workload, container } = normalizeContainer(load('inspect-risky.json'), parseContainerFiles(PASSWD, null), containerLabelDetector);
    expect(workload.id).toBe('docker:container/sc-cap1');
    expect(workload.uri).toBe('docker://container/sc-cap1');
    expect(workload.data).toMatchObject({
      platform: 'docker',
      kind: 'container',
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      hostUsers: true,
      runtimeClassName: null,
      sandboxedRuntime: false,
      labels: { team: 'agents' },
      logging: { driver: 'json-file', options: {} },
    });
    expect(workload.data.volumes).toEqual([
      { name: '/etc', type: 'bind', hostPath: '/etc', driver: null, readOnly: true },
      { name: '/var/run/docker.sock', type: 'bind', hostPath: '/var/run/docker.sock', driver: null, readOnly: false },
    ]);
    const c = container.data;
    expect(c.privileged).toBe(true);
    expect(c.capabilities).toEqual({ add: ['SYS_ADMIN'], drop: ['NET_RAW'], dropsAll: false });
    expect(c.effectiveCapabilities).toEqual(['ALL']);
    expect(c.addedBeyondDefault).toEqual(['SYS_ADMIN']);
    expect(c.seccomp.type).toBe('Unconfined');
    expect(c.apparmor.type).toBe('Unconfined');
    // Findings name the entry as Docker stores it, and say when Docker writes it itself.
    expect(c.selinux).toEqual({ type: 'spc_t', source: 'container', text: '`--security-opt label=disable`, which Docker adds itself for `--privileged`, `--pid host` and `--ipc host`' });
    expect(c.allowPrivilegeEscalation).toBe(true);
    expect(c.readOnlyRootFilesystem).toBe(false);
    expect(c.user).toMatchObject({ uid: 0, nonRoot: false, source: 'runtime-default' });
    expect(c.env.map((e) => e.name)).toEqual(['ANTHROPIC_ENVIRONMENT_KEY', 'LOG_LEVEL', 'PATH']);
    expect(c.mounts.map((m) => [m.hostPath, m.mountPath, m.readOnly])).toEqual([
      ['/etc', '/host-etc', true],
      ['/var/run/docker.sock', '/var/run/docker.sock', false],
    ]);
    expect(container.locations.get('/mounts/1')).toEqual({ uri: 'docker://container/sc-cap1', pointer: '/mounts/1', detail: 'Mounts[1] /var/run/docker.sock' });
    expect(container.locations.get('/env/0')!.detail).toMatch(/^Config\.Env /);
  });

  it('a hardened container: cap-drop ALL + one add, read-only, no-new-privileges, numeric user, rotated logs', () => {
    const { workload, container } = normalizeContainer(load('inspect-hardened.json'), parseContainerFiles(PASSWD, null), containerLabelDetector);
    const c = container.data;
    expect(c.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'], dropsAll: true });
    expect(c.effectiveCapabilities).toEqual(['NET_BIND_SERVICE']);
    expect(c.addedBeyondDefault).toEqual([]);
    expect(c.readOnlyRootFilesystem).toBe(true);
    expect(c.allowPrivilegeEscalation).toBe(false);
    expect(c.seccomp).toEqual({ type: 'RuntimeDefault', profile: null, source: 'runtime-default' });
    expect(c.user).toMatchObject({ uid: 10001, gid: 10001, name: 'app', nonRoot: true, source: 'container' });
    expect(workload.data.logging).toEqual({ driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } });
    expect(workload.data.hostNetwork).toBe(false);
  });

  it('takes the trust boundary from the compose project label', () => {
    const base = load('inspect-hardened.json');
    const t = normalizeContainer({ ...base, Config: { ...base.Config, Labels: { 'com.docker.compose.project': 'tenant-a' } } }, parseContainerFiles(null, null), containerLabelDetector);
    expect([t.workload.boundary, t.container.boundary]).toEqual(['compose project tenant-a', 'compose project tenant-a']);
    expect(normalizeContainer(base, parseContainerFiles(null, null), containerLabelDetector).container.boundary).toBeUndefined();
  });

  it('resolves the user through the container passwd: a uid-0 alias is root, a name nothing resolves may be root', () => {
    const base = load('inspect-hardened.json');
    const toor = normalizeContainer({ ...base, Config: { ...base.Config, User: 'toor' } }, parseContainerFiles(PASSWD, null), containerLabelDetector);
    expect(toor.container.data.user).toMatchObject({ uid: 0, nonRoot: false, reason: 'user toor: /etc/passwd maps toor to uid 0' });
    const noPasswd = normalizeContainer({ ...base, Config: { ...base.Config, User: 'svc' } }, parseContainerFiles(null, null), containerLabelDetector);
    // As for an image (`sandcheck image`): without a passwd entry the name could be uid 0, so it is not non-root.
    expect(noPasswd.container.data.user).toMatchObject({ uid: null, nonRoot: false, reason: 'user svc: the image has no /etc/passwd to resolve svc' });
  });

  it('names --privileged as what turned seccomp off when no seccomp entry did', () => {
    const risky = load('inspect-risky.json');
    const onlyPrivileged = { ...risky, HostConfig: { ...risky.HostConfig, SecurityOpt: ['label=disable'] } };
    const { container } = normalizeContainer(onlyPrivileged, parseContainerFiles(PASSWD, null), containerLabelDetector);
    expect(container.data.seccomp).toEqual({ type: 'Unconfined', profile: null, source: 'container', text: '`--privileged`, which turns seccomp off' });
    expect(container.locations.get('/seccomp')).toMatchObject({ detail: 'HostConfig.Privileged' });
  });

  it('reads SecurityOpt in the forms Docker stores', () => {
    expect(securityOpts(['no-new-privileges'])).toMatchObject({ noNewPrivileges: true });
    expect(securityOpts(['no-new-privileges:false'])).toMatchObject({ noNewPrivileges: false });
    // A profile file is stored inline: its JSON is never quoted back.
    expect(securityOpts(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']).seccomp).toEqual({ type: 'Localhost', profile: '(inline JSON profile)', source: 'container', text: '`--security-opt seccomp=<inline JSON profile>`' });
    expect(securityOpts(['seccomp:unconfined']).seccomp).toEqual({ type: 'Unconfined', profile: null, source: 'container', text: '`--security-opt seccomp:unconfined`' });
    expect(securityOpts(['label=type:spc_t'])).toMatchObject({ selinuxType: 'spc_t', selinuxText: '`--security-opt label=type:spc_t`' });
    expect(securityOpts([], 'unconfined').apparmor).toMatchObject({ type: 'Unconfined', text: 'AppArmor profile `unconfined` (Docker gives it to a `--privileged` container that names no profile)' });
    expect(securityOpts(['apparmor=unconfined'], 'unconfined').apparmor).toMatchObject({ type: 'Unconfined', text: '`--security-opt apparmor=unconfined`' });
  });
});

describe('Docker host resolution and failures', () => {
  it('takes --docker-host, else DOCKER_HOST, else the default socket', () => {
    expect(engineTarget(null, {})).toEqual({ url: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } });
    expect(engineTarget(null, { DOCKER_HOST: 'tcp://10.0.0.5:2375' }).options).toEqual({ host: '10.0.0.5', port: 2375, protocol: 'http' });
    expect(engineTarget('unix:///tmp/d.sock', { DOCKER_HOST: 'tcp://x:1' }).options).toEqual({ socketPath: '/tmp/d.sock' });
    expect(() => engineTarget('ssh://me@host', {})).toThrow(EngineError);
    expect(() => engineTarget(null, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' })).toThrow(/TLS connections are not supported/);
  });

  it('says in one line why the engine cannot be used', () => {
    const url = 'unix:///var/run/docker.sock';
    expect(engineFailure(url, Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
      'permission denied on the Docker engine at unix:///var/run/docker.sock (run as a user in the docker group, or point --docker-host at a socket you can use)',
    );
    expect(engineFailure(url, Object.assign(new Error('x'), { code: 'ENOENT' }))).toMatch(/no such socket/);
    expect(engineFailure(url, { statusCode: 500, message: 'boom', json: { message: 'server error' } })).toBe('the Docker engine at unix:///var/run/docker.sock answered 500: server error');
  });
});
