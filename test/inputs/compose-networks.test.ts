import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { tempDir } from '../helpers/cli.js';
import { analyzeComposeNetworks, composeReach, isComposeNetwork } from '../../src/analyzers/egress/compose-networks.js';
import { renderExplain } from '../../src/analyzers/egress/explain.js';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { composeHandler } from '../../src/inputs/compose/handler.js';
import type { ComposeNetworkData } from '../../src/inputs/compose/networks.js';
import { InputError } from '../../src/inputs/types.js';
import type { Target } from '../../src/model/target.js';

// Compose networks as an egress layer (issue #5): per service, what the compose file lets out.

const parse = (text: string) => composeHandler.parse(makeSourceFile('compose.yaml', '/srv/stack/compose.yaml', text)).targets;
const networksOf = (text: string) => parse(text).filter(isComposeNetwork) as Target<ComposeNetworkData>[];
const config: SandcheckConfig = {
  ...structuredClone(DEFAULT_CONFIG),
  egress: { allow: [{ cidr: '160.79.104.0/23', host: 'api.anthropic.com', proto: 'tcp', ports: [443] }], dns: { resolvers: ['10.96.0.10'] } },
} as SandcheckConfig;

const STACK = `name: agents
services:
  none:
    image: x
    network_mode: none
  internal-only:
    image: x
    networks: [sandbox, cache]
  default:
    image: x
  mixed:
    image: x
    networks:
      sandbox:
      egress:
        aliases: [out]
  host:
    image: x
    network_mode: host
  bridge:
    image: x
    network_mode: bridge
  joins-none:
    image: x
    network_mode: service:none
  joins-mixed:
    image: x
    network_mode: "service:mixed"
  by-container-name:
    image: x
    network_mode: container:agents-none
  named:
    image: x
    container_name: agents-none
    network_mode: none
  external-unknown:
    image: x
    networks: [platform]
  external-host:
    image: x
    networks: [hostnet]
  elsewhere:
    image: x
    network_mode: container:vpn
  loop-a:
    image: x
    network_mode: service:loop-b
  loop-b:
    image: x
    network_mode: service:loop-a
networks:
  sandbox:
    internal: true
  cache:
    driver: bridge
    internal: "true"
  egress:
    enable_ipv6: true
  platform:
    external: true
  hostnet:
    external: true
    name: host
`;

