import { describe, expect, it } from 'vitest';
import { classifyPair, fingerprint, scanText } from '../../src/analyzers/secrets/index.js';

/** Near misses and misses found by the adversarial trial of issue #3. Fake values, generated for this test. */
describe('passwords in URLs without a user name', () => {
  const password = 'Vq7TnR2xKp9LmW4sBz8c';
  it('redis://:password@host is a password in a URL (Redis AUTH has no user)', () => {
    const hits = scanText(`cache:\n  url: redis://:${password}@cache.internal:6379/0\n`);
    expect(hits.map((h) => [h.detector, h.line, h.fingerprint])).toEqual([['url-credentials', 2, fingerprint(password)]]);
  });
  it('also as a value read from a file structure', () => {
    const hits = classifyPair('REDIS_URL', `rediss://:${password}@cache.internal:6380`, { line: 3, column: 1 });
    expect(hits.map((h) => [h.detector, h.fingerprint])).toEqual([['url-credentials', fingerprint(password)]]);
  });
  it('a reference or a port in the password place is not a password', () => {
    expect(scanText('url: redis://:${REDIS_PASSWORD}@cache:6379\n')).toEqual([]);
    expect(scanText('see http://:@host and ftp://:x@h\n')).toEqual([]);
  });
});

describe('references to a secret store or a deploy-time substitution are not literals', () => {
  // Each was a critical secret-environment-key-literal finding on a template that does the right thing.
  const references = [
    'projects/my-proj/secrets/anthropic-env-key/versions/latest', // GCP Secret Manager resource name
    'projects/123/secrets/anthropic',
    'berglas://my-bucket/anthropic-key', // Berglas (GCP)
    '((anthropic_environment_key))', // Concourse credential manager (Vault, CredHub)
    '((vault:anthropic/env.key))',
    '#{ANTHROPIC_ENVIRONMENT_KEY}', // Octopus Deploy
    '#{ANTHROPIC_ENVIRONMENT_KEY}#', // Azure DevOps replace tokens
    '__ANTHROPIC_ENVIRONMENT_KEY__', // token replacement in release pipelines
    '%ANTHROPIC_ENVIRONMENT_KEY%', // Windows environment variable
  ];
  for (const value of references) {
    it(`ANTHROPIC_ENVIRONMENT_KEY=${value}`, () => {
      expect(classifyPair('ANTHROPIC_ENVIRONMENT_KEY', value, { line: 1, column: 1 })).toEqual([]);
      expect(classifyPair('API_KEY', value, { line: 1, column: 1 })).toEqual([]);
    });
  }
  it('a literal that merely contains such marks is still a key', () => {
    for (const value of ['Xk9_projects/abc/secrets/def', 'a((b))c', '__ab12Cd34Ef56Gh78__x', 'Tz7%Qm4Wp2Ls9Vb%x']) {
      expect(classifyPair('ANTHROPIC_ENVIRONMENT_KEY', value, { line: 1, column: 1 }).map((h) => h.detector)).toEqual(['anthropic-environment-key']);
    }
  });
});

describe('a provider key stored base64-encoded in a value', () => {
  // A fake Anthropic key of the real shape, and a fake PEM body.
  const key = 'sk-ant-api03-' + 'Qm7vT2xLp9RzW4bYk8NcHs3JdF6gUa1E'.repeat(3).slice(0, 93) + 'AA';
  const b64 = Buffer.from(key).toString('base64');
  it('ConfigMap-style value: the decoded key is reported under its own fingerprint', () => {
    const hits = classifyPair('API_KEY_B64', b64, { line: 9, column: 15 });
    expect(hits.map((h) => [h.detector, h.fingerprint, h.line, h.column, h.name])).toEqual([['anthropic-api-key', fingerprint(key), 9, 15, 'API_KEY_B64']]);
  });
  it('also with a trailing newline encoded (echo "$KEY" | base64)', () => {
    const hits = classifyPair('token', Buffer.from(key + '\n').toString('base64'), { line: 2, column: 3 });
    expect(hits.map((h) => [h.detector, h.fingerprint])).toEqual([['anthropic-api-key', fingerprint(key)]]);
  });
  it('base64 of ordinary text or of random bytes is nothing', () => {
    expect(classifyPair('config', Buffer.from('log_level=info\nlisten=0.0.0.0:8080\nworkers=4\n').toString('base64'), { line: 1, column: 1 })).toEqual([]);
    expect(classifyPair('blob', Buffer.from(Array.from({ length: 60 }, (_, i) => (i * 97 + 13) % 256)).toString('base64'), { line: 1, column: 1 })).toEqual([]);
  });
});
