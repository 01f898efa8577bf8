import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { analyzeCloud } from '../../src/engine/functions/egress-verdict.js';
import { cloudHandler, type CloudEgressData } from '../../src/inputs/cloud/handler.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import type { Target } from '../../src/model/target.js';

const config: SandcheckConfig = {
  ...structuredClone(DEFAULT_CONFIG),
  egress: { allow: [{ cidr: '160.79.104.0/23', proto: 'tcp', ports: [443] }], dns: { resolvers: ['10.96.0.10'] } },
};

function judge(name: string): Record<string, string[]> {
  const path = `fixtures/egress/cloud/${name}`;
  const file = makeSourceFile(path, `/work/${path}`, readFileSync(path, 'utf8'));
  expect(cloudHandler.detect(file)).toBe(true);
  const t = cloudHandler.parse(file).targets[0] as Target<CloudEgressData>;
  return Object.fromEntries(analyzeCloud(t, config).map(({ label, analysis }) => [label, analysis.findings.map((f) => `${f.code} ${f.verdict} ${f.family} @${f.location.line}`).sort()]));
}

describe('cloud firewall JSON', () => {
  it('AWS security groups: the default allow-all egress rule is allow-any; IMDS and Amazon DNS are never filtered (warn)', () => {
    expect(judge('aws-sg-default.json')).toEqual({
      'AWS security group sg-0a1b2c3d4e5f60001 (default)': [
        'allow-any fail ipv4 @12', 'allow-any fail ipv6 @13', 'dns fail ipv4 @12', 'dns fail ipv6 @13', 'internal warn ipv4 @12', 'internal warn ipv6 @13',
        'metadata warn ipv4 @8', 'metadata warn ipv6 @8',
      ],
      // Only 160.79.104.0/23 tcp/443 is allowed; what remains is what no security group can filter.
      'AWS security group sg-0a1b2c3d4e5f60002 (sandbox)': ['dns warn ipv4 @25', 'dns warn ipv6 @25', 'metadata warn ipv4 @25', 'metadata warn ipv6 @25'],
    });
  });
  it('AWS NACL: an ephemeral-port allow to 0.0.0.0/0 admits new connections to any host on high ports (T31)', () => {
    expect(judge('aws-nacl-ephemeral.json')).toEqual({
      'AWS network ACL acl-0bb': ['allow-any fail ipv4 @7', 'dns warn ipv4 @12', 'dns warn ipv6 @12', 'internal warn ipv4 @7', 'metadata warn ipv4 @12', 'metadata warn ipv6 @12'],
    });
  });
  it('GCP: priority order, disabled rules ignored, implied allow-egress leaves IPv6 open (T36, T38)', () => {
    expect(judge('gcp-firewall.json')).toEqual({ 'GCP network sandbox': ['dns fail ipv6 @1', 'internal warn ipv6 @1', 'ipv6-open fail ipv6 @1', 'metadata fail ipv6 @1'] });
  });
  it('Azure NSG without its default rules still has AllowInternetOutBound at 65001 (T39)', () => {
    expect(judge('azure-nsg.json')).toEqual({
      'Azure NSG sandbox-nsg': ['allow-any fail ipv4 @2', 'allow-any fail ipv6 @2', 'dns fail ipv4 @2', 'dns fail ipv6 @2', 'internal warn ipv4 @2', 'internal warn ipv6 @2', 'metadata fail ipv4 @2', 'metadata fail ipv6 @2'],
    });
  });
});
