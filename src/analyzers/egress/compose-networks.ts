import type { EgressConfig, SandcheckConfig } from '../../config/types.js';
import type { ComposeAttachment, ComposeNetworkData } from '../../inputs/compose/networks.js';
import type { DockerDaemonEgressData } from '../../inputs/docker-daemon/handler.js';
import type { Target } from '../../model/target.js';
import type { Family } from './address.js';
import { analyzeHost, type Allowlist, type EgressFinding, type HostAnalysis } from './analyze.js';
import { familyLabel } from './describe.js';
import { dirname, resolve } from 'node:path';
import type { EgressContext, NormRuleset, NormTable, Origin } from './model.js';
import { hostFiltersOf, hostsOnPath, type HostFilter } from './node-path.js';

/**
 * The compose layer of egress: what a service's network attachment lets out, before any host
 * firewall. `network_mode: none` → nothing; only `internal: true` networks → nothing outside them;
 * the default network, any other network, `network_mode: bridge` or `host` → the compose layer does
 * not restrict egress, which is judged as an absent layer is (allow-all: one no-default-deny per
 * family that is open). `service:x` / `container:x` share x's network namespace. When the host's
 * packet filter is in the scan (its dumps in the compose file's directory, or named by the `behind` of a
 * configured `container` context), an open service is judged on the intersection: the compose layer,
 * then the host's FORWARD path (DOCKER-USER first) for a bridge, or the host's OUTPUT path for
 * `network_mode: host` (a host process: the compose layer is not there at all). compose.yaml and
 * compose.override.yaml arrive already merged (src/inputs/compose/override.ts): one target per service.
 */

export function isComposeNetwork(t: Target<object>): t is Target<ComposeNetworkData> {
  return t.kind === 'egress' && (t.data as { layer?: string }).layer === 'compose-network';
}

/** How far the compose layer lets a service reach, and the line that decides it. */
export type ComposeReach =
  | { kind: 'none'; why: string; origin: Origin }
  | { kind: 'internal'; why: string; origin: Origin; networks: string[] }
  | { kind: 'open'; why: string; origin: Origin; families: Family[]; via: ComposeVia }
  | { kind: 'unknown'; why: string; origin: Origin };

/** How an open service's traffic enters the host: its bridge and subnet (FORWARD path), or the host's own stack (OUTPUT). */
export interface ComposeVia {
  hostStack: boolean;
  /** `docker0`, the network's `com.docker.network.bridge.name`, or `br-*` (Docker's `br-<network id>`, not known here). */
  interface?: string;
  sourceCidr?: string;
}

const MAX_HOPS = 16;

