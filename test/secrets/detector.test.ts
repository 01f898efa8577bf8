import { describe, expect, it } from 'vitest';
import { classifyPair, fingerprint, scanText, type SecretHit } from '../../src/analyzers/secrets/index.js';
import { ALNUM, B64, chars, decoys, dockerAuth, googleServiceAccount, pem, PEM_KINDS, rng, tokens } from '../../bench/secrets/tokens.js';

const r = rng(42);

function only(hits: SecretHit[]): SecretHit {
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

/** No 8-character window of the value appears anywhere in the serialized result. */
function expectRedacted(hits: unknown, value: string): void {
  const out = JSON.stringify(hits);
  for (let i = 0; i + 8 <= value.length; i++) expect(out.includes(value.slice(i, i + 8)), `window at ${i} leaked`).toBe(false);
}

describe('provider rules over free text', () => {
  const cases: [string, string, (v: string) => string][] = [
    ['anthropic-api-key', tokens.anthropicApi(r), (v) => `export KEY=${v}`],
    ['anthropic-admin-key', tokens.anthropicAdmin(r), (v) => `admin: "${v}"`],
    ['aws-access-key-id', tokens.awsKeyId(r), (v) => `aws_access_key_id = ${v}`],
    ['aws-secret-access-key', tokens.awsSecret(r), (v) => `aws_secret_access_key = ${v}`],
    ['aws-secret-access-key', tokens.awsSecret(r), (v) => `"SecretAccessKey": "${v}"`],
    ['aws-secret-access-key', tokens.awsSecret(r), (v) => `- name: AWS_SECRET_ACCESS_KEY\n  value: ${v}`],
    ['github-token', tokens.github(r), (v) => `token ${v} here`],
    ['github-fine-grained-token', tokens.githubFine(r), (v) => `GH=${v}`],
    ['gitlab-token', tokens.gitlab(r), (v) => `url: x ${v}`],
    ['npm-token', tokens.npm(r), (v) => `//registry.npmjs.org/:_authToken=${v}`],
    ['slack-token', tokens.slack(r), (v) => `slack: ${v}`],
    ['stripe-key', tokens.stripe(r), (v) => `stripe_key=${v}`],
    ['url-credentials', 'Zq8!vR2mW9', (v) => `DATABASE_URL=postgres://app:${v}@db.internal:5432/app`],
  ];
  for (const [rule, value, render] of cases) {
    it(`${rule} in ${JSON.stringify(render('…'))}`, () => {
      const text = `first line\n${render(value)}\n`;
      const hit = only(scanText(text));
      expect(hit.detector).toBe(rule);
      expect(hit.line).toBe(2);
      expect(hit.fingerprint).toBe(fingerprint(value));
      expectRedacted(hit, value);
    });
  }

  for (const kind of PEM_KINDS) {
    it(`private-key: ${kind}, multi-line and \\n-escaped`, () => {
      const key = pem(r, kind);
      const multi = only(scanText(`a: 1\nkey: |\n  ${key.text.replace(/\n/g, '\n  ')}\n`));
      expect([multi.detector, multi.line, multi.column]).toEqual(['private-key', 3, 3]);
      const escaped = only(scanText(`KEY="${key.text.replace(/\n/g, '\\n')}"\n`));
      expect([escaped.detector, escaped.line]).toEqual(['private-key', 1]);
      // Same key, either encoding: same fingerprint (key reuse depends on it).
      expect(escaped.fingerprint).toBe(multi.fingerprint);
      expect(multi.fingerprint).toBe(fingerprint(key.body));
      expectRedacted([multi, escaped], key.body);
    });
  }

  it('real OpenSSH bodies with runs of zero bytes are keys; a body of one repeated character is not', () => {
    const body = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACA' + chars(r, 300, B64) + 'AAAAAAAAAAAAECAwQF';
    const text = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    expect(only(scanText(text)).detector).toBe('private-key');
    expect(scanText(`-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(64)}\n${'A'.repeat(64)}\n-----END RSA PRIVATE KEY-----`)).toEqual([]);
    expect(scanText(`-----BEGIN RSA PRIVATE KEY-----\n${'x'.repeat(64)}\n${'x'.repeat(64)}\n-----END RSA PRIVATE KEY-----`)).toEqual([]);
  });

  it('a digit run inside a Slack token id is not a placeholder', () => {
    expect(only(scanText(`token: xoxb-76821077874-9870711111112-${chars(r, 24, ALNUM)}`)).detector).toBe('slack-token');
  });

  it('google service-account JSON is reported once, as a service-account key', () => {
    const sa = googleServiceAccount(r);
    const hit = only(scanText(sa.text));
    expect(hit.detector).toBe('google-service-account-key');
    expect(hit.line).toBe(sa.text.split('\n').findIndex((l) => l.includes('"private_key"')) + 1);
  });

  it('docker config.json auth (base64 user:password)', () => {
    const a = dockerAuth(r);
    const hit = only(scanText(JSON.stringify({ auths: { 'registry.internal': { auth: a.auth } } }, null, 2)));
    expect([hit.detector, hit.line]).toEqual(['docker-config-auth', 4]);
    expectRedacted(hit, a.auth);
    expectRedacted(hit, a.password);
  });

  it('a key in a comment is reported', () => {
    const v = tokens.anthropicApi(r);
    expect(only(scanText(`# old key: ${v}\nA=1\n`)).line).toBe(1);
  });

  it('reports several secrets on one line with their columns', () => {
    const a = tokens.github(r);
    const b = tokens.npm(r);
    const hits = scanText(`x ${a} ${b}`);
    expect(hits.map((h) => [h.detector, h.column])).toEqual([
      ['github-token', 3],
      ['npm-token', 4 + a.length],
    ]);
  });
});

describe('near misses: nothing is reported', () => {
  const misses: [string, string][] = [
    ['placeholder with the real Anthropic prefix', `ANTHROPIC_API_KEY=${decoys.anthropicPlaceholder()}`],
    ['<your-key> after the prefix', `ANTHROPIC_API_KEY=${decoys.anthropicYourKey()}`],
    ['Anthropic prefix, body too short', `k=sk-ant-api03-${'Ab3'.repeat(20)}AA`],
    ['Anthropic shape, low-entropy body', `k=sk-ant-api03-${'abcdefghij'.repeat(9)}abcAA`],
    ['AWS documented example id', `aws_access_key_id=${decoys.awsExample()}`],
    ['AWS documented example secret', `aws_secret_access_key=${decoys.awsSecretExample()}`],
    ['GitHub placeholder', `GITHUB_TOKEN=${decoys.githubPlaceholder()}`],
    ['GitHub prefix with a word body', 'ghp_thisisnotarealtokenjustsomewordsabcd'],
    ['URL with a reference password', `DATABASE_URL=${decoys.urlReference()}`],
    ['URL with placeholder password', 'postgres://user:password@localhost/db'],
    ['URL with a port and no credentials', 'http://localhost:8080/path'],
    ['URL with a development default password', 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/app amqp://guest:guest@rabbit:5672/'],
    ['PEM placeholder', decoys.pemPlaceholder()],
    ['public key', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----'],
    ['docker auth that is not user:password', '{"auth": "bm90LWEtY3JlZGVudGlhbA=="}'],
    ['AKIA inside a longer word', 'XAKIAQWERTYUIOPASDFGHJ'],
  ];
  for (const [why, text] of misses) {
    it(why, () => expect(scanText(text)).toEqual([]));
  }

  it('says why a candidate was dropped, without the value', () => {
    const drops: unknown[] = [];
    const placeholder = decoys.anthropicPlaceholder();
    scanText(`k=${placeholder}\n`, { onDrop: (d) => drops.push(d) });
    expect(drops).toEqual([{ detector: 'anthropic-api-key', reason: 'placeholder', line: 1, fingerprint: fingerprint(placeholder) }]);
  });
});

describe('classifyPair', () => {
  it('any literal ANTHROPIC_ENVIRONMENT_KEY is a finding, whatever its format', () => {
    for (const value of [tokens.environmentKey(r), tokens.anthropicApi(r), decoys.uuid(r), 'Zx9-short-1']) {
      const hit = only(classifyPair('ANTHROPIC_ENVIRONMENT_KEY', value, { line: 7, column: 27 }));
      expect(hit).toMatchObject({ detector: 'anthropic-environment-key', name: 'ANTHROPIC_ENVIRONMENT_KEY', line: 7, column: 27, severity: 'critical' });
      expect(hit.fingerprint).toBe(fingerprint(value));
    }
    expect(only(classifyPair('anthropicEnvironmentKey', tokens.environmentKey(r))).detector).toBe('anthropic-environment-key');
  });

  it('references, placeholders and empty values of the environment key are not findings', () => {
    for (const value of ['', '  ', '${ANTHROPIC_ENVIRONMENT_KEY}', '$ANTHROPIC_ENVIRONMENT_KEY', '$(vault read -field=key kv/env)', '{{ .Values.key }}', 'changeme', '<your-environment-key>', 'xxxxxxxxxxxx', 'ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:env-key', 'vault:secret/data/env#key', null]) {
      expect(classifyPair('ANTHROPIC_ENVIRONMENT_KEY', value), String(value)).toEqual([]);
    }
  });

  it('ANTHROPIC_API_KEY: provider format wins; other literal values are named-key findings', () => {
    expect(only(classifyPair('ANTHROPIC_API_KEY', tokens.anthropicApi(r))).detector).toBe('anthropic-api-key');
    expect(only(classifyPair('ANTHROPIC_API_KEY', 'opaque-Value-9x2k')).detector).toBe('anthropic-key-variable');
    expect(classifyPair('ANTHROPIC_API_KEY', decoys.anthropicPlaceholder())).toEqual([]);
  });

  it('generic names with real entropy are medium-confidence findings', () => {
    expect(only(classifyPair('JWT_SECRET', tokens.generic(r)))).toMatchObject({ detector: 'generic-secret', confidence: 'medium' });
    expect(only(classifyPair('DB_PASSWORD', tokens.password(r))).detector).toBe('generic-secret');
    expect(only(classifyPair('SECRET_KEY_BASE', tokens.hexSecret(r))).detector).toBe('generic-secret');
    expect(only(classifyPair('webhookToken', tokens.generic(r))).detector).toBe('generic-secret');
  });

  it('generic names: the false-positive pipeline drops non-secrets', () => {
    const none: [string, string][] = [
      ['DB_PASSWORD', 'changeme'],
      ['DB_PASSWORD', 'password'],
      ['DB_PASSWORD', 'hunter'],
      ['API_KEY', decoys.uuid(r)],
      ['IMAGE_KEY', decoys.digest(r)],
      ['API_TOKEN', 'aaaaaaaaaaaaaaaaaaaaaaaa'],
      ['API_TOKEN', '${API_TOKEN}'],
      ['API_TOKEN', 'short1'],
      ['SIGNING_KEY', 'correct-horse-battery-staple'],
      ['SIGNING_KEY', '/run/secrets/signing_key'],
      ['OIDC_SECRET', 'https://vault.internal/v1/secret'],
      ['PUBLIC_KEY', tokens.generic(r)],
      ['STRIPE_PUBLISHABLE_KEY', tokens.generic(r)],
      ['NEXT_PUBLIC_ANALYTICS_TOKEN', tokens.generic(r)],
      ['API_KEY_ID', tokens.generic(r)],
      ['TOKEN_URL', tokens.generic(r)],
      ['SECRET_FILE', tokens.generic(r)],
      ['CACHE_KEY', tokens.generic(r)],
      ['key', tokens.generic(r)],
      ['LOG_LEVEL', tokens.generic(r)],
    ];
    for (const [name, value] of none) expect(classifyPair(name, value), `${name}`).toEqual([]);
  });

  it('a secret inside a multi-line value is located on its own line', () => {
    const key = pem(r, 'EC PRIVATE KEY');
    const hit = only(classifyPair('TLS_KEY', `\n${key.text}`, { line: 10, column: 9 }));
    expect([hit.detector, hit.line, hit.column, hit.name]).toEqual(['private-key', 11, 1, 'TLS_KEY']);
  });
});

describe('fingerprint', () => {
  it('shows four characters only for public prefixes, and is stable', () => {
    expect(fingerprint('sk-ant-api03-abc')).toMatch(/^sk-a:[0-9a-f]{12}$/);
    expect(fingerprint('AKIAABCDEFGHIJKLMNOP')).toMatch(/^AKIA:[0-9a-f]{12}$/);
    expect(fingerprint('ghp_abc')).toMatch(/^ghp_:/);
    expect(fingerprint('hunter2hunter2')).toMatch(/^\*\*\*\*:[0-9a-f]{12}$/);
    expect(fingerprint('abc')).toMatch(/^\*\*\*\*:/);
    // Fixed salt: this value must never change, or every `secrets.ignore` entry breaks.
    expect(fingerprint('sandcheck')).toBe(fingerprint('sandcheck'));
    expect(fingerprint('sandcheck')).toBe('****:382487ead00a');
    expect(fingerprint('a')).not.toBe(fingerprint('b'));
  });
});

describe('the keyword pass at the edges of a text', () => {
  // The pass reads the characters either side of each anchor (K, x, k, A, _): at the first and last
  // character of a text, and beside non-ASCII characters, those reads are bounded explicitly.
  it('finds tokens that start or end the text, or sit beside non-ASCII characters', () => {
    const id = tokens.awsKeyId(r);
    const gh = tokens.github(r);
    const xoxb = tokens.slack(r);
    expect(scanText(id).map((h) => [h.detector, h.line, h.column])).toEqual([['aws-access-key-id', 1, 1]]);
    expect(scanText(`token: ${gh}`).map((h) => [h.detector, h.column])).toEqual([['github-token', 8]]);
    expect(scanText(`é${xoxb} ü`).map((h) => [h.detector, h.column])).toEqual([['slack-token', 2]]);
    // An anchor as the first or last character, or next to a non-ASCII character, is only an anchor.
    for (const text of ['K', '_', 'x', 'Aé', 'éA', 'ÿ_ÿ', 'k']) expect(scanText(text), text).toEqual([]);
  });

  it('reads a PEM body whose lines end at the text end or in a \\n escape', () => {
    const key = pem(r, 'RSA PRIVATE KEY');
    expect(scanText(key.text.trimEnd()).map((h) => h.detector)).toEqual(['private-key']);
    expect(scanText(`KEY="${key.text.replace(/\n/g, '\\n')}"`).map((h) => h.detector)).toEqual(['private-key']);
  });
});
