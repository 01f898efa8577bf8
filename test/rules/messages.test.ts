import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, type CompiledRule } from '../../src/engine/load-rules.js';
import { SOURCE_KEYS, keysUsedBy } from '../../src/model/source-keys.js';
import { buildSarif } from '../../src/report/sarif.js';
import { sandcheck, tempDir } from '../helpers/cli.js';
import { RULE_FIXTURES, runFixture } from '../helpers/fixtures.js';

// Findings name the key of the file they point into: a compose finding says `cap_drop`, a manifest
// finding `capabilities.drop` (one rule per concern, its wording picked by `{{key.…}}`).

const rules = loadRules().rules;
const rule = (id: string): CompiledRule => rules.find((r) => r.id === id)!;

/** [line, message, remediation] of one rule's findings on one of its fixtures. */
async function findingsOf(id: string, fixture: string): Promise<[number | undefined, string, string][]> {
  const dir = join(RULE_FIXTURES, id);
  const report = await runFixture(rule(id), join(dir, fixture), dir);
  return report.findings.filter((f) => f.ruleId === id).map((f) => [f.location.line, f.message, f.remediation]);
}

/** Every fail fixture of the rules whose text this file owns, by source format (egress messages are the egress analyzer's). */
function failFixtures(format: RegExp): [string, string][] {
  return rules
    .filter((r) => !r.id.startsWith('egress-') && existsSync(join(RULE_FIXTURES, r.id)))
    .flatMap((r) => readdirSync(join(RULE_FIXTURES, r.id)).filter((f) => f.startsWith('fail') && format.test(f) && !f.endsWith('.expect.yaml')).map((f) => [r.id, f] as [string, string]));
}