/** Follows `network_mode: service:x` / `container:x` within the same compose file. */
export function composeReach(t: Target<ComposeNetworkData>, all: readonly Target<ComposeNetworkData>[]): ComposeReach {
  const file = t.file ?? '?';
  const at = (line: number): Origin => ({ file, line });
  const d = t.data;
  const mode = d.networkMode;
  if (mode) {
    const origin = mode.file ? { file: mode.file, line: mode.line } : at(mode.line);
    switch (mode.kind) {
      case 'none':
        return { kind: 'none', why: `network_mode: none gives it loopback only (line ${mode.line})`, origin };
      case 'host':
        return { kind: 'open', why: `network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (line ${mode.line})`, origin, families: ['ipv4', 'ipv6'], via: { hostStack: true } };
      case 'bridge':
        return { kind: 'open', why: `network_mode: ${mode.text} puts it on Docker's default bridge (line ${mode.line}), so the compose layer does not restrict its egress`, origin, families: ['ipv4'], via: { hostStack: false, interface: 'docker0' } };
      case 'service':
      case 'container': {
        // One file, or both files of a merged compose.override.yaml pair (one project).
        const peers = all.filter((p) => p.data.project === d.project && (d.mergedFrom ? p.data.mergedFrom === d.mergedFrom : p.file === t.file));
        const joined = mode.kind === 'service' ? peers.find((p) => p.data.service === mode.joins) : peers.find((p) => p.data.containerName === mode.joins || p.data.service === mode.joins);
        if (joined === t) return { kind: 'unknown', why: `network_mode: ${mode.text} names the service itself (line ${mode.line})`, origin };
        if (!joined) {
          return { kind: 'unknown', why: `network_mode: ${mode.text} joins the network namespace of ${mode.kind === 'service' ? 'a service' : 'a container'} not defined in ${file}, whose egress is not known here (line ${mode.line})`, origin };
        }
        const chain = [t];
        let cur: Target<ComposeNetworkData> = joined;
        for (let hops = 0; hops < MAX_HOPS; hops++) {
          if (chain.includes(cur)) return { kind: 'unknown', why: `network_mode: ${mode.text} forms a cycle of shared network namespaces (line ${mode.line})`, origin };
          chain.push(cur);
          const m = cur.data.networkMode;
          if (!m || (m.kind !== 'service' && m.kind !== 'container')) break;
          const next = m.kind === 'service' ? peers.find((p) => p.data.service === m.joins) : peers.find((p) => p.data.containerName === m.joins || p.data.service === m.joins);
          if (!next) break;
          cur = next;
        }
        const inherited = composeReach(chain[1]!, all);
        return { ...inherited, why: `network_mode: ${mode.text} shares the network namespace of service ${joined.data.service} (line ${mode.line}), and ${inherited.why.replace(/^./, (c) => c.toLowerCase())}`, origin } as ComposeReach;
      }
      default:
        return { kind: 'unknown', why: `network_mode: ${mode.text} is not one sandcheck can resolve (a variable, or a network of the engine not declared here) (line ${mode.line})`, origin };
    }
  }
  const kinds = d.networks.map((a) => ({ a, kind: attachmentKind(a) }));
  const open = kinds.filter((k) => k.kind === 'host' || k.kind === 'bridge' || k.kind === 'open');
  if (open.length) {
    const { a, kind } = open[0]!;
    const families: Family[] = open.some((k) => k.kind === 'host' || k.a.network.enableIpv6) ? ['ipv4', 'ipv6'] : ['ipv4'];
    const net = a.name === 'default' && a.network.line === null ? `the project's default network` : `network ${a.name}`;
    const why =
      kind === 'host'
        ? `it is on network ${a.name}, the host's network stack (line ${a.line})`
        : kind === 'bridge'
          ? `it is on network ${a.name}, Docker's default bridge (line ${a.line}), so the compose layer does not restrict its egress`
          : `it is on ${net}, which is not internal: true (line ${a.line}), so the compose layer does not restrict its egress`;
    const v4Subnets = (a.network.subnets ?? []).filter((c) => !c.includes(':'));
    const via: ComposeVia =
      kind === 'host'
        ? { hostStack: true }
        : kind === 'bridge'
          ? { hostStack: false, interface: 'docker0' }
          : { hostStack: false, interface: a.network.bridgeName ?? 'br-*', ...(v4Subnets.length === 1 ? { sourceCidr: v4Subnets[0]! } : {}) };
    return { kind: 'open', why, origin: a.file ? { file: a.file, line: a.line } : at(a.line), families, via };
  }
  const unknown = kinds.find((k) => k.kind === 'unknown');
  if (unknown) {
    return {
      kind: 'unknown',
      why: unknown.a.network.undeclared
        ? `network ${unknown.a.name} is not declared in this file (an override of another compose file?), so whether it is internal is not known here (line ${unknown.a.line})`
        : `network ${unknown.a.name} is external: whether it is internal was decided where it was created (docker network create --internal), which sandcheck cannot see (line ${unknown.a.line})`,
      origin: unknown.a.file ? { file: unknown.a.file, line: unknown.a.line } : at(unknown.a.line),
    };
  }
  if (kinds.every((k) => k.kind === 'none')) {
    const a = d.networks[0]!;
    return { kind: 'none', why: `network ${a.name} has no connectivity (driver none) (line ${a.line})`, origin: a.file ? { file: a.file, line: a.line } : at(a.line) };
  }
  const internal = d.networks.filter((a) => a.network.internal);
  const lines = internal.map((a) => `${a.name} (line ${a.network.internalLine ?? a.network.line ?? a.line})`);
  const first = internal[0]!;
  return {
    kind: 'internal',
    why: `it is attached only to internal network${internal.length > 1 ? 's' : ''} ${lines.join(', ')}: it reaches the other services on ${internal.length > 1 ? 'them' : 'it'} and nothing outside`,
    origin: first.network.declaredIn && first.network.internalLine !== null ? { file: first.network.declaredIn, line: first.network.internalLine } : first.file ? { file: first.file, line: first.line } : at(first.network.internalLine ?? first.line),
    networks: internal.map((a) => a.name),
  };
}

