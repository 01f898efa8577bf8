import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/analyzers/secrets/index.js';
import { rng, tokens } from '../../bench/secrets/tokens.js';

/**
 * docker config.json `auth` and .npmrc `_auth` are both base64 of `user:password`, decoded by one helper:
 * the same values are credentials in both formats, the same are not, and neither the base64 nor the
 * password reaches a hit or a drop record.
 */
const r = rng(2718);
const b64 = (s: string) => Buffer.from(s, 'binary').toString('base64');
const docker = (v: string) => `{\n  "auths": {\n    "registry.internal": {\n      "auth": "${v}"\n    }\n  }\n}\n`;
const npmrc = (v: string) => `registry=https://npm.internal/\n_auth=${v}\n`;

function scan(text: string): { hits: string[]; drops: string[]; out: string } {
  const drops: { detector: string; reason: string }[] = [];
  const hits = scanText(text, { onDrop: (d) => drops.push(d) });
  return { hits: hits.map((h) => `${h.detector}:${h.line}`), drops: drops.map((d) => `${d.detector}:${d.reason}`), out: JSON.stringify([hits, drops]) };
}

describe('basic auth (base64 user:password) in docker config and .npmrc', () => {
  it('user:password is a credential in both; the password and the base64 are not in the result', () => {
    const password = tokens.password(r);
    const value = b64(`deploy:${password}`);
    for (const [text, expected] of [
      [docker(value), 'docker-config-auth:4'],
      [npmrc(value), 'npmrc-auth:2'],
    ] as const) {
      const s = scan(text);
      expect(s.hits).toEqual([expected]);
      for (const secret of [password, value]) for (let i = 0; i + 8 <= secret.length; i++) expect(s.out.includes(secret.slice(i, i + 8))).toBe(false);
    }
  });

  it('no user before the colon, no colon, or binary content: not basic auth in either format', () => {
    for (const decoded of [`:${tokens.password(r)}`, `deploy${tokens.password(r)}`, `deploy:\u0001\u00ff${tokens.password(r)}`]) {
      expect(scan(docker(b64(decoded))).hits).toEqual([]);
      expect(scan(npmrc(b64(decoded))).hits).toEqual([]);
    }
  });

  it('a placeholder password is dropped as one in both formats', () => {
    const value = b64('deploy:changeme');
    expect(scan(docker(value))).toMatchObject({ hits: [], drops: ['docker-config-auth:placeholder'] });
    expect(scan(npmrc(value))).toMatchObject({ hits: [], drops: ['npmrc-auth:placeholder'] });
  });

  it('.npmrc _password is base64 of the password alone (no user)', () => {
    const password = tokens.password(r);
    expect(scan(`//npm.internal/:username=deploy\n//npm.internal/:_password=${b64(password)}\n`).hits).toEqual(['npmrc-auth:2']);
  });
});
