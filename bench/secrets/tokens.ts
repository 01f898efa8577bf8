/**
 * Deterministic generators of realistic secrets (random bodies in each provider's shape) and of
 * decoys that must not be reported. Shared by the bench corpus generator and test/secrets.
 * Every value here is synthetic: seeded pseudo-random bytes in the documented shapes.
 */
export type Rng = () => number;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const URLSAFE = ALNUM + '_-';
export const B64 = ALNUM + '+/';
export const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const HEX = '0123456789abcdef';

export function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

export function chars(r: Rng, n: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export function digits(r: Rng, n: number): string {
  return chars(r, n, '0123456789');
}

export type SecretKind =
  | 'anthropic-api-key'
  | 'anthropic-admin-key'
  | 'anthropic-environment-key'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'github-token'
  | 'github-fine-grained-token'
  | 'gitlab-token'
  | 'npm-token'
  | 'slack-token'
  | 'stripe-key'
  | 'google-service-account-key'
  | 'private-key'
  | 'url-credentials'
  | 'docker-config-auth'
  | 'generic-secret';

export const tokens = {
  anthropicApi: (r: Rng) => `sk-ant-api03-${chars(r, 93, URLSAFE)}AA`,
  anthropicAdmin: (r: Rng) => `sk-ant-admin01-${chars(r, 93, URLSAFE)}AA`,
  /** The environment key's format is not public: an opaque string. */
  environmentKey: (r: Rng) => chars(r, 48, URLSAFE),
  awsKeyId: (r: Rng) => `AKIA${chars(r, 16, B32)}`,
  awsSecret: (r: Rng) => {
    for (;;) {
      const s = chars(r, 40, B64);
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s)) return s;
    }
  },
  github: (r: Rng) => `${pick(r, ['ghp', 'gho', 'ghs', 'ghu', 'ghr'])}_${chars(r, 36, ALNUM)}`,
  githubFine: (r: Rng) => `github_pat_${chars(r, 22, ALNUM)}_${chars(r, 59, ALNUM)}`,
  gitlab: (r: Rng) => `glpat-${chars(r, 20, URLSAFE)}`,
  npm: (r: Rng) => `npm_${chars(r, 36, ALNUM)}`,
  slack: (r: Rng) => `xoxb-${digits(r, 11)}-${digits(r, 13)}-${chars(r, 24, ALNUM)}`,
  stripe: (r: Rng) => `sk_live_${chars(r, 99, ALNUM)}`,
  password: (r: Rng) => `${chars(r, 6, ALNUM)}!${chars(r, 10, ALNUM)}${digits(r, 2)}`,
  generic: (r: Rng) => chars(r, 40, ALNUM),
  hexSecret: (r: Rng) => chars(r, 64, HEX),
};

export const PEM_KINDS = ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'] as const;

/**
 * How real bodies of each kind begin (DER SEQUENCE headers, the OpenSSH magic, a PGP secret-key
 * packet): detectors such as secretlint check these, so random bodies would not be realistic.
 */
export const PEM_MAGIC: Record<(typeof PEM_KINDS)[number], string> = {
  'RSA PRIVATE KEY': 'MIIEpAIBAAKCAQEA',
  'EC PRIVATE KEY': 'MHcCAQEEI',
  'DSA PRIVATE KEY': 'MIIBuwIBAAKBgQ',
  'PRIVATE KEY': 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  'ENCRYPTED PRIVATE KEY': 'MIIFHDBOBgkqhkiG9w0BBQ0w',
  // openssh-key-v1, cipher none, kdf none, one ed25519 key: real bodies carry these runs of `A` (zero bytes).
  'OPENSSH PRIVATE KEY': 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACA',
  'PGP PRIVATE KEY BLOCK': 'lQOYBF',
};

/** A PEM block: `body` is what the detector fingerprints (base64 without line breaks). */
export function pem(r: Rng, kind: (typeof PEM_KINDS)[number] = 'RSA PRIVATE KEY', bytes = 600): { text: string; body: string } {
  let body = PEM_MAGIC[kind] + chars(r, Math.ceil((bytes * 4) / 3 / 4) * 4 - PEM_MAGIC[kind].length, B64);
  body = body.slice(0, body.length - 1) + '=';
  const lines = body.match(/.{1,64}/g)!;
  const header = kind === 'PGP PRIVATE KEY BLOCK' ? ['Version: GnuPG v2', ''] : [];
  return { text: [`-----BEGIN ${kind}-----`, ...header, ...lines, `-----END ${kind}-----`].join('\n'), body };
}

export function googleServiceAccount(r: Rng): { text: string; body: string } {
  const key = pem(r, 'PRIVATE KEY', 1200);
  const project = `proj-${chars(r, 6, 'abcdefghijklmnopqrstuvwxyz')}`;
  const text = JSON.stringify(
    {
      type: 'service_account',
      project_id: project,
      private_key_id: chars(r, 40, HEX),
      private_key: key.text + '\n',
      client_email: `worker@${project}.iam.gserviceaccount.com`,
      client_id: digits(r, 21),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    null,
    2,
  );
  return { text, body: key.body };
}

export function dockerAuth(r: Rng): { auth: string; password: string } {
  const password = tokens.password(r);
  return { auth: Buffer.from(`deploy:${password}`).toString('base64'), password };
}

/** Values that look like secrets but are not: each must produce no finding. */
export const decoys = {
  anthropicPlaceholder: () => `sk-ant-api03-${'x'.repeat(93)}AA`,
  anthropicYourKey: () => 'sk-ant-api03-<your-key>',
  awsExample: () => 'AKIAIOSFODNN7EXAMPLE',
  awsSecretExample: () => 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  githubPlaceholder: () => `ghp_${'x'.repeat(36)}`,
  reference: () => '${ANTHROPIC_ENVIRONMENT_KEY}',
  commandSubst: () => '$(cat /run/secrets/key)',
  template: () => '{{ .Values.apiKey }}',
  changeme: () => 'changeme',
  uuid: (r: Rng) => `${chars(r, 8, HEX)}-${chars(r, 4, HEX)}-4${chars(r, 3, HEX)}-a${chars(r, 3, HEX)}-${chars(r, 12, HEX)}`,
  digest: (r: Rng) => `sha256:${chars(r, 64, HEX)}`,
  repeated: () => 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  word: () => 'correct-horse-battery-staple',
  pemPlaceholder: () => '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
  urlReference: () => 'postgres://app:${DB_PASSWORD}@db:5432/app',
};
