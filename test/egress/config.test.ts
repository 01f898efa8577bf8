import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const ISSUE_EXAMPLE = `egress:
  contexts:
    - kind: host-process
    - kind: container
      interface: docker0
      sourceCidr: 172.17.0.0/16
    - kind: pod
      namespace: sandbox
      labels: {app: sandbox-runner}
  allow:
    - cidr: 160.79.104.0/23
      host: api.anthropic.com
      proto: tcp
      ports: [443]
  internal:
    - {cidr: 10.20.0.15/32, proto: tcp, ports: [5432]}
  dns:
    resolvers: [10.96.0.10]
  ipv6: auto
`;

describe('egress section of sandcheck.yaml', () => {
  it('accepts the shape given in the issue', () => {
    const c = parseConfig(ISSUE_EXAMPLE, 'sandcheck.yaml');
    expect(c.egress?.allow?.[0]).toEqual({ cidr: '160.79.104.0/23', host: 'api.anthropic.com', proto: 'tcp', ports: [443] });
    expect(c.egress?.contexts).toHaveLength(3);
    expect(c.egress?.ipv6).toBe('auto');
  });
  it.each([
    ['egress:\n  ipv6: off\n', 2],
    ['egress:\n  allow:\n    - {ports: [443]}\n', 3],
    ['egress:\n  allow:\n    - {cidr: 1.2.3.0/24, ports: [70000]}\n', 3],
    ['egress:\n  contexts:\n    - kind: vm\n', 3],
    ['egress:\n  alow: []\n', 2],
  ])('rejects %j with a located error', (text, line) => {
    let err: unknown;
    try {
      parseConfig(text, 'sandcheck.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(line);
  });
});
