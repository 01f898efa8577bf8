import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { ComposeNetworkData } from '../../src/inputs/compose/networks.js';
import type { Report } from '../../src/model/finding.js';
import type { Target } from '../../src/model/target.js';
import { tempDir } from '../helpers/cli.js';

/**
 * The top-level networks of compose.override.yaml merge into compose.yaml's as the Compose
 * Specification merges mappings: a scalar the override writes replaces the base's, `false` included
 * (src/inputs/compose/networks.ts mergeTopLevelNetworks). An override could not turn off the base's
 * `enable_ipv6: true` or `external: true` before.
 */

const RULES = loadRules();
const IMAGE = 'registry.example/runner@sha256:0000000000000000000000000000000000000000000000000000000000000000';
const BASE = (network: string) => `name: agent
services:
  runner:
    image: ${IMAGE}
    networks: [sandbox]
networks:
  sandbox:
${network}`;

async function scanPair(base: string, override: string): Promise<{ report: Report; network: ComposeNetworkData['networks'][number]['network'] }> {
  const dir = tempDir();
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(dir, 'p', 'compose.yaml'), base);
  writeFileSync(join(dir, 'p', 'compose.override.yaml'), override);
  const collected = await collectPaths(['p'], { cwd: dir });
  const egress = collected.targets.filter((t) => t.kind === 'egress' && t.platform === 'compose') as Target<ComposeNetworkData>[];
  expect(egress.map((t) => t.data.service)).toEqual(['runner']);
  const report = audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  return { report, network: egress[0]!.data.networks[0]!.network };
}

/** `rule verdict file:line family` of the egress findings, sorted. */
const egress = (r: Report): string[] =>
  r.findings
    .filter((f) => f.checklist === 'egress-control' && !f.suppressed)
    .map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}${/IPv6/.test(f.message) ? ' ipv6' : /IPv4/.test(f.message) ? ' ipv4' : ''}`)
    .sort();

describe('compose.override.yaml scalars of a top-level network replace the base file’s', () => {
  it('enable_ipv6: false in the override turns off the base’s enable_ipv6: true (IPv4 only is open)', async () => {
    const { report, network } = await scanPair(BASE('    enable_ipv6: true\n'), 'networks:\n  sandbox:\n    enable_ipv6: false\n');
    expect(network.enableIpv6).toBe(false);
    expect(egress(report)).toEqual(['egress-no-default-deny fail p/compose.yaml:5 ipv4']);
  });

  it('enable_ipv6: true in the override still turns it on over the base’s false', async () => {
    const { report, network } = await scanPair(BASE('    enable_ipv6: false\n'), 'networks:\n  sandbox:\n    enable_ipv6: true\n');
    expect(network.enableIpv6).toBe(true);
    expect(egress(report)).toEqual(['egress-no-default-deny fail p/compose.yaml:5 ipv4', 'egress-no-default-deny fail p/compose.yaml:5 ipv6']);
  });

  it('an override that does not write enable_ipv6 keeps the base’s true', async () => {
    const { network } = await scanPair(BASE('    enable_ipv6: true\n'), 'networks:\n  sandbox:\n    driver: bridge\n');
    expect(network.enableIpv6).toBe(true);
  });

  it('an unresolved ${VAR} in the override is not known to be false: the base’s true stays', async () => {
    const { network } = await scanPair(BASE('    enable_ipv6: true\n'), 'networks:\n  sandbox:\n    enable_ipv6: ${IPV6}\n');
    expect(network.enableIpv6).toBe(true);
  });

  it('external: false in the override makes the network compose’s own: judged by its options (not internal: fail), no longer opaque', async () => {
    const { report, network } = await scanPair(BASE('    external: true\n'), 'networks:\n  sandbox:\n    external: false\n');
    expect(network.external).toBe(false);
    expect(egress(report)).toEqual(['egress-no-default-deny fail p/compose.yaml:5 ipv4']);
  });

  // The old `external: {name: …}` is one mapping: an override that writes `external` replaces it, name and
  // all (docker compose config then shows no name, or the base's own `name:`).
  it('external: true over the base’s external: {name: host} drops that name: the network is the external `sandbox`, opaque, not the host’s', async () => {
    const { report, network } = await scanPair(BASE('    external: {name: host}\n'), 'networks:\n  sandbox:\n    external: true\n');
    expect(network).toMatchObject({ external: true, engineName: null });
    expect(egress(report)).toEqual(['egress-input-opaque warn p/compose.yaml:5']);
  });

  it('external: false over external: {name: shared-net} leaves no stale engine name', async () => {
    const { network } = await scanPair(BASE('    external: {name: shared-net}\n'), 'networks:\n  sandbox:\n    external: false\n');
    expect(network).toMatchObject({ external: false, engineName: null });
  });

  it('a `name:` beside external: true stays when the override writes external: false (compose keeps the key)', async () => {
    const { network } = await scanPair(BASE('    name: shared-net\n    external: true\n'), 'networks:\n  sandbox:\n    external: false\n');
    expect(network).toMatchObject({ external: false, engineName: 'shared-net' });
  });

  it('an override that does not write external keeps the base’s external: {name: host}', async () => {
    const { network } = await scanPair(BASE('    external: {name: host}\n'), 'networks:\n  sandbox:\n    labels: {team: agents}\n');
    expect(network).toMatchObject({ external: true, engineName: 'host' });
  });

  it('external: true in the base alone stays opaque (a warning), as before', async () => {
    const { report, network } = await scanPair(BASE('    external: true\n'), 'networks:\n  sandbox:\n    labels: {team: agents}\n');
    expect(network.external).toBe(true);
    expect(egress(report)).toEqual(['egress-input-opaque warn p/compose.yaml:5']);
  });
});