const KUBERNETES_TERMS = /securityContext|hostNetwork|hostPID|hostIPC|hostUsers|runAsUser|runAsNonRoot|allowPrivilegeEscalation|readOnlyRootFilesystem|capabilities\.(drop|add)|drop: \[ALL\] \}|seccompProfile|procMount|appArmorProfile|seLinuxOptions|hostPath|hostPort|emptyDir|runtimeClassName|RuntimeClass|shareProcessNamespace/;
const COMPOSE_TERMS = /network_mode|userns_mode|cap_drop|cap_add|security_opt|read_only|`user:|`pid:|`ipc:|`ports:|`volumes:|build\.secrets|\/run\/secrets/;

/** A fail fixture's findings (at least one) name none of `terms` in their message or remediation. */
async function expectNoTerms(id: string, fixture: string, terms: RegExp): Promise<void> {
  const found = await findingsOf(id, fixture);
  expect(found.length, 'a fail fixture has findings').toBeGreaterThan(0);
  for (const [line, message, remediation] of found) {
    expect({ line, message, remediation }).toEqual({ line, message: expect.not.stringMatching(terms), remediation: expect.not.stringMatching(terms) });
  }
}

describe('wording by source format', () => {
  it.each(failFixtures(/compose/))('%s %s: a compose finding names compose keys, never Kubernetes fields', (id, fixture) => expectNoTerms(id, fixture, KUBERNETES_TERMS));

  it.each(failFixtures(/k8s/))('%s %s: a Kubernetes finding names Kubernetes fields, never compose keys', (id, fixture) => expectNoTerms(id, fixture, COMPOSE_TERMS));

  it.each(failFixtures(/Dockerfile/))('%s %s: a Dockerfile finding names no runtime setting of Kubernetes or compose', (id, fixture) => expectNoTerms(id, fixture, KUBERNETES_TERMS));

  it('every {{key.…}} of a built-in rule names a known key', () => {
    const unknown = rules.flatMap((r) => [...keysUsedBy(r.message), ...keysUsedBy(r.remediation)].filter((k) => !SOURCE_KEYS[k]).map((k) => `${r.id}: ${k}`));
    expect(unknown).toEqual([]);
  });
});

// The exact compose wording, rule by rule: [rule, fixture, [[line, message, remediation]…]].
const COMPOSE: [string, string, [number, string, string][]][] = [
  ['container-apparmor-unconfined', 'fail-compose.yaml', [
    [6, "Runs with AppArmor unconfined (`security_opt: [apparmor:unconfined]`)", "Remove `apparmor=unconfined` from `security_opt`, and `privileged: true` (a privileged container runs unconfined unless `security_opt` names a profile)."],
  ]],
  ['container-apparmor-unconfined', 'fail-compose-privileged.yaml', [
    [6, "Runs with AppArmor unconfined (`privileged: true` with no AppArmor profile in `security_opt`)", "Remove `apparmor=unconfined` from `security_opt`, and `privileged: true` (a privileged container runs unconfined unless `security_opt` names a profile)."],
  ]],
  ['container-caps-not-dropped', 'fail-compose-privileged.yaml', [
    [7, "Has every capability: `privileged: true` grants them all, whatever `cap_drop` says", "Drop every capability with `cap_drop: [ALL]` and add back (`cap_add`) only those a tool provably needs. A privileged container keeps them all whatever it drops: remove `privileged: true` first."],
  ]],
  ['container-caps-not-dropped', 'fail-compose.yaml', [
    [3, "Keeps the runtime's default capabilities (`cap_drop` has no ALL)", "Drop every capability with `cap_drop: [ALL]` and add back (`cap_add`) only those a tool provably needs. A privileged container keeps them all whatever it drops: remove `privileged: true` first."],
  ]],
  ['container-dangerous-capability', 'fail-compose.yaml', [
    [7, "Adds capability NET_ADMIN", "Remove the capability from `cap_add`. If a tool truly needs it, run that tool in its own sandbox with its own environment key."],
    [9, "Adds capability BPF", "Remove the capability from `cap_add`. If a tool truly needs it, run that tool in its own sandbox with its own environment key."],
  ]],
  ['container-host-port', 'fail-compose.yaml', [
    [6, "Publishes container port 8080 on host port 8080", "Publish no `ports:` (services on one network reach each other without them), or bind them to the loopback address (`\"127.0.0.1:8080:8080\"`)."],
    [9, "Publishes container port 3000 on host port 0", "Publish no `ports:` (services on one network reach each other without them), or bind them to the loopback address (`\"127.0.0.1:8080:8080\"`)."],
  ]],
  ['container-image-latest', 'fail-compose.yaml', [
    [4, "Uses image registry.example.com/worker, which resolves to whatever latest is at pull time", "Reference the image by digest (`registry/worker:1.4.2@sha256:…`)."],
  ]],
  ['container-image-unpinned', 'fail-compose.yaml', [
    [4, "Uses image registry.example.com/worker:1.4.2 without a digest", "Append the digest (`@sha256:…`) to the image reference, e.g. with `crane digest` or your registry's API, and let a bot update it."],
  ]],
  ['container-privilege-escalation', 'fail-compose.yaml', [
    [3, "Allows privilege escalation (no `no-new-privileges:true` in `security_opt`): setuid binaries and file capabilities take effect", "Set `security_opt: [no-new-privileges:true]`."],
  ]],
  ['container-privileged', 'fail-compose.yaml', [
    [5, "Runs privileged (`privileged: true`)", "Remove `privileged: true`."],
  ]],
  ['container-proc-mount-unmasked', 'fail-compose.yaml', [
    [6, "Sees the host's unmasked /proc and /sys paths (`security_opt: [systempaths=unconfined]`)", "Remove `systempaths=unconfined` from `security_opt`."],
  ]],
  ['container-rootfs-writable', 'fail-compose.yaml', [
    [5, "Can write to its root filesystem (`read_only` is not true)", "Set `read_only: true` and give the tools a `tmpfs` mount (`tmpfs: [/tmp]`) where they need scratch space."],
  ]],
  ['container-run-as-root', 'fail-compose.yaml', [
    [5, "May run as root: user 0 (root) set on the service", "Set a numeric non-root `user` on the service (`user: \"10001:10001\"`), and build the image with a numeric non-root `USER`."],
    [8, "May run as root: no `user:` set on the service; the image's USER applies", "Set a numeric non-root `user` on the service (`user: \"10001:10001\"`), and build the image with a numeric non-root `USER`."],
  ]],
  ['container-seccomp-unconfined', 'fail-compose.yaml', [
    [7, "Runs without seccomp confinement (`security_opt: [seccomp=unconfined]`)", "Remove `seccomp=unconfined` from `security_opt` and `privileged: true` from the service so that Docker's default profile applies (or name a reviewed profile: `seccomp=/path/profile.json`)."],
    [13, "Runs without seccomp confinement (`security_opt: [seccomp:unconfined]`)", "Remove `seccomp=unconfined` from `security_opt` and `privileged: true` from the service so that Docker's default profile applies (or name a reviewed profile: `seccomp=/path/profile.json`)."],
  ]],
  ['container-seccomp-unconfined', 'fail-compose-privileged.yaml', [
    [6, "Runs without seccomp confinement (`privileged: true`, which turns seccomp off)", "Remove `seccomp=unconfined` from `security_opt` and `privileged: true` from the service so that Docker's default profile applies (or name a reviewed profile: `seccomp=/path/profile.json`)."],
    [12, "Runs without seccomp confinement (`privileged: true`, which turns seccomp off)", "Remove `seccomp=unconfined` from `security_opt` and `privileged: true` from the service so that Docker's default profile applies (or name a reviewed profile: `seccomp=/path/profile.json`)."],
  ]],
  ['container-selinux-unconfined', 'fail-compose.yaml', [
    [6, "Runs with SELinux unconfined (`security_opt: [label:disable]`, which turns SELinux labelling off)", "Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off."],
    [11, "Runs with SELinux unconfined (`security_opt: [label:type:unconfined_t]`)", "Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off."],
    [17, "Runs with SELinux unconfined (`privileged: true` with no `label` entry in `security_opt`, under which Docker turns SELinux labelling off)", "Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off."],
    [21, "Runs with SELinux unconfined (`pid: host` with no `label` entry in `security_opt`, under which Docker turns SELinux labelling off)", "Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off."],
    [25, "Runs with SELinux unconfined (`ipc: host` with no `label` entry in `security_opt`, under which Docker turns SELinux labelling off)", "Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off."],
  ]],
  ['container-writable-host-path', 'fail-compose.yaml', [
    [6, "Mounts host path ./workspace writable at /workspace", "Mount it read-only (`./src:/src:ro`, or `read_only: true` in the long syntax), or replace it with a `tmpfs` mount."],
    [8, "Mounts host path /srv/output writable at /output", "Mount it read-only (`./src:/src:ro`, or `read_only: true` in the long syntax), or replace it with a `tmpfs` mount."],
  ]],
  ['workload-host-namespace', 'fail-compose.yaml', [
    [5, "Shares a host namespace (`network_mode: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [7, "Shares a host namespace (`pid: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [9, "Shares a host namespace (`ipc: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [11, "Shares a host namespace (`userns_mode: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [13, "Shares a host namespace (`uts: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
  ]],
  ['workload-host-namespace', 'fail-compose-service-join.yaml', [
    [7, "Shares a host namespace (`network_mode: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [9, "Shares a host namespace (`pid: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [11, "Shares a host namespace (`ipc: host`)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [15, "Shares a host namespace (`network_mode: service:node-agent`, joining a service in the host's network namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [17, "Shares a host namespace (`pid: service:node-agent`, joining a service in the host's PID namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [19, "Shares a host namespace (`ipc: service:node-agent`, joining a service in the host's IPC namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [23, "Shares a host namespace (`network_mode: service:sidecar`, joining a service in the host's network namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [29, "Shares a host namespace (`network_mode: container:node-agent-1`, joining a service in the host's network namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
    [27, "Shares a host namespace (`ipc: container:node-agent-1`, joining a service in the host's IPC namespace)", "Remove `network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)."],
  ]],
  ['workload-log-unbounded', 'fail-compose.yaml', [
    [5, "Logs of workload-log-unbounded/service worker grow without bound (json-file driver without max-size)", "Set `logging: { driver: json-file, options: { max-size: 10m, max-file: \"3\" } }` on the service, use the `local` driver (rotates by default), or ship logs to a store with a retention policy; set the same defaults in the daemon's daemon.json."],
    [12, "Logs of workload-log-unbounded/service tools grow without bound (json-file driver without max-size)", "Set `logging: { driver: json-file, options: { max-size: 10m, max-file: \"3\" } }` on the service, use the `local` driver (rotates by default), or ship logs to a store with a retention policy; set the same defaults in the daemon's daemon.json."],
  ]],
  ['workload-no-sandboxed-runtime', 'fail-compose.yaml', [
    [3, "Runs on the host's shared kernel (no gVisor or Kata `runtime:`)", "Set `runtime: runsc` (gVisor) or `runtime: kata-runtime` on the service, with that runtime installed in the engine."],
  ]],
  ['workload-runtime-socket', 'fail-compose.yaml', [
    [7, "Mounts the container runtime socket or its folder (/var/run/docker.sock)", "Remove the socket bind mount from `volumes:`. Tools that build images should use a rootless builder in its own sandbox."],
  ]],
  ['workload-sensitive-host-path', 'fail-compose.yaml', [
    [6, "Mounts the host path /etc", "Remove the bind mount from `volumes:`; use a named volume or a `tmpfs` mount with only the data the tools need."],
    [8, "Mounts the host path /root/.ssh", "Remove the bind mount from `volumes:`; use a named volume or a `tmpfs` mount with only the data the tools need."],
    [14, "Mounts the host path ~/.aws", "Remove the bind mount from `volumes:`; use a named volume or a `tmpfs` mount with only the data the tools need."],
  ]],
  ['workload-shared-process-namespace', 'fail-compose.yaml', [
    [7, "Shares a process namespace with other containers (`pid: service:worker`)", "Remove `pid: service:…` or `pid: container:…`: give each container its own process namespace."],
  ]],
];

describe('compose messages and remediations', () => {
  it.each(COMPOSE)('%s %s', async (id, fixture, expected) => {
    expect(await findingsOf(id, fixture)).toEqual(expected);
  });
});

describe('AppArmor, SELinux and privilege-escalation findings name the Kubernetes field or annotation that decided', () => {
  it.each([
    ['container-apparmor-unconfined', 'fail-k8s.yaml', [
      [9, 'Runs with AppArmor unconfined (annotation `container.apparmor.security.beta.kubernetes.io/worker: unconfined`)'],
      [19, 'Runs with AppArmor unconfined (`appArmorProfile.type: Unconfined` on the container)'],
    ]],
    ['container-selinux-unconfined', 'fail-k8s.yaml', [[8, 'Runs with SELinux unconfined (`seLinuxOptions.type: spc_t` on the pod)']]],
    ['container-privilege-escalation', 'fail-k8s.yaml', [
      [8, 'Allows privilege escalation (no `allowPrivilegeEscalation: false` on the container; Kubernetes allows it by default): setuid binaries and file capabilities take effect'],
      [15, 'Allows privilege escalation (SYS_ADMIN in `capabilities.add`, which forces it on whatever `allowPrivilegeEscalation` says): setuid binaries and file capabilities take effect'],
    ]],
  ] as [string, string, [number, string][]][])('%s %s', async (id, fixture, expected) => {
    expect((await findingsOf(id, fixture)).map(([line, message]) => [line, message])).toEqual(expected);
  });
});

describe('container-caps-not-dropped on a privileged container', () => {
  // A privileged container has every capability (Docker and the CRI runtimes ignore the drop list):
  // "keeps the runtime's default capabilities" would understate it, and drop: [ALL] must not pass it.
  it('Kubernetes: fails at privileged, saying it has every capability', async () => {
    expect(await findingsOf('container-caps-not-dropped', 'fail-k8s-privileged.yaml')).toEqual([
      [
        12,
        'Has every capability: `securityContext.privileged: true` grants them all, whatever `capabilities.drop` says',
        'Drop every capability with `capabilities: { drop: [ALL] }` in the container securityContext and add back (`capabilities.add`) only those a tool provably needs. A privileged container keeps them all whatever it drops: remove `securityContext.privileged: true` first.',
      ],
    ]);
  });

  it('an unprivileged container keeps the default set and says so', async () => {
    expect((await findingsOf('container-caps-not-dropped', 'fail-k8s.yaml')).map(([line, message]) => [line, message])).toEqual([
      [10, "Keeps the runtime's default capabilities (`capabilities.drop` has no ALL)"],
      [13, "Keeps the runtime's default capabilities (`capabilities.drop` has no ALL)"],
    ]);
  });
});

describe('text report', () => {
  it('prints the fix of each source format under a rule whose findings come from compose and Kubernetes', () => {
    const dir = 'fixtures/rules/container-privileged';
    const r = sandcheck(['scan', `${dir}/fail-compose.yaml`, `${dir}/fail-k8s.yaml`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const start = lines.indexOf('  critical container-privileged  Containers must not run privileged');
    expect(lines.slice(start, start + 7)).toEqual([
      '  critical container-privileged  Containers must not run privileged',
      `      ${dir}/fail-compose.yaml:5  container-privileged/service worker › container worker`,
      '        Runs privileged (`privileged: true`)',
      `      ${dir}/fail-k8s.yaml:16  sandbox/CronJob/cleanup › init container setup`,
      '        Runs privileged (`securityContext.privileged: true`)',
      '      fix (compose): Remove `privileged: true`.',
      '      fix (Kubernetes): Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).',
    ]);
  });
});

describe('SARIF rule help', () => {
  it('gives the fix of each source format, never a {{key}} placeholder', async () => {
    const dir = join(RULE_FIXTURES, 'container-privileged');
    const report = await runFixture(rule('container-privileged'), join(dir, 'fail-compose.yaml'), dir);
    const sarif = buildSarif(report, rules, { cwd: dir }) as { runs: { tool: { driver: { rules: { id: string; help: { text: string } }[] } } }[] };
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.rules.find((r) => r.id === 'container-privileged')!.help.text).toBe('- Kubernetes: Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`).\n- compose: Remove `privileged: true`.\n- Docker: Remove `--privileged`.');
    expect(driver.rules.filter((r) => r.help.text.includes('{{')).map((r) => r.id)).toEqual([]);
  });
});

describe('a user rule', () => {
  it('words its message and remediation per source format with {{key.…}} too', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'no-net-admin.yaml'),
      [
        'id: no-net-admin',
        'title: No NET_ADMIN',
        'checklist: image-hardening',
        'severity: high',
        'target: container',
        'given: /capabilities/add/*',
        'assert: { not: { const: NET_ADMIN } }',
        'message: "Adds NET_ADMIN through {{key.capAdd}}"',
        'rationale: r',
        'remediation: "Take it out of {{key.capAdd}}."',
        '',
      ].join('\n'),
    );
    const userRule = loadRules([dir], { builtin: false }).rules[0]!;
    const fixtures = join(RULE_FIXTURES, 'container-dangerous-capability');
    const found = async (fixture: string) => (await runFixture(userRule, join(fixtures, fixture), fixtures)).findings.map((f) => [f.location.line, f.message, f.remediation]);
    expect(await found('fail-compose.yaml')).toEqual([[7, 'Adds NET_ADMIN through `cap_add`', 'Take it out of `cap_add`.']]);
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: c:1\n      securityContext:\n        capabilities:\n          add: [NET_ADMIN]\n');
    const k8s = (await runFixture(userRule, join(dir, 'pod.yaml'), dir)).findings.map((f) => [f.location.line, f.message, f.remediation]);
    expect(k8s).toEqual([[10, 'Adds NET_ADMIN through `capabilities.add`', 'Take it out of `capabilities.add`.']]);
  });
});