/** One attachment: a network created outside the file can still be the host's, `none` or the default bridge. */
function attachmentKind(a: ComposeAttachment): 'host' | 'none' | 'bridge' | 'internal' | 'open' | 'unknown' {
  const n = a.network.engineName ?? (a.network.external ? a.name : null);
  if (a.network.driver === 'host' || (a.network.external && n === 'host')) return 'host';
  if (a.network.driver === 'none' || (a.network.external && n === 'none')) return 'none';
  if (a.network.external && n === 'bridge') return 'bridge';
  if (a.network.internal) return 'internal';
  return a.network.external || a.network.undeclared ? 'unknown' : 'open';
}

function allowlistOf(cfg: EgressConfig | undefined, keepRequired: boolean): Allowlist {
  return {
    // A service cut off by design is not a blocked required endpoint: the allowlist is judged where there is a network.
    allow: keepRequired ? (cfg?.allow ?? []).map((a) => ({ cidr: a.cidr, host: a.host, proto: a.proto, ports: a.ports })) : [],
    internal: (cfg?.internal ?? []).map((a) => ({ cidr: a.cidr, proto: a.proto, ports: a.ports })),
    resolvers: cfg?.dns?.resolvers ?? [],
    resolverFiltersNames: cfg?.dns?.resolverFiltersNames ?? false,
    ipv6: cfg?.ipv6 ?? 'auto',
  };
}

function rulesetOf(reach: ComposeReach, file: string): NormRuleset {
  const table = (family: Family, policy: 'accept' | 'drop', name: string): NormTable => ({
    name: `compose ${familyLabel(family)}`,
    families: [family],
    chains: [{ name, base: true, hook: 'output', priority: 0, policy, type: 'filter', rules: [], origin: reach.origin }],
  });
  const openFamilies = reach.kind === 'open' ? reach.families : [];
  const tables = (['ipv4', 'ipv6'] as const).map((f) =>
    openFamilies.includes(f) ? table(f, 'accept', 'compose network') : table(f, 'drop', reach.kind === 'open' ? 'compose network (IPv6 not enabled: enable_ipv6 is not set)' : `compose network (${reach.kind === 'none' ? 'no network' : 'internal only'})`),
  );
  return { source: 'compose', file, backend: null, families: ['ipv4', 'ipv6'], tables, notes: [] };
}

export interface ComposeServiceAnalysis {
  target: Target<ComposeNetworkData>;
  label: string;
  reach: ComposeReach;
  analysis: HostAnalysis;
}

/** `why` without the `(line N)` of the line the finding is reported at (the location says it). */
function whyAt(reach: ComposeReach): string {
  return reach.why.replace(new RegExp(` \\(line ${reach.origin.line}\\)`), '');
}