describe('compose networks: what each service can reach', () => {
  const all = networksOf(STACK);
  const reach = Object.fromEntries(all.map((t) => [t.data.service, composeReach(t, all)]));
  const summary = (s: string) => {
    const r = reach[s]!;
    return `${r.kind} line ${r.origin.line}${r.kind === 'open' ? ` ${r.families.join('+')}` : ''}`;
  };

  it('gives each service one egress target with its attachment', () => {
    // One per service of STACK, in file order.
    const services = ['none', 'internal-only', 'default', 'mixed', 'host', 'bridge', 'joins-none', 'joins-mixed', 'by-container-name', 'named', 'external-unknown', 'external-host', 'elsewhere', 'loop-a', 'loop-b'];
    expect(all.map((t) => t.id)).toEqual(services.map((s) => `compose:agents/${s}#network`));
    const mixed = all.find((t) => t.data.service === 'mixed')!;
    expect(mixed.data.networks.map((n) => [n.name, n.line, n.network.internal, n.network.enableIpv6])).toEqual([
      ['sandbox', 14, true, false],
      ['egress', 15, false, true],
    ]);
    expect(all.find((t) => t.data.service === 'default')!.data.networks.map((n) => [n.name, n.line])).toEqual([['default', 9]]);
    expect(all.find((t) => t.data.service === 'host')!.data.networkMode).toEqual({ kind: 'host', text: 'host', joins: null, line: 19 });
  });

  it.each([
    ['none', 'none line 5'],
    ['internal-only', 'internal line 53'],
    ['default', 'open line 9 ipv4'],
    ['mixed', 'open line 15 ipv4+ipv6'],
    ['host', 'open line 19 ipv4+ipv6'],
    ['bridge', 'open line 22 ipv4'],
    ['joins-none', 'none line 25'],
    ['joins-mixed', 'open line 28 ipv4+ipv6'],
    ['by-container-name', 'none line 31'],
    ['external-unknown', 'unknown line 38'],
    ['external-host', 'open line 41 ipv4+ipv6'],
    ['elsewhere', 'unknown line 44'],
    ['loop-a', 'unknown line 47'],
  ])('%s → %s', (service, expected) => {
    expect(summary(service)).toBe(expected);
  });

  it('says why, naming the lines responsible', () => {
    expect(reach['internal-only']!.why).toBe('it is attached only to internal networks sandbox (line 53), cache (line 56): it reaches the other services on them and nothing outside');
    expect(reach['joins-mixed']!.why).toBe(
      'network_mode: service:mixed shares the network namespace of service mixed (line 28), and it is on network egress, which is not internal: true (line 15), so the compose layer does not restrict its egress',
    );
    expect(reach['loop-a']!.why).toBe('network_mode: service:loop-b forms a cycle of shared network namespaces (line 47)');
  });

  it('judges open services as an absent layer: one no-default-deny per open family, at the responsible line', () => {
    const results = analyzeComposeNetworks(all, config);
    const rows = results.flatMap((r) => r.analysis.findings.map((f) => `${r.target.data.service} ${f.code} ${f.verdict} ${f.family ?? '-'} ${f.location.file}:${f.location.line}`));
    expect(rows).toEqual([
      'default no-default-deny fail ipv4 compose.yaml:9',
      'mixed no-default-deny fail ipv4 compose.yaml:15',
      'mixed no-default-deny fail ipv6 compose.yaml:15',
      'host no-default-deny fail ipv4 compose.yaml:19',
      'host no-default-deny fail ipv6 compose.yaml:19',
      'bridge no-default-deny fail ipv4 compose.yaml:22',
      'joins-mixed no-default-deny fail ipv4 compose.yaml:28',
      'joins-mixed no-default-deny fail ipv6 compose.yaml:28',
      'external-unknown opaque warn - compose.yaml:38',
      'external-host no-default-deny fail ipv4 compose.yaml:41',
      'external-host no-default-deny fail ipv6 compose.yaml:41',
      'elsewhere opaque warn - compose.yaml:44',
      'loop-a opaque warn - compose.yaml:47',
      'loop-b opaque warn - compose.yaml:50',
    ]);
    // The message does not repeat the line the finding is reported at (a trial report).
    const host = results.find((r) => r.target.data.service === 'host')!.analysis.findings[0]!;
    expect(host.message).toBe(
      "No default deny for IPv4 egress of compose service agents/host: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv4 tcp → 198.51.100.7:443, new connection)",
    );
    expect(host.evidence.layers).toBe('compose IPv4+IPv6 from compose.yaml');
  });

  it('a service with no network or only internal ones is judged and has no finding, not even a blocked required endpoint', () => {
    const results = analyzeComposeNetworks(all, config);
    for (const s of ['none', 'internal-only', 'joins-none', 'by-container-name', 'named']) {
      expect(results.find((r) => r.target.data.service === s)!.analysis.findings, s).toEqual([]);
    }
  });

  it('--explain says what an internal-only service reaches', () => {
    const results = analyzeComposeNetworks(all, config).filter((r) => ['internal-only', 'default'].includes(r.target.data.service));
    const text = renderExplain(results.map((r) => ({ host: r.label, analysis: r.analysis })));
    expect(text).toContain('compose service agents/internal-only (it is attached only to internal networks sandbox (line 53), cache (line 56): it reaches the other services on them and nothing outside)');
    expect(text).toMatch(/compose service agents\/internal-only[\s\S]*IPv4: default deny \(compose\)\n\s+reachable: nothing/);
    expect(text).toMatch(/compose service agents\/default[\s\S]*IPv4: default ALLOW \(compose\)/);
  });

  it('a network this file does not declare (an override file) is not known: opaque, not an error', () => {
    const t = networksOf('services:\n  a:\n    image: x\n    networks: [backend]\n');
    expect(composeReach(t[0]!, t)).toEqual({
      kind: 'unknown',
      why: 'network backend is not declared in this file (an override of another compose file?), so whether it is internal is not known here (line 4)',
      origin: { file: 'compose.yaml', line: 4 },
    });
  });

  it('the top-level default network can be made internal', () => {
    const t = networksOf('services:\n  a:\n    image: x\nnetworks:\n  default:\n    internal: true\n');
    expect(composeReach(t[0]!, t)).toEqual({
      kind: 'internal',
      networks: ['default'],
      why: 'it is attached only to internal network default (line 6): it reaches the other services on it and nothing outside',
      origin: { file: 'compose.yaml', line: 6 },
    });
  });

  it.each([
    ['internal that is not a boolean', 'services:\n  a:\n    image: x\nnetworks:\n  n:\n    internal: sometimes\n', 'compose.yaml:6:5: networks.n.internal must be a boolean, not a string'],
    ['networks as a string', 'services:\n  a:\n    image: x\n    networks: front\n', 'compose.yaml:4:5: services.a.networks must be a list or a mapping, not a string'],
  ])('rejects %s with file:line and reason', (_what, text, message) => {
    let err: unknown;
    try {
      parse(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(message);
  });
});

describe('compose networks through the egress-control rules', () => {
  async function scan(text: string) {
    const dir = tempDir();
    writeFileSync(join(dir, 'compose.yaml'), text);
    const report = audit(await collectPaths(['.'], { cwd: dir }), { rules: loadRules(), config, failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    const egress = report.findings.filter((f) => f.checklist === 'egress-control');
    return {
      verdict: report.checklist.find((c) => c.id === 'egress-control')!.verdict,
      egress: egress.map((f) => `${f.ruleId} ${f.verdict}${f.suppressed ? ' suppressed' : ''} ${f.location.line}`),
      suppressions: egress.filter((f) => f.suppressed).map((f) => `${f.suppressed!.by}: ${f.suppressed!.reason}`),
    };
  }

  it('a compose file whose services have no network or only internal ones passes egress-control on its own', async () => {
    expect(await scan('services:\n  a:\n    image: x\n    network_mode: none\n  b:\n    image: x\n    networks: [n]\nnetworks:\n  n:\n    internal: true\n')).toEqual({ verdict: 'pass', egress: [], suppressions: [] });
  });

  it('a service on the default network fails it; an external network alone warns', async () => {
    expect(await scan('services:\n  a:\n    image: x\n')).toEqual({ verdict: 'fail', egress: ['egress-no-default-deny fail 2'], suppressions: [] });
    expect(await scan('services:\n  a:\n    image: x\n    networks: [n]\nnetworks:\n  n:\n    external: true\n')).toEqual({ verdict: 'warn', egress: ['egress-input-opaque warn 4'], suppressions: [] });
  });

  it('x-sandcheck-ignore on the service suppresses its egress finding, with the reason', async () => {
    const r = await scan('services:\n  a:\n    image: x\n    network_mode: host\n    x-sandcheck-ignore:\n      egress-no-default-deny: the host firewall filters it (judged from its own dump)\n');
    expect(r.egress).toEqual(['egress-no-default-deny fail suppressed 4', 'egress-no-default-deny fail suppressed 4']);
    expect(r.suppressions).toEqual(['inline: the host firewall filters it (judged from its own dump)', 'inline: the host firewall filters it (judged from its own dump)']);
  });
});
