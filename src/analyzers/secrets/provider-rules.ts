import type { Severity } from '../../model/severity.js';
import { shannonEntropy } from './entropy.js';
import { commonDropReason, hasRepeatedRun, isPlaceholder, randomBodyDropReason, type DropReason } from './false-positives.js';

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
  /**
   * For shapes whose keyword is frequent (every URL has `://`) or whose regex would scan long bodies:
   * the regex runs anchored (sticky) at the start `start` derives from each occurrence of `text`
   * (-1: no match can start there), instead of scanning the text from the keyword on.
   */
  landmark?: { text: string; start: (text: string, at: number) => number };
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

/** Printable ASCII text that a base64 value stands for, or null (binary, or not text). */
function base64Text(raw: string): string | null {
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded) ? decoded : null;
}

/**
 * The password of HTTP basic-auth credentials written as base64 of `user:password` (docker config.json
 * `auth`, .npmrc `_auth`), or null when the value is not that (no user before the first colon, binary).
 * For judging the value only: it never reaches a finding or a drop record.
 */
function basicAuthPassword(raw: string): string | null {
  const decoded = base64Text(raw);
  const colon = decoded === null ? -1 : decoded.indexOf(':');
  return colon < 1 ? null : decoded!.slice(colon + 1);
}

/** .npmrc: `_auth` is basic auth; `_password` is base64 of the password alone. */
function npmrcPassword(raw: string, m: RegExpExecArray): string | null {
  return m.groups?.k === 'auth' ? basicAuthPassword(raw) : base64Text(raw);
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
    // Claude Code subscription OAuth tokens (`claude setup-token`, CLAUDE_CODE_OAUTH_TOKEN) and refresh tokens.
    id: 'anthropic-oauth-token',
    title: 'Anthropic OAuth token',
    provider: 'anthropic',
    severity: 'critical',
    keywords: ['sk-ant-oat', 'sk-ant-ort'],
    regex: re(`${B}(?<s>sk-ant-o[ar]t\\d\\d-[A-Za-z0-9_-]{80,128})${E}`),
    validate: bodyAfter(13, 3.5),
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
    // `\n` escapes (env files, JSON), or indentation (YAML block scalars). The body runs to the first
    // `----` (a dash alone occurs in `Proc-Type:`/`DEK-Info:` headers): runs of non-dash characters are
    // consumed whole, each run starts with a dash, so the match is linear.
    regex: re(
      `-{4,5} ?BEGIN (?<kind>(?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?PRIVATE KEY(?: BLOCK)?) ?-{4,5}(?<s>[^-]{0,16384}(?:-(?!---)[^-]{0,256}){0,16})-{4,5} ?END \\k<kind> ?-{4,5}`,
    ),
    normalize: (raw) => pemBody(raw),
    validate: pemDropReason,
    ownChecks: true,
    // `PRIVATE KEY` occurs in the BEGIN line (and the END line, inside the match): the match starts a
    // kind, `BEGIN `, an optional space and four or five dashes before it.
    landmark: { text: 'PRIVATE KEY', start: pemStart },
  },
  {
    id: 'url-credentials',
    title: 'Password in a URL',
    provider: 'url',
    severity: 'high',
    keywords: ['://'],
    // Starts at the literal `://` (fast to find); the scheme is not needed to recognise the shape.
    // The user may be empty: Redis AUTH takes a password only (`redis://:password@host`).
    regex: re(`://(?<u>[^\\s:@/'"\`<>]{0,64}):(?<s>[^\\s:@/'"\`<>]{1,128})@[A-Za-z0-9_.-]{1,253}`),
    // Most files have URLs, few have credentials in one: start from the `@` and walk back over the
    // password and the user to the `://` (image references have an `@` too, and fail after a few characters).
    landmark: { text: '@', start: urlCredentialStart },
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
    normalize: (raw) => (basicAuthPassword(raw) === null ? null : raw),
    validate: (raw) => commonDropReason(basicAuthPassword(raw) ?? ''),
  },
  {
    // Legacy basic auth in .npmrc (private registries: Artifactory, Nexus): `_auth` is base64 of
    // user:password, `_password` base64 of the password. Not `_authToken` (the npm-token rule's).
    id: 'npmrc-auth',
    title: 'npm registry credentials (.npmrc _auth/_password)',
    provider: 'npm',
    severity: 'high',
    keywords: ['_auth', '_password'],
    regex: re(`(?:^|[/:])_(?<k>auth|password)[ \\t]{0,4}=[ \\t]{0,4}["']?(?<s>[A-Za-z0-9+/]{8,400}={0,2})["']?[ \\t]*\\r?$`, 'gm'),
    normalize: (raw, m) => (npmrcPassword(raw, m) === null ? null : raw),
    validate: (raw, m) => {
      const password = npmrcPassword(raw, m) ?? '';
      return commonDropReason(password) ?? (password.length < 6 ? 'low-entropy' : null);
    },
  },
  {
    // ~/.netrc (curl, git, pip): `machine <host> [login <user>] password <password>`, on one line or several.
    id: 'netrc-password',
    title: 'Password in a .netrc entry',
    provider: 'netrc',
    severity: 'high',
    keywords: ['machine'],
    // Tried only where `machine` starts a word (a lookbehind over the whole text ran at every position of
    // any file that mentions the word); the `d` flag gives where the password starts, which the finding points at.
    landmark: { text: 'machine', start: (text, at) => (at === 0 || /\s/.test(text[at - 1]!) ? at : -1) },
    regex: re(`machine\\s{1,8}\\S{1,253}(?:\\s{1,8}(?:login|account|port)\\s{1,8}\\S{1,128}){0,3}\\s{1,8}password\\s{1,8}(?<s>\\S{1,128})`, 'gd'),
    validate: (v) => commonDropReason(v) ?? (v.includes('$') || v.includes('{') ? 'reference' : v.length < 8 ? 'low-entropy' : null),
  },
  {
    // PyPI API tokens are macaroons whose base64 starts with the location `pypi.org` (or test.pypi.org).
    id: 'pypi-token',
    title: 'PyPI API token',
    provider: 'pypi',
    severity: 'high',
    keywords: ['pypi-AgE'],
    regex: re(`${B}(?<s>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})${E}`),
    validate: bodyAfter(20, 3.5),
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

const PEM_KINDS = ['', 'RSA ', 'DSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED ', 'PGP ', 'SSH2 ENCRYPTED '];

/** Where a `-----BEGIN <kind>PRIVATE KEY` header around this `PRIVATE KEY` starts, or -1. */
function pemStart(text: string, at: number): number {
  for (const kind of PEM_KINDS) {
    let i = at - kind.length - 6;
    if (i < 0 || !text.startsWith(kind, at - kind.length) || !text.startsWith('BEGIN ', i)) continue;
    if (i > 0 && text.charCodeAt(i - 1) === 32) i--;
    let dashes = 0;
    while (dashes < 5 && i > 0 && text.charCodeAt(i - 1) === 45) {
      i--;
      dashes++;
    }
    return dashes >= 4 ? i : -1;
  }
  return -1;
}

/** Characters of a URL's user or password in the url-credentials regex: not `\s:@/'"\`<>`. */
function isUrlCredentialChar(c: number): boolean {
  if (c <= 32) return c !== 32 && (c < 9 || c > 13);
  switch (c) {
    case 58: case 64: case 47: case 39: case 34: case 96: case 60: case 62: // : @ / ' " ` < >
    case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000: case 0xfeff:
      return false;
    default:
      return !(c >= 0x2000 && c <= 0x200a);
  }
}

/** From an `@`, back over a password (1–128 characters), `:`, a user (0–64) to `://`: where the match starts, or -1. */
function urlCredentialStart(text: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && at - i <= 128 && isUrlCredentialChar(text.charCodeAt(i))) i--;
  if (i === at - 1 || text.charCodeAt(i) !== 58) return -1;
  const colon = i;
  i--;
  while (i >= 0 && colon - i <= 64 && isUrlCredentialChar(text.charCodeAt(i))) i--;
  if (i < 2 || !text.startsWith('://', i - 2)) return -1;
  return i - 2;
}

