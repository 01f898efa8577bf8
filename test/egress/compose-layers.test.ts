import { describe, expect, it } from 'vitest';
import { json, sandcheck } from '../helpers/cli.js';

/**
 * Compose evidence beyond one file: compose.yaml merged with compose.override.yaml as `docker compose`
 * merges them (network_mode and networks), and the Docker daemon's daemon.json. Fixtures:
 * fixtures/egress/compose-override, fixtures/egress/docker-daemon.
 */

type R = Record<string, any>;

function run(args: string[]): { code: number; verdict: string; findings: string[]; raw: R[] } {
  const r = sandcheck(['egress', ...args, '--format', 'json']);
  const report = json(r);
  const item = report.checklist.find((c: R) => c.id === 'egress-control');
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return { code: r.code, verdict: item.verdict, findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw };
}

const O = 'fixtures/egress/compose-override';

describe('compose.override.yaml merged into compose.yaml', () => {
  it('the override moves runner onto an internal network (pass) and tools onto the host network (reported at the override line)', () => {
    const r = run([O]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${O}/compose.override.yaml:5`, `egress-no-default-deny fail ${O}/compose.override.yaml:5`]);
    expect(r.raw.map((f: R) => f.message).sort()).toEqual([
      "No default deny for IPv4 egress of compose service agent/tools: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv4 tcp → 198.51.100.7:443, new connection)",
      "No default deny for IPv6 egress of compose service agent/tools: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv6 tcp → [2606:4700::1111]:443, new connection)",
    ]);
  });

  it('compose.yaml alone: both services on open networks of their own file', () => {
    const r = run([`${O}/compose.yaml`]);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${O}/compose.yaml:3`, `egress-no-default-deny fail ${O}/compose.yaml:7`]);
  });
});