/** An open service with its host's filter on the path: judged on the intersection. */
function intersected(t: Target<ComposeNetworkData>, label: string, reach: Extract<ComposeReach, { kind: 'open' }>, host: HostFilter, config: SandcheckConfig): ComposeServiceAnalysis {
  const file = t.file ?? '?';
  const ctx: EgressContext = reach.via.hostStack
    ? { kind: 'host-process', name: label, origin: reach.why }
    : { kind: 'container', name: label, origin: reach.why, ...(reach.via.interface ? { interface: reach.via.interface } : {}), ...(reach.via.sourceCidr ? { sourceCidr: reach.via.sourceCidr } : {}) };
  const rulesets = reach.via.hostStack ? host.rulesets : [rulesetOf(reach, file), ...host.rulesets];
  const analysis = analyzeHost({ rulesets, contexts: [ctx], allowlist: allowlistOf(config.egress, true), locateAt: 'decisive' });
  const why = whyAt(reach);
  const atCompose = (f: EgressFinding): boolean => f.location.file === reach.origin.file && f.location.line === reach.origin.line;
  // Where the host lets a flow through that the open compose layer did not restrict, the finding is at the
  // host's rule. Only where both layers are open is it at the compose line: one no-default-deny per family.
  const findings = analysis.findings.flatMap((f): EgressFinding[] => {
    // The host's input notes (legacy tables, opaque statements) are the host analysis's findings, not each service's.
    if (f.context === 'all') return [];
    if (!atCompose(f)) return [f];
    if (f.code !== 'no-default-deny' || !f.family) return [];
    return [{ ...f, message: `No default deny for ${familyLabel(f.family)} egress of ${label}: ${why}, and the host's packet filter (${host.files.join(', ')}) does not stop it either${f.witness ? ` (e.g. ${f.witness}, allowed by ${f.path})` : ''}`, evidence: { ...f.evidence, reason: reach.why } }];
  });
  return { target: t, label, reach, analysis: { findings, explain: analysis.explain, layers: analysis.layers } };
}

/** The `behind` names of configured `container` contexts: the host filters compose services run behind. */
function composeBehind(config: SandcheckConfig): string[] | undefined {
  const names = (config.egress?.contexts ?? []).filter((c) => c.kind === 'container').flatMap((c) => (Array.isArray(c.behind) ? (c.behind as string[]) : []));
  return names.length ? names : undefined;
}

/** The Docker daemon.json of each directory of the scan. */
function daemonsOf(targets: readonly Target<object>[]): Map<string, DockerDaemonEgressData> {
  const out = new Map<string, DockerDaemonEgressData>();
  for (const t of targets) if (t.kind === 'egress' && (t.data as { layer?: string }).layer === 'docker-daemon') out.set((t.data as DockerDaemonEgressData).host, t.data as DockerDaemonEgressData);
  return out;
}

/** daemon.json `"ipv6": true`: the default bridge (docker0) gets IPv6 addresses, so its IPv6 egress is open too. */
function withDaemon(reach: ComposeReach, daemon: DockerDaemonEgressData | undefined): ComposeReach {
  if (reach.kind !== 'open' || reach.via.interface !== 'docker0' || daemon?.ipv6?.value !== true || reach.families.includes('ipv6')) return reach;
  const o = daemon.ipv6.origin;
  return { ...reach, families: ['ipv4', 'ipv6'], why: `${reach.why}; ${o.file}:${o.line} sets "ipv6": true, so the default bridge carries IPv6 too` };
}

/**
 * daemon.json `"iptables": false`: Docker installs no rules, so what compose says about isolation (an
 * internal network) and the DOCKER-USER hook are not enforced by Docker on this host: a warning on each
 * service whose verdict rests on them.
 */
function daemonFinding(label: string, reach: ComposeReach, daemon: DockerDaemonEgressData | undefined, file: string): EgressFinding | null {
  const off = daemon?.iptables;
  const v6 = daemon?.ip6tables;
  if (off?.value !== false && v6?.value === false && reach.kind === 'open' && !reach.via.hostStack && reach.families.includes('ipv6')) {
    // `"ip6tables": false` (Docker's default before 27): Docker writes no ip6tables rules, so its IPv6 is routed without them.
    return {
      code: 'opaque',
      verdict: 'warn',
      context: label,
      family: 'ipv6',
      message: `Docker on this host manages no ip6tables rules ("ip6tables": false in ${v6.origin.file}:${v6.origin.line}), so the IPv6 egress of ${label} has no DOCKER-USER hook: only the host's own ip6tables FORWARD rules filter it`,
      location: v6.origin,
      key: `${label}|docker-daemon|ip6tables`,
      evidence: { context: label, layers: `compose network of ${label} from ${file}; ${v6.origin.file}`, daemon: '"ip6tables": false' },
    };
  }
  if (off?.value !== false || (reach.kind !== 'internal' && !(reach.kind === 'open' && !reach.via.hostStack))) return null;
  const what = reach.kind === 'internal' ? 'its internal: true network is not isolated by Docker\'s rules (only by the missing default route)' : 'no DOCKER-USER hook or masquerade is set up by Docker: its egress is whatever the host\'s own FORWARD and nat rules do';
  return {
    code: 'opaque',
    verdict: 'warn',
    context: label,
    family: null,
    message: `Docker on this host installs no iptables rules ("iptables": false in ${off.origin.file}:${off.origin.line}), so for ${label} ${what}`,
    location: off.origin,
    key: `${label}|docker-daemon|iptables`,
    evidence: { context: label, layers: `compose network of ${label} from ${file}; ${off.origin.file}`, daemon: '"iptables": false' },
  };
}

