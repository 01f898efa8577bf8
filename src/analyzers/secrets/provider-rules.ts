import type { Severity } from '../../model/severity.js';
import { shannonEntropy } from './entropy.js';
import { commonDropReason, hasRepeatedRun, isPlaceholder, isReference, randomBodyDropReason, type DropReason } from './false-positives.js';

/**
 * Provider-format detectors (tiers A and B of secret-notes §4.1): strict shapes with a literal
 * keyword each. A detector's regex runs only on text that contains one of its keywords.
 * Every quantifier is bounded and no alternation nests a quantifier, so no input can make a
 * regex backtrack catastrophically (test/secrets/redos.test.ts).
 */
export interface ProviderRule {
  id: string;
  /** What was found, in words; never quotes the format's literal prefix beyond four characters. */
  title: string;
  provider: string;
  severity: Severity;
  /** Case-sensitive literals; one of them must occur in the text. */
  keywords: string[];
  /** Global regex. Group `s` is the secret; the whole match when absent. */
  regex: RegExp;
  /** Turns the raw capture into the value that is fingerprinted (e.g. a PEM body without line breaks), or null to drop. */
  normalize?: (raw: string, match: RegExpExecArray, text: string) => string | null;
  /** Extra false-positive checks on the normalized value; null keeps it. */
  validate?: (value: string, match: RegExpExecArray) => DropReason | null;
  /**
   * `validate` does every check itself: the common pipeline (runs of 8 identical characters among
   * them) does not apply. Key bodies need this: OpenSSH keys encode zero bytes as long runs of `A`.
   */
  ownChecks?: boolean;
}

const B = '(?<![A-Za-z0-9_-])'; // token start: not preceded by a token character
const E = '(?![A-Za-z0-9_-])'; // token end

function re(source: string, flags = 'g'): RegExp {
  return new RegExp(source, flags);
}

/** The body after a fixed-length prefix must look random. */
function bodyAfter(prefixLength: number, minEntropy = 3.0) {
  return (value: string) => randomBodyDropReason(value.slice(prefixLength), minEntropy);
}

const DEFAULT_PASSWORDS = new Set(['postgres', 'mysql', 'guest', 'redis', 'rabbitmq', 'mongo', 'mongodb', 'user', 'pass', 'secret', 'admin', 'root', 'example', 'test', 'password123']);

