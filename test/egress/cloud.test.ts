import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { analyzeCloud } from '../../src/engine/functions/egress-verdict.js';
import { cloudHandler, type CloudEgressData } from '../../src/inputs/cloud/handler.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import type { Target } from '../../src/model/target.js';
import { terraformHandler } from '../../src/inputs/terraform/handler.js';
import { parseHcl } from '../../src/inputs/terraform/hcl.js';

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
  it('GCP: priority order, disabled rules ignored, implied allow-egress leaves IPv6 open (T36, T38); the metadata server is never filtered', () => {
    // IPv4 is denied except what VPC firewall rules never filter: the metadata server (also DNS), a warning that says so.
    expect(judge('gcp-firewall.json')).toEqual({ 'GCP network sandbox': ['dns fail ipv6 @1', 'dns warn ipv4 @1', 'internal warn ipv6 @1', 'ipv6-open fail ipv6 @1', 'metadata fail ipv6 @1', 'metadata warn ipv4 @1'] });
  });
  it('Azure NSG without its default rules still has AllowInternetOutBound at 65001 (T39)', () => {
    expect(judge('azure-nsg.json')).toEqual({
      // `Internet` is the space outside private ranges, so fd00:ec2::254 (fc00::/7) is not part of it.
      'Azure NSG sandbox-nsg': ['allow-any fail ipv4 @2', 'allow-any fail ipv6 @2', 'dns fail ipv4 @2', 'dns fail ipv6 @2', 'internal warn ipv4 @2', 'metadata fail ipv4 @2'],
    });
  });
});

describe('Terraform', () => {
  const judgeTf = (path: string): Record<string, string[]> => {
    const file = makeSourceFile(path, `/work/${path}`, readFileSync(path, 'utf8'));
    expect(terraformHandler.detect(file)).toBe(true);
    const out: Record<string, string[]> = {};
    for (const t of terraformHandler.parse(file).targets as Target<CloudEgressData>[])
      for (const { label, analysis } of analyzeCloud(t, config)) out[label] = analysis.findings.map((f) => `${f.code} ${f.verdict} ${f.family} @${f.location.line}`).sort();
    return out;
  };
  it('HCL: aws_vpc_security_group_egress_rule with ip_protocol -1 is allow-any (checkov#7372); unresolved variables are opaque; Azure defaults added', () => {
    expect(judgeTf('fixtures/egress/terraform/main.tf')).toEqual({
      'AWS security group aws_security_group.sandbox (sandbox)': [
        'allow-any fail ipv4 @23', 'allow-any warn ipv6 @32', 'dns fail ipv4 @23', 'dns warn ipv6 @7', 'internal warn ipv4 @23', 'internal warn ipv6 @32',
        'metadata warn ipv4 @7', 'metadata warn ipv6 @7', 'opaque warn ipv6 @32',
      ],
      'GCP network sandbox': ['allow-any fail ipv4 @35', 'dns fail ipv6 @1', 'dns warn ipv4 @1', 'internal warn ipv4 @35', 'internal warn ipv6 @1', 'ipv6-open fail ipv6 @1', 'metadata fail ipv6 @1', 'metadata warn ipv4 @1'],
      // deny-internet (4000) shadows AllowInternetOutBound; the implicit AllowVnetOutBound still reaches private ranges.
      'Azure NSG sandbox-nsg': ['dns fail ipv4 @57', 'internal warn ipv4 @57'],
    });
  });
  it('terraform show -json: resolved values, with lines in the plan', () => {
    expect(judgeTf('fixtures/egress/terraform/plan.json')).toEqual({
      'AWS security group aws_security_group.sandbox (sandbox)': ['dns warn ipv4 @7', 'dns warn ipv6 @7', 'metadata warn ipv4 @7', 'metadata warn ipv6 @7'],
    });
  });
  it('reads the HCL subset with lines and keeps expressions unresolved', () => {
    const blocks = parseHcl('resource "x" "y" {\n  a = [1, "b", var.c]\n  d = { e = "f" }\n  g = "${var.h}-x"\n  inner {\n    k = true\n  }\n}\n', 't.tf');
    expect(blocks[0]).toMatchObject({ type: 'resource', labels: ['x', 'y'], line: 1 });
    expect(blocks[0]!.attrs.a).toEqual({ value: [1, 'b', { unresolved: 'var.c' }], line: 2 });
    expect(blocks[0]!.attrs.d!.value).toEqual({ e: 'f' });
    expect(blocks[0]!.attrs.g!.value).toEqual({ unresolved: '"${var.h}-x"' });
    expect(blocks[0]!.blocks[0]).toMatchObject({ type: 'inner', line: 5, attrs: { k: { value: true, line: 6 } } });
    expect(() => parseHcl('resource "x" {\n  a = "unterminated\n}\n', 't.tf')).toThrow(/unterminated string/);
  });
  it('a list missing its "]" is an input error at the token that ends it, not a loop until the heap runs out', () => {
    const text = 'resource "aws_security_group" "sandbox" {\n  egress {\n    cidr_blocks = ["0.0.0.0/0"\n  }\n}\n';
    expect(() => parseHcl(text, 'main.tf')).toThrow('main.tf:4: missing "]": the list opened on line 3 is followed by "}"');
    expect(parseHcl('resource "x" "y" {\n  a = [[1, 2], [3]]\n  b = concat(["x"], ["y"])\n}\n', 't.tf')[0]!.attrs).toEqual({ a: { value: [[1, 2], [3]], line: 2 }, b: { value: { unresolved: 'concat(["x"],["y"])' }, line: 3 } });
    expect(() => parseHcl('resource "x" "y" {\n  a = [1, 2\n}\n', 't.tf')).toThrow('t.tf:3: missing "]": the list opened on line 2 is followed by "}"');
  });
});
