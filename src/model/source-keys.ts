import type { Platform } from './target.js';

/**
 * How a setting is written in each source format. One rule judges Kubernetes pods, compose services,
 * live Docker containers and images alike (the normalized workload/container shapes), but a finding
 * must name the key its reader has to edit: `network_mode: host` in a compose file, `hostNetwork:
 * true` in a manifest, `--network host` for `docker run`. Rule messages and remediations write
 * `{{key.<name>}}` (or `{{key}}` for the failing field) and get the wording of the target's source.
 *
 * An entry is markdown-ish text (code in backticks) and may itself use the message placeholders
 * (`{{node.…}}`). Lookup: the target's platform, then (for an image) Docker's wording, since what an
 * image cannot carry is set at `docker run`, then `default`, then Kubernetes.
 */
export type SourceWording = Partial<Record<Platform | 'default', string>>;

export const SOURCE_KEYS: Readonly<Record<string, SourceWording>> = {
  // Host namespaces: `{{key}}` of the failing field of workload-host-namespace.
  hostNetwork: { kubernetes: '`hostNetwork: true`', compose: '`network_mode: host`', docker: '`--network host`' },
  hostPID: { kubernetes: '`hostPID: true`', compose: '`pid: host`', docker: '`--pid host`' },
  hostIPC: { kubernetes: '`hostIPC: true`', compose: '`ipc: host`', docker: '`--ipc host`' },
  hostUsers: { kubernetes: '`hostUsers: true`', compose: '`userns_mode: host`', docker: '`--userns host`' },
  hostUTS: { compose: '`uts: host`', docker: '`--uts host`' },
  // A compose `service:` join that reaches a service in the host's namespace ({{value}}: the mode as written).
  hostNetworkJoined: { compose: "`network_mode: {{value}}`, joining a service in the host's network namespace", docker: "`--network {{value}}`, joining a container in the host's network namespace" },
  hostPIDJoined: { compose: "`pid: {{value}}`, joining a service in the host's PID namespace", docker: "`--pid {{value}}`, joining a container in the host's PID namespace" },
  hostIPCJoined: { compose: "`ipc: {{value}}`, joining a service in the host's IPC namespace", docker: "`--ipc {{value}}`, joining a container in the host's IPC namespace" },
  hostProcessNetwork: { kubernetes: "`windowsOptions.hostProcess: true`, which runs the pod in the node's network namespace; the API also requires `hostNetwork: true` with it" },
  shareProcessNamespace: { kubernetes: '`shareProcessNamespace: true`', compose: '`pid: service:…` or `pid: container:…`', docker: '`--pid container:…`' },
  // In a finding: the compose `pid:` as written (a remediation, also shown without a target, keeps the general form).
  shareProcessNamespaceBy: { kubernetes: '`shareProcessNamespace: true`', compose: '`pid: {{node.namespaceModes.pid}}`', docker: '`--pid container:…`' },

  privileged: { kubernetes: '`securityContext.privileged: true`', compose: '`privileged: true`', docker: '`--privileged`' },
  // container-privileged: what made this container privileged (a Windows HostProcess container is too).
  privilegedBy: { kubernetes: '{{node.privilegedBy}}', compose: '`privileged: true`', docker: '`--privileged`' },
  privilegedFix: {
    kubernetes: 'Remove `securityContext.privileged: true` (on Windows: `windowsOptions.hostProcess: true`)',
    compose: 'Remove `privileged: true`',
    docker: 'Remove `--privileged`',
  },
  capDropAll: { kubernetes: '`capabilities: { drop: [ALL] }` in the container securityContext', compose: '`cap_drop: [ALL]`', docker: '`--cap-drop ALL`' },
  capDrop: { kubernetes: '`capabilities.drop`', compose: '`cap_drop`', docker: '`--cap-drop`' },
  capAdd: { kubernetes: '`capabilities.add`', compose: '`cap_add`', docker: '`--cap-add`' },

  privilegeEscalationAllowed: { kubernetes: '{{node.escalationBy}}', compose: 'no `no-new-privileges:true` in `security_opt`', docker: 'no `--security-opt no-new-privileges`' },
  noNewPrivileges: { kubernetes: '`securityContext.allowPrivilegeEscalation: false`, and drop `privileged: true` and an added SYS_ADMIN (either forces escalation on)', compose: '`security_opt: [no-new-privileges:true]`', docker: '`--security-opt no-new-privileges`' },

  rootfsWritable: { kubernetes: '`readOnlyRootFilesystem` is not true', compose: '`read_only` is not true', docker: 'no `--read-only`' },
  readOnlyRootfs: { kubernetes: '`securityContext.readOnlyRootFilesystem: true`', compose: '`read_only: true`', docker: '`--read-only`' },
  scratchMount: { kubernetes: 'an `emptyDir` volume', compose: 'a `tmpfs` mount (`tmpfs: [/tmp]`)', docker: 'a `--tmpfs` mount' },

  nonRootUser: {
    kubernetes: 'Set `runAsNonRoot: true` and a numeric non-zero `runAsUser` in the pod or container securityContext',
    compose: 'Set a numeric non-root `user` on the service (`user: "10001:10001"`)',
    docker: 'Start the container with a numeric non-root user (`docker run --user 10001:10001`)',
    image: 'Start the container as a numeric non-root user (`docker run --user 10001:10001`, compose `user:`, Kubernetes `runAsUser`)',
  },

  seccompProfile: {
    kubernetes: '{{node.seccomp.text}}',
    compose: '{{node.seccomp.text}}',
    docker: '{{node.seccomp.text}}',
  },
  seccompFix: {
    kubernetes: 'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or `Localhost` with a reviewed profile), and remove `privileged: true`, under which no profile applies',
    compose: "Remove `seccomp=unconfined` from `security_opt` and `privileged: true` from the service so that Docker's default profile applies (or name a reviewed profile: `seccomp=/path/profile.json`)",
    docker: "Remove `--security-opt seccomp=unconfined` and `--privileged` so that Docker's default profile applies (or name a reviewed profile file)",
  },
  // What left AppArmor or SELinux off, as the input says it (live Docker: the flags that can).
  apparmorProfile: {
    kubernetes: '{{node.apparmor.text}}',
    compose: '{{node.apparmor.text}}',
    docker: '{{node.apparmor.text}}',
  },
  selinuxLabel: {
    kubernetes: '{{node.selinux.text}}',
    compose: '{{node.selinux.text}}',
    docker: '{{node.selinux.text}}',
  },
  apparmorFix: {
    kubernetes: 'Remove the `Unconfined` AppArmor profile (`appArmorProfile.type`, or the legacy `container.apparmor.security.beta.kubernetes.io` annotation)',
    compose: 'Remove `apparmor=unconfined` from `security_opt`, and `privileged: true` (a privileged container runs unconfined unless `security_opt` names a profile)',
    docker: 'Remove `--security-opt apparmor=unconfined`, and `--privileged` (a privileged container runs unconfined unless `--security-opt apparmor=` names a profile)',
  },
  selinuxFix: {
    kubernetes: 'Remove `seLinuxOptions.type` (or use `container_t`)',
    compose: 'Remove `label=disable` and `label=type:…` from `security_opt` (or use `container_t`); a privileged service, or one with `pid: host` or `ipc: host`, needs a `label=type:container_t` entry, or Docker turns labelling off',
    docker: 'Remove `--security-opt label=disable` and `label=type:…` (or use `container_t`)',
  },
  systemPathsUnconfined: { kubernetes: '`procMount: Unmasked`', compose: '`security_opt: [systempaths=unconfined]`', docker: '`--security-opt systempaths=unconfined`' },
  systemPathsFix: {
    kubernetes: 'Remove `procMount: Unmasked` from the securityContext',
    compose: 'Remove `systempaths=unconfined` from `security_opt`',
    docker: 'Remove `--security-opt systempaths=unconfined`',
  },

  hostPortFix: {
    kubernetes: 'Remove `hostPort` and reach the worker through a Service',
    compose: 'Publish no `ports:` (services on one network reach each other without them), or bind them to the loopback address (`"127.0.0.1:8080:8080"`)',
    docker: 'Publish no ports (`-p`), or bind them to the loopback address (`-p 127.0.0.1:8080:8080`)',
  },
  readOnlyMount: {
    kubernetes: 'Mount it with `readOnly: true`, or replace it with an `emptyDir` volume',
    compose: 'Mount it read-only (`./src:/src:ro`, or `read_only: true` in the long syntax), or replace it with a `tmpfs` mount',
    docker: 'Mount it read-only (`-v /src:/src:ro`), or replace it with a `--tmpfs` mount',
  },
  hostMountFix: {
    kubernetes: 'Remove the `hostPath` volume; use an `emptyDir` or a dedicated volume with only the data the tools need',
    compose: 'Remove the bind mount from `volumes:`; use a named volume or a `tmpfs` mount with only the data the tools need',
    docker: 'Remove the bind mount (`-v`/`--mount type=bind`); use a named volume or a `--tmpfs` mount with only the data the tools need',
  },
  socketMountFix: {
    kubernetes: 'Remove the `hostPath` volume of the socket',
    compose: 'Remove the socket bind mount from `volumes:`',
    docker: 'Remove the socket bind mount (`-v /var/run/docker.sock:…`)',
  },

  runtime: { kubernetes: '`runtimeClassName`', compose: '`runtime:`', docker: '`--runtime`' },
  sandboxedRuntimeFix: {
    kubernetes: 'Set `runtimeClassName` to a gVisor or Kata RuntimeClass',
    compose: 'Set `runtime: runsc` (gVisor) or `runtime: kata-runtime` on the service, with that runtime installed in the engine',
    docker: 'Start the container with `--runtime runsc` (gVisor) or `--runtime kata-runtime`, with that runtime installed in the engine',
  },

  logRotation: {
    compose: 'Set `logging: { driver: json-file, options: { max-size: 10m, max-file: "3" } }` on the service, use the `local` driver (rotates by default)',
    docker: 'Start the container with `--log-opt max-size=10m --log-opt max-file=3`, use the `local` driver (rotates by default)',
  },

  hostNamespaces: {
    kubernetes: '`hostNetwork`, `hostPID` and `hostIPC`',
    compose: '`network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host` and `uts: host` (and a `service:`/`container:` join of a service that has them)',
    docker: '`--network host`, `--pid host`, `--ipc host`, `--userns host` and `--uts host` (and a `container:` join of a container that has them)',
  },

  /** How the key the running worker needs gets to it instead of a literal value. */
  deliverKey: {
    kubernetes: 'deliver it from a secrets manager: a Kubernetes Secret created by External Secrets or the Secrets Store CSI driver and referenced with `secretKeyRef`, or a Vault agent',
    compose: 'deliver it from a secrets manager as a compose secret (a top-level `secrets:` entry with `external: true`, or a file the manager writes outside the repository) that the worker reads from `/run/secrets/<name>`',
    docker: 'deliver it from a secrets manager as a file mounted read-only into the container (`--mount type=bind,src=…,dst=/run/secrets/<name>,readonly`)',
    dockerfile: 'inject it when the container starts, from a secrets manager (a Kubernetes `secretKeyRef`, a compose secret read from `/run/secrets`), never through the image',
    default: 'deliver it from a secrets manager: a Kubernetes Secret created by External Secrets or the Secrets Store CSI driver and referenced with `secretKeyRef`, a Vault agent, or a compose secret backed by an external store',
  },
  /** How a build gets a credential without storing it in the image. */
  buildSecret: {
    dockerfile: 'a BuildKit secret mount, which is never stored in the image: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` (or read `/run/secrets/<id>`), built with `docker build --secret id=npm_token,env=NPM_TOKEN`',
    compose: 'a build secret, which is never stored in the image: list it under the service\'s `build.secrets` (from a top-level `secrets:` entry) and read it in the Dockerfile with `RUN --mount=type=secret,id=<name>`',
  },
  // egress-no-default-deny: where the default deny belongs for each kind of context.
  defaultDeny: {
    default:
      'Set the OUTPUT (host) and FORWARD (containers) policy to DROP — `iptables -P OUTPUT DROP`, `policy drop;` in the nft base chain — and allow loopback, established traffic and the allowlisted endpoints explicitly. Do the same in ip6tables or an inet table.',
    kubernetes:
      'Select the pod with a NetworkPolicy whose `policyTypes` include `Egress` and allow only what the tools need (DNS to the resolver, the allowlisted endpoints); an `egress: []` policy denies everything. A pod judged behind its node (or with `hostNetwork: true`) also needs the node to drop by default: `iptables -P FORWARD DROP` / `OUTPUT DROP`, `policy drop;` in nft.',
    compose:
      'Attach the service only to `internal: true` networks (with a proxy service for the allowlisted endpoints), or drop its traffic in the host\'s `DOCKER-USER` chain after the rules that allow the allowlisted endpoints. A `network_mode: host` service is filtered only by the host\'s OUTPUT chain: set its policy to DROP. Do the same for IPv6 (ip6tables, or an inet table).',
    cloud:
      'Remove the allow-all egress rule (AWS security groups carry one by default; GCP and Azure imply one) and allow only the endpoints the tools need; a deny rule of higher priority does the same where the platform implies the allow.',
  },
};

/** The platforms, in the order the rule docs list them, with their names there. */
export const SOURCE_PLATFORMS: readonly { platform: Platform | 'default'; label: string }[] = [
  { platform: 'kubernetes', label: 'Kubernetes' },
  { platform: 'compose', label: 'compose' },
  { platform: 'docker', label: 'Docker' },
  { platform: 'image', label: 'image' },
  { platform: 'dockerfile', label: 'Dockerfile' },
  { platform: 'cloud', label: 'cloud firewalls' },
  { platform: 'default', label: 'other inputs' },
];

/** The wording of `name` for a target of `platform`; undefined for an unknown name (left visible by the interpolation). */
export function sourceKey(name: string, platform: Platform | 'default' | undefined): string | undefined {
  const w = SOURCE_KEYS[name];
  if (!w) return undefined;
  return (platform ? w[platform] : undefined) ?? (platform === 'image' ? w.docker : undefined) ?? w.default ?? w.kubernetes;
}

/** The `{{key.<name>}}` names a template uses. */
export function keysUsedBy(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{\s*key\.([a-zA-Z0-9_]+)\s*\}\}/g)].map((m) => m[1]!))];
}
