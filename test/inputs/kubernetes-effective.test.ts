import { describe, expect, it } from 'vitest';
import { kubernetesHandler } from '../../src/inputs/kubernetes/handler.js';
import type { KubernetesWorkloadData } from '../../src/inputs/kubernetes/handler.js';
import type { KubernetesContainerData } from '../../src/inputs/kubernetes/effective.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import type { Target } from '../../src/model/target.js';
import type { ContainerData, WorkloadData } from '../../src/model/workload.js';
import { locate } from '../../src/model/target.js';

function parse(yamlText: string): Target<object>[] {
  return kubernetesHandler.parse(makeSourceFile('pod.yaml', '/tmp/pod.yaml', yamlText)).targets;
}
function containers(yamlText: string): Record<string, Target<ContainerData>> {
  return Object.fromEntries(parse(yamlText).filter((t) => t.kind === 'container').map((t) => [(t.data as ContainerData).name, t as Target<ContainerData>]));
}
const pod = (spec: string, meta = 'name: p') => `apiVersion: v1\nkind: Pod\nmetadata:\n  ${meta}\nspec:\n${spec}`;

describe('effective container settings (pod → container inheritance)', () => {
  it('inherits runAsNonRoot and runAsUser from the pod into main, init and ephemeral containers', () => {
    const c = containers(
      pod(`  securityContext: {runAsNonRoot: true, runAsUser: 1000}
  initContainers: [{name: init, image: i}]
  containers: [{name: main, image: m}]
  ephemeralContainers: [{name: debug, image: d}]
`),
    );
    for (const [name, role] of [['init', 'init'], ['main', 'main'], ['debug', 'ephemeral']] as const) {
      expect(c[name]!.data.role).toBe(role);
      expect(c[name]!.data.user).toMatchObject({ uid: 1000, runAsNonRoot: true, nonRoot: true, source: 'pod' });
    }
    expect(c.debug!.name).toBe('Pod/p › ephemeral container debug');
  });

  it('lets the container override the pod, in both directions', () => {
    const c = containers(
      pod(`  securityContext: {runAsUser: 0}
  containers:
    - {name: a, image: a, securityContext: {runAsUser: 1001}}
    - {name: b, image: b}
`),
    );
    expect(c.a!.data.user).toMatchObject({ uid: 1001, nonRoot: true, source: 'container' });
    expect(c.b!.data.user).toMatchObject({ uid: 0, nonRoot: false, source: 'pod' });
  });

  it('on Windows, the container runAsUserName overrides the pod, in both directions, located at the field that decided', () => {
    const text = pod(`  os: {name: windows}
  securityContext:
    windowsOptions: {runAsUserName: ContainerAdministrator}
  containers:
    - name: a
      image: a
      securityContext:
        windowsOptions:
          runAsUserName: ContainerUser
    - {name: b, image: b}
    - {name: c, image: c, securityContext: {windowsOptions: {gmsaCredentialSpecName: spec}}}
`);
    const c = containers(text);
    expect(c.a!.data.user).toMatchObject({ name: 'ContainerUser', nonRoot: true, source: 'container', reason: 'windowsOptions.runAsUserName ContainerUser on the container' });
    expect(locate(c.a!, '/user')).toMatchObject({ line: 14, pointer: '/spec/containers/0/securityContext/windowsOptions/runAsUserName' });
    for (const name of ['b', 'c']) {
      expect(c[name]!.data.user).toMatchObject({ name: 'ContainerAdministrator', nonRoot: false, source: 'pod', reason: 'windowsOptions.runAsUserName ContainerAdministrator on the pod is the administrator' });
      expect(locate(c[name]!, '/user')).toMatchObject({ line: 8, pointer: '/spec/securityContext/windowsOptions/runAsUserName' });
    }
  });

  it('treats runAsUser 0 with runAsNonRoot true as root, and points at the uid', () => {
    const text = pod(`  securityContext: {runAsNonRoot: true}
  containers:
    - name: a
      image: a
      securityContext:
        runAsUser: 0
`);
    const a = containers(text).a!;
    expect(a.data.user.nonRoot).toBe(false);
    expect(a.data.user.reason).toBe('runAsUser 0 on the container contradicts runAsNonRoot: true (uid 0 is root; the kubelet refuses to start it)');
    expect(locate(a, '/user/nonRoot')).toMatchObject({ file: 'pod.yaml', line: 11, pointer: '/spec/containers/0/securityContext/runAsUser' });
  });

  it('accepts runAsNonRoot without a uid (the kubelet enforces it) and not an unset user', () => {
    const c = containers(pod(`  containers:\n    - {name: a, image: a, securityContext: {runAsNonRoot: true}}\n    - {name: b, image: b}\n`));
    expect(c.a!.data.user.nonRoot).toBe(true);
    expect(c.b!.data.user).toMatchObject({ nonRoot: false, source: 'unset', reason: "no runAsUser or runAsNonRoot; the image's USER applies" });
  });

  it('normalizes capability names: case, CAP_ prefix, lowercase all', () => {
    const a = containers(pod(`  containers:\n    - {name: a, image: a, securityContext: {capabilities: {add: [cap_net_raw, Sys_Admin], drop: [all]}}}\n`)).a!;
    expect(a.data.capabilities).toEqual({ add: ['NET_RAW', 'SYS_ADMIN'], drop: ['ALL'], dropsAll: true });
  });

  it('forces privilege escalation on for privileged containers and SYS_ADMIN, whatever the flag says', () => {
    const c = containers(
      pod(`  containers:
    - {name: p, image: a, securityContext: {privileged: true, allowPrivilegeEscalation: false}}
    - {name: s, image: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}}
    - {name: ok, image: a, securityContext: {allowPrivilegeEscalation: false}}
    - {name: unset, image: a}
`),
    );
    expect([c.p, c.s, c.ok, c.unset].map((t) => t!.data.allowPrivilegeEscalation)).toEqual([true, true, false, true]);
  });

  it('resolves seccomp from the container, then the pod; the legacy annotations decide nothing (ignored since Kubernetes 1.27)', () => {
    const c = containers(
      pod(
        `  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
    - {name: own, image: a, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}
    - {name: annotated, image: a}
    - {name: inherits, image: a}
`,
        'name: p\n  annotations: {container.seccomp.security.alpha.kubernetes.io/annotated: unconfined}',
      ),
    );
    expect(c.own!.data.seccomp).toEqual({ type: 'Localhost', profile: 'p.json', source: 'container', text: '`seccompProfile: Localhost`' });
    expect(c.annotated!.data.seccomp).toMatchObject({ type: 'RuntimeDefault', source: 'pod' });
    expect(c.inherits!.data.seccomp).toMatchObject({ type: 'RuntimeDefault', source: 'pod' });
  });

  it('a pod with only a seccomp annotation has no profile, located at the annotation', () => {
    const c = containers(
      pod(
        `  containers:
    - {name: a, image: a}
    - {name: b, image: a, securityContext: {runAsNonRoot: true}}
`,
        `name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
    container.seccomp.security.alpha.kubernetes.io/b: localhost/tools.json`,
      ),
    );
    expect(c.a!.data.seccomp).toEqual({ type: 'unset', profile: null, source: 'unset', text: 'no `seccompProfile` on the container or the pod' });
    expect(c.b!.data.seccomp).toEqual({ type: 'unset', profile: null, source: 'unset', text: 'no `seccompProfile` on the container or the pod' });
    expect(locate(c.a!, '/seccomp').line).toBe(6);
    expect(locate(c.b!, '/seccomp').line).toBe(7);
  });

  it('a privileged container runs Unconfined whatever its profile, located at privileged', () => {
    const c = containers(
      pod(
        `  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: shipper
      image: a
      securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}, privileged: true}
    - {name: app, image: a}
`,
      ),
    );
    expect(c.shipper!.data.seccomp).toEqual({ type: 'Unconfined', profile: null, source: 'container', text: '`privileged: true`, under which no seccomp profile applies' });
    expect(locate(c.shipper!, '/seccomp').line).toBe(locate(c.shipper!, '/privileged').line);
    expect(c.app!.data.seccomp).toMatchObject({ type: 'RuntimeDefault', source: 'pod' });
  });

  it('a Windows HostProcess container is privileged and a Windows container, the container overriding the pod, located at hostProcess', () => {
    const text = pod(`  securityContext:
    windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}
  containers:
    - {name: inherits, image: a}
    - name: optout
      image: a
      securityContext:
        windowsOptions: {hostProcess: false}
    - name: own
      image: a
      securityContext:
        windowsOptions:
          hostProcess: true
`);
    const c = containers(text) as Record<string, Target<KubernetesContainerData>>;
    expect(c.inherits!.data).toMatchObject({ privileged: true, hostProcess: true, os: 'windows', privilegedBy: '`windowsOptions.hostProcess: true` on the pod: a HostProcess container runs as a process on the node' });
    expect(locate(c.inherits!, '/privileged')).toMatchObject({ line: 7, pointer: '/spec/securityContext/windowsOptions/hostProcess' });
    // Windows user resolution applies: SYSTEM is the administrator.
    expect(c.inherits!.data.user).toMatchObject({ name: 'NT AUTHORITY\\SYSTEM', nonRoot: false, source: 'pod' });
    expect(c.optout!.data.privileged).toBe(false);
    expect(c.optout!.data.hostProcess).toBeUndefined();
    expect(c.optout!.data.privilegedBy).toBeUndefined();
    expect(c.own!.data).toMatchObject({ privileged: true, privilegedBy: '`windowsOptions.hostProcess: true` on the container: a HostProcess container runs as a process on the node' });
    expect(locate(c.own!, '/privileged')).toMatchObject({ line: 18, pointer: '/spec/containers/2/securityContext/windowsOptions/hostProcess' });
    // Not a Linux privileged container: no seccomp or escalation is forced by it.
    expect(c.own!.data.seccomp.text).toBe('no `seccompProfile` on the container or the pod');
    expect(c.own!.data.allowPrivilegeEscalation).toBe(true);
  });

  it('a HostProcess pod without hostNetwork shares the node network, located at the hostProcess that decided; with hostNetwork it does not add a second field', () => {
    const workload = (text: string) => parse(text).find((t) => t.kind === 'workload') as Target<KubernetesWorkloadData>;
    const without = workload(pod(`  containers:
    - name: a
      image: a
      securityContext:
        windowsOptions:
          hostProcess: true
`));
    expect(without.data.hostNetwork).toBe(false);
    expect(without.data.hostProcessNetwork).toBe(true);
    expect(locate(without, '/hostProcessNetwork')).toMatchObject({ line: 11, pointer: '/spec/containers/0/securityContext/windowsOptions/hostProcess' });
    const withIt = workload(pod(`  hostNetwork: true
  securityContext: {windowsOptions: {hostProcess: true}}
  containers: [{name: a, image: a}]
`));
    expect(withIt.data.hostNetwork).toBe(true);
    expect(withIt.data.hostProcessNetwork).toBeUndefined();
    const linux = workload(pod(`  securityContext: {windowsOptions: {hostProcess: false}}
  containers: [{name: a, image: a, securityContext: {privileged: true}}]
`));
    expect(linux.data.hostProcessNetwork).toBeUndefined();
  });

  it('marks a hostPath volume writable only when some container mounts it writable', () => {
    const targets = parse(
      pod(`  containers:
    - {name: a, image: a, volumeMounts: [{name: ro, mountPath: /r, readOnly: true}, {name: rw, mountPath: /w}]}
    - {name: b, image: b, volumeMounts: [{name: rw, mountPath: /w, readOnly: true}]}
  volumes:
    - {name: ro, hostPath: {path: /srv/ro}}
    - {name: rw, hostPath: {path: /srv/rw}}
`),
    );
    const w = targets.find((t) => t.kind === 'workload')!.data as WorkloadData;
    expect(w.volumes.map((v) => [v.name, v.type, v.hostPath, v.readOnly])).toEqual([
      ['ro', 'hostPath', '/srv/ro', true],
      ['rw', 'hostPath', '/srv/rw', false],
    ]);
    const a = targets.find((t) => t.kind === 'container')!.data as ContainerData;
    expect(a.mounts.map((m) => [m.mountPath, m.hostPath, m.readOnly])).toEqual([
      ['/r', '/srv/ro', true],
      ['/w', '/srv/rw', false],
    ]);
  });

  it('finds pod templates in every workload kind and lists other kinds as skipped', () => {
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'];
    const docs = kinds.map((k) => `apiVersion: apps/v1\nkind: ${k}\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: c}]\n`);
    docs.push('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: c}]\n');
    docs.push('apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: listed}, spec: {containers: [{name: c, image: c}]}}\n  - {apiVersion: v1, kind: Service, metadata: {name: svc}}\n');
    const out = kubernetesHandler.parse(makeSourceFile('all.yaml', null, docs.join('---\n')));
    expect(out.targets.filter((t) => t.kind === 'workload').map((t) => (t.data as WorkloadData).kind)).toEqual([...kinds, 'CronJob', 'Pod']);
    expect(out.skipped).toEqual([{ kind: 'Service', name: 'svc', line: expect.any(Number), reason: 'kind Service carries no evidence sandcheck evaluates' }]);
  });

  it('parses Kubernetes JSON (kubectl get -o json) with line numbers', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'c', image: 'c', securityContext: { privileged: true } }] } }, null, 2);
    const c = kubernetesHandler.parse(makeSourceFile('pod.json', '/tmp/pod.json', text)).targets.find((t) => t.kind === 'container')!;
    expect((c.data as ContainerData).privileged).toBe(true);
    expect(locate(c, '/privileged').line).toBe(text.split('\n').findIndex((l) => l.includes('"privileged"')) + 1);
  });
});