/** Every compose service of the scan, judged on its own network attachment (and its host's filter when the scan has it). */
export function analyzeComposeNetworks(targets: readonly Target<object>[], config: SandcheckConfig): ComposeServiceAnalysis[] {
  const all = targets.filter(isComposeNetwork);
  const hosts = all.length ? hostFiltersOf(targets) : [];
  const daemons = all.length ? daemonsOf(targets) : new Map<string, DockerDaemonEgressData>();
  const behind = composeBehind(config);
  return all.map((t) => {
    const label = `compose service ${t.data.project}/${t.data.service}`;
    const file = t.file ?? '?';
    const host = hostsOnPath(behind, t.file, hosts)[0];
    const daemon = daemons.get(host?.host ?? dirname(resolve(file)));
    const reach = withDaemon(composeReach(t, all), daemon);
    const result = analyzeService(t, label, reach, file, host, config);
    const extra = daemonFinding(label, reach, daemon, file);
    if (extra) result.analysis.findings.push(extra);
    return result;
  });
}

function analyzeService(t: Target<ComposeNetworkData>, label: string, reach: ComposeReach, file: string, host: HostFilter | undefined, config: SandcheckConfig): ComposeServiceAnalysis {
  {
    if (reach.kind === 'open' && host) return intersected(t, label, reach, host, config);
    if (reach.kind === 'unknown') {
      const finding: EgressFinding = {
        code: 'opaque',
        verdict: 'warn',
        context: label,
        family: null,
        message: `Egress of ${label} is not known from the compose file: ${whyAt(reach)}`,
        location: reach.origin,
        key: `${label}|compose|opaque`,
        evidence: { context: label, layers: `compose network of ${label} from ${file}`, reason: reach.why },
      };
      return { target: t, label, reach, analysis: { findings: [finding], explain: [], layers: [`compose network from ${file}`] } };
    }
    const analysis = analyzeHost({
      rulesets: [rulesetOf(reach, file)],
      contexts: [{ kind: 'host-process', name: label, origin: reach.why }],
      allowlist: allowlistOf(config.egress, reach.kind === 'open'),
    });
    // An allow-all layer is judged as an absent one: one no-default-deny per open family, nothing else.
    const findings = analysis.findings
      .filter((f) => reach.kind === 'open' && f.code === 'no-default-deny')
      .map((f) => ({
        ...f,
        message: `No default deny for ${familyLabel(f.family!)} egress of ${label}: ${whyAt(reach)}${f.witness ? ` (e.g. ${f.witness})` : ''}`,
        location: reach.origin,
        evidence: { ...f.evidence, reason: reach.why },
      }));
    return { target: t, label, reach, analysis: { findings, explain: analysis.explain, layers: analysis.layers } };
  }
}

/**
 * Per host directory, the bridges of the compose services judged on that host's path: the host's own
 * analysis does not judge them again as the implied "containers on <bridge>" context.
 */
export function composeBridgesByHost(targets: readonly Target<object>[], config: SandcheckConfig): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const all = targets.filter(isComposeNetwork);
  if (all.length === 0) return out;
  const hosts = hostFiltersOf(targets);
  const behind = composeBehind(config);
  for (const t of all) {
    const reach = composeReach(t, all);
    if (reach.kind !== 'open' || reach.via.hostStack || !reach.via.interface) continue;
    const host = hostsOnPath(behind, t.file, hosts)[0];
    if (!host) continue;
    const set = out.get(host.host) ?? new Set<string>();
    set.add(reach.via.interface);
    out.set(host.host, set);
  }
  return out;
}