export const PROVIDER_RULES: ProviderRule[] = [
  {
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    provider: 'anthropic',
    severity: 'critical',
    keywords: ['sk-ant-api'],
    regex: re(`${B}(?<s>sk-ant-api\\d\\d-[A-Za-z0-9_-]{93}AA)${E}`),
    validate: bodyAfter(13, 3.5),
  },
  {
    id: 'anthropic-admin-key',
    title: 'Anthropic admin key',
    provider: 'anthropic',
    severity: 'critical',
    keywords: ['sk-ant-admin'],
    regex: re(`${B}(?<s>sk-ant-admin\\d\\d-[A-Za-z0-9_-]{93}AA)${E}`),
    validate: bodyAfter(15, 3.5),
  },
  {
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    provider: 'aws',
    severity: 'high',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    regex: re(`(?<![A-Za-z0-9])(?<s>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])`),
    validate: bodyAfter(4, 2.8),
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    provider: 'aws',
    severity: 'critical',
    // The secret has no prefix: it is found by its name, in any separator style, as an assignment,
    // a YAML/JSON pair, or a Kubernetes `name:`/`value:` pair.
    // Keywords start at a separator or a capital (`_secret…`, `SecretAccessKey`): anchoring them on the
    // common letters `s`/`e` made the keyword pass twice as slow. A key id nearby also triggers the rule.
    keywords: ['_SECRET_ACCESS_KEY', '_secret_access_key', 'SecretAccessKey', 'secretAccessKey', '-secret-access-key', '.secret.access.key', '_SECRET_KEY', '_secret_key', 'AKIA', 'ASIA'],
    regex: re(
      `(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key["']?(?:\\s{0,4}[:=]>?\\s{0,4}|\\s{0,4}\\n\\s{0,40}value:\\s{0,4})["']?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'gi',
    ),
    validate: (v) => (/[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9/+]/.test(v) ? randomBodyDropReason(v, 4.0) : 'not-secret-shape'),
  },
  {
    id: 'github-token',
    title: 'GitHub token',
    provider: 'github',
    severity: 'high',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    regex: re(`${B}(?<s>gh[pousr]_[A-Za-z0-9]{36})${E}`),
    validate: bodyAfter(4, 3.5),
  },
  {
    id: 'github-fine-grained-token',
    title: 'GitHub fine-grained token',
    provider: 'github',
    severity: 'high',
    keywords: ['github_pat_'],
    regex: re(`${B}(?<s>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${E}`),
    validate: bodyAfter(11, 3.5),
  },
  {
    id: 'gitlab-token',
    title: 'GitLab personal access token',
    provider: 'gitlab',
    severity: 'high',
    keywords: ['glpat-'],
    regex: re(`${B}(?<s>glpat-[A-Za-z0-9_-]{20,80})${E}`),
    validate: bodyAfter(6, 3.2),
  },
  {
    id: 'npm-token',
    title: 'npm access token',
    provider: 'npm',
    severity: 'high',
    keywords: ['npm_'],
    regex: re(`${B}(?<s>npm_[A-Za-z0-9]{36})${E}`),
    validate: bodyAfter(4, 3.5),
  },
  {
    id: 'slack-token',
    title: 'Slack token',
    provider: 'slack',
    severity: 'high',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xapp-'],
    regex: re(`${B}(?<s>(?:xox[abprs]-\\d{6,16}-[0-9A-Za-z-]{8,120}|xapp-\\d-[A-Z0-9]{8,16}-\\d{8,16}-[a-z0-9]{32,80}))${E}`),
    validate: (v) => randomBodyDropReason(v.slice(5), 3.0),
  },
  {
    id: 'slack-webhook',
    title: 'Slack incoming webhook URL',
    provider: 'slack',
    severity: 'medium',
    keywords: ['hooks.slack.com'],
    regex: re(`https://hooks\\.slack\\.com/(?:services|workflows)/(?<s>[A-Za-z0-9]{8,12}/[A-Za-z0-9]{8,12}/[A-Za-z0-9]{20,32})(?![A-Za-z0-9])`),
    validate: (v) => randomBodyDropReason(v.slice(v.lastIndexOf('/') + 1), 3.2),
  },
  {
    id: 'stripe-key',
    title: 'Stripe secret key',
    provider: 'stripe',
    severity: 'high',
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    regex: re(`${B}(?<s>[rs]k_(?:live|test)_[A-Za-z0-9]{24,99})${E}`),
    validate: (v) => randomBodyDropReason(v.slice(8), 3.5),
  },
  {
    id: 'google-api-key',
    title: 'Google API key',
    provider: 'google',
    severity: 'medium',
    keywords: ['AIza'],
    regex: re(`${B}(?<s>AIza[A-Za-z0-9_-]{35})${E}`),
    validate: bodyAfter(4, 3.5),
  },
  {
    id: 'google-service-account-key',
    title: 'Google service-account key (JSON)',
    provider: 'google',
    severity: 'critical',
    keywords: ['service_account'],
    // The key file's private_key field; the PEM rule would also see it, the overlap keeps this one.
    regex: re(`"private_key"\\s{0,4}:\\s{0,4}"(?<s>-----BEGIN PRIVATE KEY-----(?:\\\\n|[A-Za-z0-9+/=]){64,12000}-----END PRIVATE KEY-----(?:\\\\n)?)"`),
    normalize: (raw, _m, text) => (/"type"\s*:\s*"service_account"/.test(text) ? pemBody(raw) : null),
    validate: pemDropReason,
    ownChecks: true,
  },
  {
    id: 'private-key',
    title: 'Private key',
    provider: 'pem',
    severity: 'critical',
    keywords: ['PRIVATE KEY'],
    // PEM (RSA, DSA, EC, PKCS#8, encrypted), OpenSSH, PGP and SSH2 armour; line breaks may be real,
    // `\n` escapes (env files, JSON), or indentation (YAML block scalars).
    regex: re(
      `-{4,5} ?BEGIN (?<kind>(?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?) ?-{4,5}(?<s>[\\s\\S]{40,16384}?)-{4,5} ?END \\k<kind> ?-{4,5}`,
    ),
    normalize: (raw) => pemBody(raw),
    validate: pemDropReason,
    ownChecks: true,
  },
  {
    id: 'url-credentials',
    title: 'Password in a URL',
    provider: 'url',
    severity: 'high',
    keywords: ['://'],
    // Starts at the literal `://` (fast to find); the scheme is not needed to recognise the shape.
    regex: re(`://(?<u>[^\\s:@/'"\`<>]{1,64}):(?<s>[^\\s:@/'"\`<>]{1,128})@[A-Za-z0-9_.-]{1,253}`),
    validate: (v, m) => {
      const common = commonDropReason(v);
      if (common) return common;
      // Development defaults (`postgres://postgres:postgres@localhost`, `amqp://guest:guest@…`).
      if (v === m.groups?.u || DEFAULT_PASSWORDS.has(v.toLowerCase())) return 'placeholder';
      if (v.includes('$') || v.includes('%s') || v.includes('{')) return 'reference';
      if (v.length < 4) return 'low-entropy';
      return null;
    },
  },
  {
    id: 'docker-config-auth',
    title: 'Registry credentials (docker config.json auth)',
    provider: 'docker',
    severity: 'high',
    keywords: ['"auth"'],
    regex: re(`"auth"\\s{0,4}:\\s{0,4}"(?<s>[A-Za-z0-9+/]{8,2000}={0,2})"`),
    normalize: (raw) => {
      const decoded = Buffer.from(raw, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded)) return null;
      return raw;
    },
    validate: (raw) => {
      const decoded = Buffer.from(raw, 'base64').toString('utf8');
      return commonDropReason(decoded.slice(decoded.indexOf(':') + 1));
    },
  },
  {
    id: 'openai-api-key',
    title: 'OpenAI API key',
    provider: 'openai',
    severity: 'high',
    keywords: ['T3BlbkFJ'],
    regex: re(`${B}(?<s>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160})${E}`),
    validate: (v) => randomBodyDropReason(v.slice(8), 3.5),
  },
  {
    id: 'huggingface-token',
    title: 'Hugging Face token',
    provider: 'huggingface',
    severity: 'medium',
    keywords: ['hf_'],
    regex: re(`${B}(?<s>hf_[A-Za-z]{34})${E}`),
    validate: (v) => randomBodyDropReason(v.slice(3), 3.8),
  },
  {
    id: 'vault-token',
    title: 'HashiCorp Vault token',
    provider: 'vault',
    severity: 'high',
    keywords: ['hvs.'],
    regex: re(`${B}(?<s>hvs\\.[A-Za-z0-9_-]{24,200})${E}`),
    validate: bodyAfter(4, 3.5),
  },
];

/** A PEM/OpenSSH body without armour headers, line breaks, `\n` escapes or indentation. */
function pemBody(raw: string): string {
  const lines = raw.replace(/\\r\\n|\\n/g, '\n').split(/\r?\n/);
  let out = '';
  for (const line of lines) {
    const t = line.trim().replace(/^["']|["',]$/g, '');
    if (t.includes(':')) continue; // Proc-Type:, DEK-Info:, Version:, Comment:
    if (t.startsWith('-----')) continue;
    out += t.replace(/[^A-Za-z0-9+/=]/g, '');
  }
  return out;
}

/** Key bodies: long enough, not a placeholder, not one character repeated, real entropy. */
function pemDropReason(body: string): DropReason | null {
  if (body.length < 64) return 'not-secret-shape';
  if (isReference(body)) return 'reference';
  if (isPlaceholder(body)) return 'placeholder';
  if (hasRepeatedRun(body, 48)) return 'repeated';
  return shannonEntropy(body) < 4.0 ? 'low-entropy' : null;
}

export const PROVIDER_RULE_IDS = PROVIDER_RULES.map((r) => r.id);
