import { describe, expect, it } from 'vitest';
import { composeHandler } from '../../src/inputs/compose/handler.js';
import type { ComposeContainerData, ComposeWorkloadData } from '../../src/inputs/compose/types.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { InputError, type SourceFile } from '../../src/inputs/types.js';
import { locate, type Target } from '../../src/model/target.js';
import { expectNotPrinted } from '../helpers/redaction.js';

function source(path: string, text: string, absPath: string | null = `/srv/agent-platform/${path}`): SourceFile {
  return makeSourceFile(path, absPath, text);
}

function parse(text: string, path = 'compose.yaml', absPath?: string | null) {
  return composeHandler.parse(source(path, text, absPath === undefined ? `/srv/agent-platform/${path}` : absPath));
}

function byId<D extends object>(targets: Target<object>[], id: string): Target<D> {
  const t = targets.find((x) => x.id === id);
  if (!t) throw new Error(`no target ${id}; have ${targets.map((x) => x.id).join(', ')}`);
  return t as Target<D>;
}

function parseError(text: string, path = 'compose.yaml'): InputError {
  try {
    parse(text, path);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

// An agent platform's worker stack as teams write it: a shared anchor, a hardened tool runner,
// a leaky legacy worker, a log shipper with the docker socket.
const AGENT_STACK = `name: agent-sandbox
x-hardening: &hardening
  read_only: true
  cap_drop: [ALL]
  security_opt:
    - no-new-privileges:true

services:
  tool-runner:
    <<: *hardening
    image: registry.internal/agent/tool-runner@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    user: "10001:10001"
    runtime: runsc
    tmpfs:
      - /tmp:size=64m
    volumes:
      - type: volume
        source: workspace
        target: /workspace
    environment:
      - LOG_LEVEL=info
      - ANTHROPIC_ENVIRONMENT_KEY
    x-sandcheck-ignore:
      compose-no-healthcheck: the runner is supervised by the orchestrator

  legacy-worker:
    image: agent/worker:latest
    privileged: true
    user: root
    cap_add:
      - sys_admin
      - CAP_NET_RAW
    security_opt:
      - seccomp:unconfined
      - apparmor=unconfined
      - label:disable
    network_mode: host
    pid: host
    ipc: host
    userns_mode: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./work:/work:rw
      - ~/.aws:/root/.aws:ro
      - /etc/:/host/etc:ro,z
      - cache:/cache
    ports:
      - "8080:8080"
      - "127.0.0.1:9229:9229/tcp"
      - "3000"
      - target: 9000
        published: "9000"
        host_ip: 0.0.0.0
        protocol: udp
    devices:
      - /dev/fuse:/dev/fuse:rwm
    environment:
      ANTHROPIC_ENVIRONMENT_KEY: sk-ant-not-a-real-key
      DEBUG: 1
      PROXY: \${HTTP_PROXY}
    env_file:
      - .env
      - path: ./secrets/worker.env
        required: false
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"

  log-shipper:
    image: \${SHIPPER_IMAGE}
    user: app
    volumes:
      - type: bind
        source: /var/run/docker.sock
        target: /var/run/docker.sock
        read_only: true
      - type: volume
        source: hostlogs
        target: /logs
    pid: "service:legacy-worker"
    logging:
      driver: none

volumes:
  workspace: {}
  cache:
  hostlogs:
    driver: local
    driver_opts:
      type: none
      o: bind
      device: /var/log/
`;

describe('compose handler: an agent worker stack', () => {
  const { targets, skipped } = parse(AGENT_STACK);

  it('gives one workload, one container and one network (egress) target per service, ids and names from the project', () => {
    expect(targets.map((t) => `${t.kind} ${t.id} | ${t.name}`)).toEqual([
      'workload compose:agent-sandbox/tool-runner | agent-sandbox/service tool-runner',
      'container compose:agent-sandbox/tool-runner#container=tool-runner | agent-sandbox/service tool-runner › container tool-runner',
      'egress compose:agent-sandbox/tool-runner#network | agent-sandbox/service tool-runner › network',
      'workload compose:agent-sandbox/legacy-worker | agent-sandbox/service legacy-worker',
      'container compose:agent-sandbox/legacy-worker#container=legacy-worker | agent-sandbox/service legacy-worker › container legacy-worker',
      'egress compose:agent-sandbox/legacy-worker#network | agent-sandbox/service legacy-worker › network',
      'workload compose:agent-sandbox/log-shipper | agent-sandbox/service log-shipper',
      'container compose:agent-sandbox/log-shipper#container=log-shipper | agent-sandbox/service log-shipper › container log-shipper',
      'egress compose:agent-sandbox/log-shipper#network | agent-sandbox/service log-shipper › network',
    ]);
    expect(skipped).toEqual([]);
    for (const t of targets) {
      expect(t.platform).toBe('compose');
      expect(t.boundary).toBe('agent-sandbox');
      expect(t.file).toBe('compose.yaml');
      if (t.kind === 'container') expect(t.parentId).toBe(t.id.split('#')[0]);
    }
  });

  it('applies merge-key anchors and records the hardened runner exactly', () => {
    const c = byId<ComposeContainerData>(targets, 'compose:agent-sandbox/tool-runner#container=tool-runner');
    expect(c.data).toEqual({
      name: 'tool-runner',
      role: 'main',
      image: {
        ref: 'registry.internal/agent/tool-runner@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        repository: 'registry.internal/agent/tool-runner',
        tag: null,
        digest: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        latest: false,
        pinned: true,
      },
      user: { uid: 10001, gid: 10001, name: null, runAsNonRoot: null, nonRoot: true, reason: 'user 10001 set on the service', source: 'service' },
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { add: [], drop: ['ALL'], dropsAll: true },
      seccomp: { type: 'RuntimeDefault', profile: null, source: 'runtime-default' },
      apparmor: { type: 'RuntimeDefault', profile: null, source: 'runtime-default' },
      selinux: { type: null, source: 'unset' },
      mounts: [
        { volume: 'workspace', mountPath: '/workspace', readOnly: false, hostPath: null, volumeType: 'volume' },
        { volume: 'tmpfs', mountPath: '/tmp', readOnly: false, hostPath: null, volumeType: 'tmpfs' },
      ],
      ports: [],
      env: [
        { name: 'LOG_LEVEL', value: 'info', valueFrom: null },
        { name: 'ANTHROPIC_ENVIRONMENT_KEY', value: null, valueFrom: { kind: 'host', name: 'ANTHROPIC_ENVIRONMENT_KEY', key: null } },
      ],
      envFrom: [],
      devices: [],
      envFiles: [],
      systemPathsUnconfined: false,
      buildArgs: [],
      objects: [],
    });
    const w = byId<ComposeWorkloadData>(targets, 'compose:agent-sandbox/tool-runner');
    expect(w.data.runtimeClassName).toBe('runsc');
    expect(w.data.sandboxedRuntime).toBe(true);
    expect(w.data.volumes).toEqual([
      { name: 'workspace', type: 'volume', hostPath: null, driver: 'local', readOnly: false },
      { name: 'tmpfs', type: 'tmpfs', hostPath: null, driver: null, readOnly: false },
    ]);
  });

  it('points merged fields at the anchor that set them', () => {
    const c = byId(targets, 'compose:agent-sandbox/tool-runner#container=tool-runner');
    expect(locate(c, '/readOnlyRootFilesystem')).toEqual({ file: 'compose.yaml', line: 3, column: 3, pointer: '/services/tool-runner/read_only' });
    expect(locate(c, '/capabilities/dropsAll')).toEqual({ file: 'compose.yaml', line: 4, column: 14, pointer: '/services/tool-runner/cap_drop/0' });
    expect(locate(c, '/allowPrivilegeEscalation').line).toBe(6);
    expect(locate(c, '/user')).toEqual({ file: 'compose.yaml', line: 12, column: 5, pointer: '/services/tool-runner/user' });
    expect(locate(c, '/mounts/1').line).toBe(15);
    // Missing fields point at the service.
    expect(locate(c, '/privileged')).toEqual({ file: 'compose.yaml', line: 9, column: 3, pointer: '/services/tool-runner' });
  });

  it('records inline suppressions on both targets, with reason and location', () => {
    const expected = [
      {
        ruleId: 'compose-no-healthcheck',
        reason: 'the runner is supervised by the orchestrator',
        source: 'compose-extension',
        location: { file: 'compose.yaml', line: 24, column: 7, pointer: '/services/tool-runner/x-sandcheck-ignore/compose-no-healthcheck' },
      },
    ];
    expect(byId(targets, 'compose:agent-sandbox/tool-runner').suppressions).toEqual(expected);
    expect(byId(targets, 'compose:agent-sandbox/tool-runner#container=tool-runner').suppressions).toEqual(expected);
  });

  it('normalizes the leaky worker: root, added capabilities, unconfined profiles, host namespaces', () => {
    const c = byId<ComposeContainerData>(targets, 'compose:agent-sandbox/legacy-worker#container=legacy-worker').data;
    expect(c.image).toMatchObject({ ref: 'agent/worker:latest', tag: 'latest', latest: true, pinned: false });
    expect(c.user).toEqual({ uid: 0, gid: null, name: 'root', runAsNonRoot: null, nonRoot: false, reason: 'user root set on the service', source: 'service' });
    expect(c.privileged).toBe(true);
    expect(c.allowPrivilegeEscalation).toBe(true);
    expect(c.readOnlyRootFilesystem).toBe(false);
    expect(c.capabilities).toEqual({ add: ['SYS_ADMIN', 'NET_RAW'], drop: [], dropsAll: false });
    expect(c.seccomp).toEqual({ type: 'Unconfined', profile: null, source: 'service', text: '`security_opt: [seccomp:unconfined]`' });
    expect(c.apparmor).toEqual({ type: 'Unconfined', profile: null, source: 'service', text: '`security_opt: [apparmor=unconfined]`' });
    expect(c.selinux).toEqual({ type: 'spc_t', source: 'service', text: '`security_opt: [label:disable]`, which turns SELinux labelling off' });
    expect(c.devices).toEqual([{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' }]);
    const w = byId<ComposeWorkloadData>(targets, 'compose:agent-sandbox/legacy-worker').data;
    expect([w.hostNetwork, w.hostPID, w.hostIPC, w.hostUsers, w.shareProcessNamespace]).toEqual([true, true, true, true, false]);
    expect(w.networkMode).toBe('host');
    expect(w.sandboxedRuntime).toBe(false);
    expect(w.automountServiceAccountToken).toBe(false);
    expect(w.automountSource).toBe('not-applicable');
    expect(w.logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
  });

  it('reads short-syntax volumes: binds (absolute, relative, ~), modes and named volumes', () => {
    const c = byId<ComposeContainerData>(targets, 'compose:agent-sandbox/legacy-worker#container=legacy-worker');
    expect(c.data.mounts).toEqual([
      { volume: '/var/run/docker.sock', mountPath: '/var/run/docker.sock', readOnly: false, hostPath: '/var/run/docker.sock', volumeType: 'bind' },
      { volume: './work', mountPath: '/work', readOnly: false, hostPath: './work', volumeType: 'bind' },
      { volume: '~/.aws', mountPath: '/root/.aws', readOnly: true, hostPath: '~/.aws', volumeType: 'bind' },
      { volume: '/etc/', mountPath: '/host/etc', readOnly: true, hostPath: '/etc', volumeType: 'bind' },
      { volume: 'cache', mountPath: '/cache', readOnly: false, hostPath: null, volumeType: 'volume' },
    ]);
    expect([0, 1, 2, 3, 4].map((i) => locate(c, `/mounts/${i}`).line)).toEqual([42, 43, 44, 45, 46]);
    expect(locate(c, '/mounts/0').pointer).toBe('/services/legacy-worker/volumes/0');
  });

  it('reads ports in short and long syntax; every entry publishes on the host (not with network_mode: host, where Docker discards them)', () => {
    // legacy-worker is on the host network: its ports are read (a malformed one is an error) but not published.
    expect(byId<ComposeContainerData>(targets, 'compose:agent-sandbox/legacy-worker#container=legacy-worker').data.ports).toEqual([]);
    const bridged = parse(AGENT_STACK.replace('    network_mode: host\n', '')).targets;
    const c = byId<ComposeContainerData>(bridged, 'compose:agent-sandbox/legacy-worker#container=legacy-worker');
    expect(c.data.ports).toEqual([
      { containerPort: 8080, hostPort: 8080, hostIp: null, protocol: 'tcp' },
      { containerPort: 9229, hostPort: 9229, hostIp: '127.0.0.1', protocol: 'tcp' },
      { containerPort: 3000, hostPort: 0, hostIp: null, protocol: 'tcp' },
      { containerPort: 9000, hostPort: 9000, hostIp: '0.0.0.0', protocol: 'udp' },
    ]);
    expect([0, 1, 2, 3].map((i) => locate(c, `/ports/${i}`).line)).toEqual([47, 48, 49, 50]);
  });

  it('keeps literal environment values in data, host references as references, and env_file names', () => {
    const c = byId<ComposeContainerData>(targets, 'compose:agent-sandbox/legacy-worker#container=legacy-worker');
    expect(c.data.env).toEqual([
      { name: 'ANTHROPIC_ENVIRONMENT_KEY', value: 'sk-ant-not-a-real-key', valueFrom: null },
      { name: 'DEBUG', value: '1', valueFrom: null },
      { name: 'PROXY', value: null, valueFrom: { kind: 'host', name: 'HTTP_PROXY', key: null } },
    ]);
    expect(locate(c, '/env/0')).toEqual({ file: 'compose.yaml', line: 58, column: 7, pointer: '/services/legacy-worker/environment/ANTHROPIC_ENVIRONMENT_KEY' });
    expect(c.data.envFrom).toEqual([
      { kind: 'file', name: '.env' },
      { kind: 'file', name: './secrets/worker.env' },
    ]);
    expect(c.data.envFiles).toEqual([
      { path: '.env', file: '.env', required: true },
      { path: './secrets/worker.env', file: 'secrets/worker.env', required: false },
    ]);
    expect(locate(c, '/envFrom/1').line).toBe(63);
  });

  it('points each risky field at its line', () => {
    const c = byId(targets, 'compose:agent-sandbox/legacy-worker#container=legacy-worker');
    const lines = Object.fromEntries(
      ['/image', '/privileged', '/user', '/capabilities/add/0', '/capabilities/add/1', '/seccomp', '/apparmor', '/selinux', '/readOnlyRootFilesystem', '/devices/0'].map((p) => [p, locate(c, p).line]),
    );
    expect(lines).toEqual({
      '/image': 27,
      '/privileged': 28,
      '/user': 29,
      '/capabilities/add/0': 31,
      '/capabilities/add/1': 32,
      '/seccomp': 34,
      '/apparmor': 35,
      '/selinux': 36,
      '/readOnlyRootFilesystem': 26,
      '/devices/0': 56,
    });
    const w = byId(targets, 'compose:agent-sandbox/legacy-worker');
    expect(['/hostNetwork', '/hostPID', '/hostIPC', '/hostUsers', '/logging', '/sandboxedRuntime'].map((p) => locate(w, p).line)).toEqual([37, 38, 39, 40, 65, 26]);
  });

  it('reads long-syntax binds, bind-backed named volumes, an unresolved image and a user name', () => {
    const c = byId<ComposeContainerData>(targets, 'compose:agent-sandbox/log-shipper#container=log-shipper').data;
    expect(c.image).toEqual({ ref: '${SHIPPER_IMAGE}', repository: '${SHIPPER_IMAGE}', tag: null, digest: null, latest: false, pinned: false });
    expect(c.user).toEqual({ uid: null, gid: null, name: 'app', runAsNonRoot: null, nonRoot: true, reason: "user name 'app' (uid not resolved)", source: 'service' });
    expect(c.mounts).toEqual([
      { volume: '/var/run/docker.sock', mountPath: '/var/run/docker.sock', readOnly: true, hostPath: '/var/run/docker.sock', volumeType: 'bind' },
      { volume: 'hostlogs', mountPath: '/logs', readOnly: false, hostPath: '/var/log', volumeType: 'volume' },
    ]);
    const w = byId<ComposeWorkloadData>(targets, 'compose:agent-sandbox/log-shipper').data;
    expect(w.shareProcessNamespace).toBe(true);
    expect(w.hostPID).toBe(false);
    expect(w.logging).toEqual({ driver: 'none', options: {} });
    expect(w.volumes).toEqual([
      { name: '/var/run/docker.sock', type: 'bind', hostPath: '/var/run/docker.sock', driver: null, readOnly: true },
      { name: 'hostlogs', type: 'volume', hostPath: '/var/log', driver: 'local', readOnly: false },
    ]);
  });
});

describe('compose handler: field forms', () => {
  const one = (service: string) => {
    const { targets } = parse(`services:\n  svc:\n${service.replace(/^/gm, '    ')}\n`);
    return {
      c: byId<ComposeContainerData>(targets, 'compose:agent-platform/svc#container=svc'),
      w: byId<ComposeWorkloadData>(targets, 'compose:agent-platform/svc'),
    };
  };

  it.each([
    ['user: "1000"', { uid: 1000, gid: null, name: null, nonRoot: true, reason: 'user 1000 set on the service' }],
    ['user: 1000', { uid: 1000, gid: null, name: null, nonRoot: true, reason: 'user 1000 set on the service' }],
    ['user: "1000:1000"', { uid: 1000, gid: 1000, name: null, nonRoot: true, reason: 'user 1000 set on the service' }],
    ['user: root', { uid: 0, gid: null, name: 'root', nonRoot: false, reason: 'user root set on the service' }],
    ['user: "0"', { uid: 0, gid: null, name: null, nonRoot: false, reason: 'user 0 (root) set on the service' }],
    ['user: "0:1000"', { uid: 0, gid: 1000, name: null, nonRoot: false, reason: 'user 0 (root) set on the service' }],
    ['user: app', { uid: null, gid: null, name: 'app', nonRoot: true, reason: "user name 'app' (uid not resolved)" }],
    ['user: "${UID}:${GID}"', { uid: null, gid: null, name: null, nonRoot: false, reason: "user '${UID}:${GID}' is set by a variable; cannot prove it is not root" }],
    ['image: x', { uid: null, gid: null, name: null, nonRoot: false, reason: "no `user:` set on the service; the image's USER applies", source: 'unset' }],
  ])('%s', (yaml, user) => {
    expect(one(`image: x\n${yaml}`).c.data.user).toMatchObject(user);
  });

  it.each([
    ['- seccomp=/etc/docker/seccomp/agent.json', 'seccomp', { type: 'Localhost', profile: '/etc/docker/seccomp/agent.json', source: 'service', text: '`security_opt: [seccomp=/etc/docker/seccomp/agent.json]`' }],
    ['- seccomp:unconfined', 'seccomp', { type: 'Unconfined', profile: null, source: 'service', text: '`security_opt: [seccomp:unconfined]`' }],
    ['- apparmor=agent-profile', 'apparmor', { type: 'Localhost', profile: 'agent-profile', source: 'service', text: '`security_opt: [apparmor=agent-profile]`' }],
    ['- apparmor:unconfined', 'apparmor', { type: 'Unconfined', profile: null, source: 'service', text: '`security_opt: [apparmor:unconfined]`' }],
    ['- label=type:container_t', 'selinux', { type: 'container_t', source: 'service', text: '`security_opt: [label=type:container_t]`' }],
    ['- label:disable', 'selinux', { type: 'spc_t', source: 'service', text: '`security_opt: [label:disable]`, which turns SELinux labelling off' }],
  ] as const)('security_opt %s', (opt, field, value) => {
    expect(one(`image: x\nsecurity_opt:\n  ${opt}`).c.data[field]).toEqual(value);
  });

  it.each([
    ['- no-new-privileges', false],
    ['- no-new-privileges:true', false],
    ['- no-new-privileges=true', false],
    ['- no-new-privileges:false', true],
  ])('security_opt %s → allowPrivilegeEscalation %s', (opt, allow) => {
    expect(one(`image: x\nsecurity_opt:\n  ${opt}`).c.data.allowPrivilegeEscalation).toBe(allow);
  });

  it('keeps Docker defaults when nothing is set', () => {
    const { c, w } = one('build: ./worker');
    expect(c.data.capabilities).toEqual({ add: [], drop: [], dropsAll: false });
    expect(c.data.allowPrivilegeEscalation).toBe(true);
    expect(c.data.seccomp).toEqual({ type: 'RuntimeDefault', profile: null, source: 'runtime-default' });
    expect(c.data.image).toEqual({ built: true, ref: null, repository: null, tag: null, digest: null, latest: false, pinned: false });
    expect(w.data.build).toEqual({ context: './worker', dockerfile: null });
    expect(w.data.logging).toBeNull();
    expect(w.data.runtimeClassName).toBeNull();
  });

  it('understands lowercase all, CAP_ prefixes, environment lists, env_file as a string and kata runtimes', () => {
    const { c, w } = one('image: x\ncap_drop: [all]\ncap_add: [cap_chown]\nenvironment: ["A=1", "B=", "C"]\nenv_file: worker.env\nruntime: kata-runtime');
    expect(c.data.capabilities).toEqual({ add: ['CHOWN'], drop: ['ALL'], dropsAll: true });
    expect(c.data.env).toEqual([
      { name: 'A', value: '1', valueFrom: null },
      { name: 'B', value: '', valueFrom: null },
      { name: 'C', value: null, valueFrom: { kind: 'host', name: 'C', key: null } },
    ]);
    expect(c.data.envFiles).toEqual([{ path: 'worker.env', file: 'worker.env', required: true }]);
    expect(w.data.sandboxedRuntime).toBe(true);
  });

  it('reads Windows binds, npipe mounts, anonymous volumes and legacy log_driver', () => {
    const { c, w } = one(
      'image: x\nvolumes:\n  - C:\\data:/data:ro\n  - /scratch\n  - type: npipe\n    source: \\\\.\\pipe\\docker_engine\n    target: \\\\.\\pipe\\docker_engine\nlog_driver: syslog\nlog_opt:\n  tag: worker',
    );
    expect(c.data.mounts).toEqual([
      { volume: 'C:\\data', mountPath: '/data', readOnly: true, hostPath: 'C:\\data', volumeType: 'bind' },
      { volume: '(anonymous)', mountPath: '/scratch', readOnly: false, hostPath: null, volumeType: 'volume' },
      { volume: '\\\\.\\pipe\\docker_engine', mountPath: '\\\\.\\pipe\\docker_engine', readOnly: false, hostPath: '\\\\.\\pipe\\docker_engine', volumeType: 'bind' },
    ]);
    expect(w.data.logging).toEqual({ driver: 'syslog', options: { tag: 'worker' } });
  });

  it('accepts YAML 1.1 booleans and uses the default of an interpolated boolean', () => {
    expect(one('image: x\nprivileged: "yes"\nread_only: ${RO:-true}').c.data).toMatchObject({ privileged: true, readOnlyRootFilesystem: true });
    expect(one('image: x\nprivileged: ${PRIV}').c.data.privileged).toBe(false);
  });

  it('takes the project from the folder when there is no name:, normalized as compose does', () => {
    const { targets } = parse('services:\n  web:\n    image: nginx\n', 'docker-compose.yml', '/home/me/My Agent.Stack/docker-compose.yml');
    expect(targets[0]!.id).toBe('compose:myagentstack/web');
    const fromStdin = parse('services:\n  web:\n    image: nginx\n', '<stdin>', null);
    expect(fromStdin.targets[0]!.id).toBe('compose:stdin/web');
  });

  it('lists a file without services as skipped, not silently', () => {
    expect(parse('volumes:\n  data: {}\n')).toEqual({ targets: [], skipped: [{ kind: 'compose file', name: 'agent-platform', line: 1, reason: 'no services: defined, so nothing to evaluate' }] });
  });

  it('lists a top-level include: as not merged', () => {
    expect(parse('include:\n  - ../common/compose.yaml\nservices:\n  web:\n    image: nginx\n').skipped).toEqual([
      { kind: 'compose include', name: 'agent-platform', line: 1, reason: 'included compose files are not merged into this one; pass them to sandcheck as inputs of their own' },
    ]);
  });

  it('records a suppression without a reason as reason null', () => {
    const { c } = one('image: x\nx-sandcheck-ignore:\n  container-privileged: ""\n  container-root: ~');
    expect(c.suppressions.map((s) => [s.ruleId, s.reason, s.location?.line])).toEqual([
      ['container-privileged', null, 5],
      ['container-root', null, 6],
    ]);
  });
});

describe('compose handler: extends', () => {
  const STACK = `services:
  base:
    image: registry.internal/agent/worker:2.3
    user: "10001"
    cap_drop: [ALL]
    cap_add: [CHOWN]
    security_opt:
      - no-new-privileges:true
    environment:
      - LOG_LEVEL=info
      - REGION=eu
    volumes:
      - cache:/cache
      - ./config:/etc/worker:ro
    x-sandcheck-ignore:
      container-rootfs-writable: the worker unpacks tools into /opt at start-up
  gpu-worker:
    extends: base
    privileged: true
    cap_add: [SYS_ADMIN]
    environment:
      REGION: us
      DEBUG: "1"
    volumes:
      - /srv/config:/etc/worker
  remote:
    extends:
      file: common.yml
      service: worker
    image: x
volumes:
  cache: {}
`;
  const { targets, skipped } = parse(STACK);
  const c = byId<ComposeContainerData>(targets, 'compose:agent-platform/gpu-worker#container=gpu-worker');

  it('merges the base service with compose rules: scalars override, lists append, env by key, volumes by target', () => {
    expect(c.data.user.uid).toBe(10001);
    expect(c.data.privileged).toBe(true);
    expect(c.data.allowPrivilegeEscalation).toBe(false);
    expect(c.data.capabilities).toEqual({ add: ['CHOWN', 'SYS_ADMIN'], drop: ['ALL'], dropsAll: true });
    expect(c.data.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info', valueFrom: null },
      { name: 'REGION', value: 'us', valueFrom: null },
      { name: 'DEBUG', value: '1', valueFrom: null },
    ]);
    expect(c.data.mounts.map((m) => `${m.volume}:${m.mountPath}:${m.readOnly}`)).toEqual(['cache:/cache:false', '/srv/config:/etc/worker:false']);
  });

  it('points inherited values at the base service and overrides at the child', () => {
    expect(locate(c, '/user')).toMatchObject({ line: 4, pointer: '/services/base/user' });
    expect(locate(c, '/privileged')).toMatchObject({ line: 19, pointer: '/services/gpu-worker/privileged' });
    expect(locate(c, '/capabilities/add/0')).toMatchObject({ line: 6, pointer: '/services/base/cap_add/0' });
    expect(locate(c, '/capabilities/add/1')).toMatchObject({ line: 20, pointer: '/services/gpu-worker/cap_add/0' });
    expect(locate(c, '/allowPrivilegeEscalation').line).toBe(8);
    expect([0, 1, 2].map((i) => locate(c, `/env/${i}`).line)).toEqual([10, 22, 23]);
    expect([0, 1].map((i) => locate(c, `/mounts/${i}`).line)).toEqual([13, 25]);
    // Fields set nowhere point at the service that was asked about.
    expect(locate(c, '/readOnlyRootFilesystem')).toMatchObject({ line: 17, pointer: '/services/gpu-worker' });
    expect(c.suppressions.map((s) => [s.ruleId, s.location?.line])).toEqual([['container-rootfs-writable', 16]]);
  });

  it('lists an extends from another file, whose fields it cannot see', () => {
    expect(skipped).toEqual([
      {
        kind: 'compose extends',
        name: 'agent-platform/service remote',
        line: 27,
        reason: "extends service 'worker' of common.yml: the fields it inherits from that file are not evaluated",
      },
    ]);
    expect(byId(targets, 'compose:agent-platform/remote#container=remote')).toBeDefined();
  });

  it('rejects a cycle and an unknown base service', () => {
    expect(parseError('services:\n  a:\n    extends: b\n  b:\n    extends: a\n')).toMatchObject({ line: 3, reason: 'services.a.extends forms a cycle: a → b → a' });
    expect(parseError('services:\n  a:\n    image: x\n    extends: { service: nope }\n')).toMatchObject({ line: 4, reason: "services.a.extends names service 'nope', which is not defined in this file" });
  });
});

describe('compose handler: detection', () => {
  const detect = (path: string, text: string, abs: string | null = `/x/${path}`) => composeHandler.detect(source(path, text, abs));
  it.each(['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'docker-compose.prod.yml', 'docker-compose-dev.yaml', 'deploy/compose.override.yaml'])('by name: %s', (p) => {
    expect(detect(p, 'anything: 1')).toBe(true);
  });
  it('by content: a top-level services mapping of service-like entries', () => {
    expect(detect('stack.yaml', 'services:\n  api:\n    image: nginx\n')).toBe(true);
    expect(detect('<stdin>', 'services:\n  api:\n    build: .\n', null)).toBe(true);
  });
  it('not Kubernetes, not other YAML with a services key, not other extensions', () => {
    expect(detect('svc.yaml', 'apiVersion: v1\nkind: Service\nservices:\n  a:\n    image: x\n')).toBe(false);
    expect(detect('catalog.yaml', 'services:\n  billing:\n    owner: team-a\n')).toBe(false);
    expect(detect('notes.txt', 'services:\n  api:\n    image: nginx\n')).toBe(false);
    expect(detect('broken.yaml', 'services: [\n')).toBe(false);
    expect(detect('compose.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n')).toBe(false);
  });
});

describe('compose handler: malformed input gives an InputError with file, line and reason', () => {
  it.each([
    ['services: [api, worker]\n', 1, 'services must be a mapping of service names to definitions, not a list'],
    ['services:\n  api:\n', 2, "service 'api' must be a mapping, not null"],
    ['services:\n  api:\n    image: x\n    privileged: maybe\n', 4, 'services.api.privileged must be a boolean, not a string'],
    ['services:\n  api:\n    image: x\n    cap_add: NET_ADMIN\n', 4, 'services.api.cap_add must be a list, not a string'],
    ['services:\n  api:\n    image: x\n    volumes:\n      - "/a:/b:/c:ro"\n', 5, 'services.api.volumes.0 is not a valid volume (expected [SOURCE:]TARGET[:MODE])'],
    ['services:\n  api:\n    image: x\n    volumes:\n      - /data:/data:readwrite\n', 5, "services.api.volumes.0 has an unknown mount option 'readwrite'"],
    ['services:\n  api:\n    image: x\n    volumes:\n      - type: bind\n        target: /x\n', 5, 'services.api.volumes.0 is a bind mount without a source'],
    ['services:\n  api:\n    image: x\n    volumes:\n      - source: data\n        target: /x\n', 5, 'services.api.volumes.0 has no type (bind, volume, tmpfs, npipe, image or cluster)'],
    ['services:\n  api:\n    image: x\n    ports:\n      - "http:80"\n', 5, "services.api.ports.0 has an invalid host port 'http'"],
    ['services:\n  api:\n    image: x\n    ports:\n      - 0\n', 5, 'services.api.ports.0 is not a port number (1-65535)'],
    ['services:\n  api:\n    image: x\n    environment: KEY=value\n', 4, 'services.api.environment must be a list of KEY=VALUE strings or a mapping, not a string'],
    ['services:\n  api:\n    image: x\n    security_opt:\n      - seccomp\n', 5, "services.api.security_opt.0 'seccomp' needs a value"],
    ['services:\n  api:\n    image: x\n    security_opt:\n      - privileged=true\n', 5, "services.api.security_opt.0 'privileged' is not a Docker security option (seccomp, apparmor, label, no-new-privileges, systempaths)"],
    ['services:\n  api:\n    image: x\n    volumes_from:\n      - db:rx\n', 5, "services.api.volumes_from.0 'db:rx' is not a service name or container:<name>, with an optional :ro or :rw"],
    ['services:\n  api:\n    image: x\n    user: {uid: 1}\n', 4, 'services.api.user must be a string, not a mapping'],
    ['services:\n  api:\n    image: x\n    x-sandcheck-ignore: container-root\n', 4, 'services.api.x-sandcheck-ignore must map rule ids to reasons, not a string'],
    ['- not\n- a compose file\n', 1, 'the top level of a compose file must be a mapping, not a list'],
    ['services:\n  a:\n    image: x\n---\nservices:\n  b:\n    image: y\n', 5, 'a compose file holds one YAML document; found 2'],
    ['services:\n  a:\n    image: x\n   bad: indent\n', 4, undefined],
  ])('%j', (text, line, reason) => {
    const e = parseError(text);
    expect(e.file).toBe('compose.yaml');
    expect(e.line).toBe(line);
    if (reason) expect(e.reason).toBe(reason);
    else expect(e.reason).toMatch(/^not valid YAML: /);
  });

  it('never puts an environment value in an error', () => {
    const e = parseError('services:\n  api:\n    image: x\n    environment:\n      KEY: {nested: sk-ant-secret-value}\n');
    // First: a failing toBe would print the message, value and all.
    expectNotPrinted(e.message, ['sk-ant-secret-value']);
    expect(e.message).toBe('compose.yaml:5:7: services.api.environment.KEY must be a scalar, not a mapping');
  });

  it('random field shapes give an InputError or targets, never a crash', () => {
    const values: unknown[] = [null, 1, -1, 'x', true, [], {}, ['a'], [1], [{}], { a: 1 }, [null], 'a:b:c:d', '${X}', [{ type: 'bind' }], [{ target: 1 }], ['x=1', 5]];
    const keys = ['image', 'user', 'privileged', 'cap_add', 'security_opt', 'volumes', 'tmpfs', 'pid', 'devices', 'environment', 'env_file', 'logging', 'log_opt', 'ports', 'labels', 'build', 'extends', 'x-sandcheck-ignore'];
    let seed = 7;
    const pick = <T>(list: T[]): T => list[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % list.length]!;
    let errors = 0;
    for (let k = 0; k < 600; k++) {
      const svc = Object.fromEntries([0, 1, 2].map(() => [pick(keys), pick(values)]));
      const text = JSON.stringify({ services: { a: svc, b: { extends: 'a', image: 'y', environment: ['A=1'], volumes: ['data:/data'] } }, volumes: k % 2 ? pick(values) : { data: {} } });
      try {
        parse(text);
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`crash on ${text}: ${(e as Error).stack}`);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(50);
    expect(errors).toBeLessThan(600);
  });

  it('an empty compose file is an error, not a pass', () => {
    expect(parseError('# nothing here\n').reason).toBe('empty compose file: no services to audit');
  });
});