const PLAIN_BODY = /^[A-Za-z0-9+/=\s]*$/;
/** Base64 characters of a key body. */
/** Every char code (not only ASCII), so that a lookup is never out of bounds (V8 would deoptimize pemBody). */
const B64_CHAR = new Uint8Array(65536);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') B64_CHAR[c.charCodeAt(0)] = 1;

/**
 * A PEM/OpenSSH body without armour headers, line breaks, `\n` escapes or indentation: the base64
 * characters of every line that is not a header (`Proc-Type:`, `DEK-Info:`, `Version:`, `Comment:`) or
 * an armour line.
 */
function pemBody(raw: string): string {
  // Most bodies are base64 lines and whitespace only: then the body is the text without whitespace.
  if (PLAIN_BODY.test(raw)) return raw.replace(/\s+/g, '');
  let out = '';
  const n = raw.length;
  let start = 0;
  while (start <= n) {
    // A line ends at a real line break or at a `\n` escape (`\r\n` escapes leave a `\r` that is dropped below).
    let end = start;
    while (end < n && raw.charCodeAt(end) !== 10 && !(raw.charCodeAt(end) === 92 && end + 1 < n && raw.charCodeAt(end + 1) === 110)) end++;
    const escaped = end < n && raw.charCodeAt(end) === 92;
    const next = escaped ? end + 2 : end + 1;
    let a = start;
    let b = escaped && end - 2 >= start && raw.charCodeAt(end - 2) === 92 && raw.charCodeAt(end - 1) === 114 ? end - 2 : end;
    while (a < b && raw.charCodeAt(a) <= 32) a++;
    while (b > a && raw.charCodeAt(b - 1) <= 32) b--;
    const q = a < n ? raw.charCodeAt(a) : 0;
    if (!raw.startsWith('-----', q === 34 || q === 39 ? a + 1 : a)) {
      let clean = true;
      let header = false;
      for (let i = a; i < b; i++) {
        const c = raw.charCodeAt(i);
        if (c === 58) header = true;
        else if (B64_CHAR[c] !== 1) clean = false;
      }
      if (clean && !header) out += raw.slice(a, b);
      else if (!header) for (let i = a; i < b; i++) if (B64_CHAR[raw.charCodeAt(i)] === 1) out += raw[i];
    }
    start = next;
  }
  return out;
}

/** Key bodies: long enough, not a placeholder, not one character repeated, real entropy. */
function pemDropReason(body: string): DropReason | null {
  if (body.length < 64) return 'not-secret-shape';
  // No reference test: a body is base64 characters only (pemBody), and every reference form needs others.
  if (isPlaceholder(body)) return 'placeholder';
  if (hasRepeatedRun(body, 48)) return 'repeated';
  return shannonEntropy(body) < 4.0 ? 'low-entropy' : null;
}

export const PROVIDER_RULE_IDS = PROVIDER_RULES.map((r) => r.id);
