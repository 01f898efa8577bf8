import { shannonEntropy } from './entropy.js';

/**
 * The false-positive pipeline (secret-notes §4.3): cheap checks, in order, each answering why a
 * candidate is not a secret. Returns the reason, or null when the value survives.
 */
export type DropReason =
  | 'empty'
  | 'reference'
  | 'placeholder'
  | 'example'
  | 'repeated'
  | 'uuid'
  | 'digest'
  | 'not-secret-shape'
  | 'low-entropy';

/** `${VAR}`, `$VAR`, `$(cmd)`, `{{ tpl }}`, `%(x)s`, `<%= %>`, secret-manager URIs. */
const REFERENCE = /\$\{[^}]*\}|\$\([^)]*\)|^\$[A-Za-z_({][^\s]*$|\{\{[^}]*\}\}|%\([A-Za-z0-9_]+\)[sd]|<%=?[^%]*%>|^@Microsoft\.KeyVault\(/;
const REFERENCE_URI = /^(?:vault|ref\+[a-z0-9]+|op|awssm|awsssm|gcpsm|azkv|sops|secretsmanager|ssm|env|file|k8s|secret|berglas):\/?\/?/i;
/**
 * Whole values that a deploy tool or a secret store fills in: Concourse `((name))`, Octopus and Azure
 * DevOps `#{Name}` / `#{Name}#`, release-pipeline tokens `__NAME__`, Windows `%NAME%`, and a GCP
 * Secret Manager resource name (`projects/p/secrets/name/versions/latest`).
 */
const SUBSTITUTION = /^(?:\(\([\w.:/-]{1,200}\)\)|#\{[\w.:-]{1,200}\}#?|__[A-Z][A-Z0-9_]{0,200}__|%[A-Za-z_][A-Za-z0-9_]{0,200}%|projects\/[\w.-]{1,100}\/secrets\/[\w.-]{1,255}(?:\/versions\/[\w.-]{1,100})?)$/;
/** SOPS-encrypted values (`ENC[AES256_GCM,data:…]`) are ciphertext, not secrets. */
const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:/;
const SECRET_ARN = /^arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):/;

export function isReference(value: string): boolean {
  return REFERENCE.test(value) || REFERENCE_URI.test(value) || SECRET_ARN.test(value) || SOPS_VALUE.test(value) || SUBSTITUTION.test(value);
}

/** Long enough that a random body never contains them by chance. */
const PLACEHOLDER_PARTS = [
  'example', 'placeholder', 'changeme', 'change_me', 'change-me', 'changethis', 'redacted',
  'yourkey', 'yourtoken', 'yoursecret', 'replace', 'notreal', 'not-a-real', 'not_a_real', 'fakekey', 'fake-key', 'fake_key',
  '0123456789', 'abcdefgh',
];
/** Short marks that random text of a few hundred characters can contain: checked on short values only. */
const SHORT_PLACEHOLDER_PARTS = ['xxxx', 'your-', 'your_', 'dummy', 'todo', 'fixme', 'sample', 'insert', '****', '...', 'qwerty', 'lorem'];
const PLACEHOLDER_EXACT = new Set([
  'password', 'secret', 'token', 'key', 'apikey', 'api_key', 'null', 'nil', 'none', 'undefined', 'true', 'false',
  'pass', 'passwd', 'admin', 'root', 'default', 'test', 'tbd', 'n/a', 'na', 'empty', 'unset', 'required', 'optional',
]);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One case-insensitive pass each instead of lower-casing the value and searching it once per mark (key bodies are kilobytes). */
const PLACEHOLDER_PART = new RegExp(PLACEHOLDER_PARTS.map(escapeRegExp).join('|'), 'i');
const SHORT_PLACEHOLDER_PART = new RegExp(SHORT_PLACEHOLDER_PARTS.map(escapeRegExp).join('|'), 'i');
const LONGEST_EXACT = Math.max(...[...PLACEHOLDER_EXACT].map((w) => w.length));

/** `changeme`, `xxxx`, `<your-key>`, `REPLACE_ME`, … (case-insensitive). */
export function isPlaceholder(value: string): boolean {
  if (value.length <= LONGEST_EXACT && PLACEHOLDER_EXACT.has(value.toLowerCase())) return true;
  if (/^<[^<>]*>$|^\[[^\]]*\]$/.test(value)) return true;
  if (PLACEHOLDER_PART.test(value)) return true;
  return value.length <= 120 && SHORT_PLACEHOLDER_PART.test(value);
}

const ANTHROPIC_PREFIX = /^sk-ant-(?:[a-z]+\d*-)?/i;
const FILLER_ONLY = /^[x*._\-0]+$/i;
const WORDS_ONLY = /^[a-z]+(?:[-_ .][a-z]+)*$/i;
const PLACEHOLDER_WORD = /example|placeholder|change|replace|your|dummy|sample|todo|fixme|fake|redacted|insert|here|test|notreal|secret|token|key|xxx/i;

/**
 * For a value a *name* says is a key (ANTHROPIC_ENVIRONMENT_KEY, ANTHROPIC_API_KEY): only a value
 * that is wholly a placeholder is dropped — `changeme`, `<your-key>`, `sk-ant-api03-xxxx…`,
 * `sk-ant-api03-REPLACE_ME`. A word inside a generated body (`…Sample…`) proves nothing: the
 * substring test of isPlaceholder is for values found without a name.
 */
export function namedKeyDropReason(value: string): DropReason | null {
  if (value.trim() === '') return 'empty';
  if (isReference(value)) return 'reference';
  if (isKnownExample(value)) return 'example';
  const v = value.toLowerCase();
  if (PLACEHOLDER_EXACT.has(v) || /^<[^<>]*>$|^\[[^\]]*\]$/.test(v)) return 'placeholder';
  const body = value.replace(ANTHROPIC_PREFIX, '');
  if (body === '' || FILLER_ONLY.test(body) || PLACEHOLDER_EXACT.has(body.toLowerCase()) || /^<[^<>]*>$/.test(body)) return 'placeholder';
  if (WORDS_ONLY.test(body) && PLACEHOLDER_WORD.test(body)) return 'placeholder';
  return null;
}

/** Documented example credentials (AWS docs, GitHub docs, RFCs). */
const KNOWN_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AKIAI44QH8DHBEXAMPLE',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
]);

export function isKnownExample(value: string): boolean {
  return KNOWN_EXAMPLES.has(value);
}

/** Eight or more of one character in a row: `aaaaaaaa`, `00000000`. */
export function hasRepeatedRun(value: string, run = 8): boolean {
  let count = 1;
  for (let i = 1; i < value.length; i++) {
    if (value.charCodeAt(i) === value.charCodeAt(i - 1)) {
      if (++count >= run) return true;
    } else count = 1;
  }
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b?)[:-][A-Za-z0-9+/=_-]{16,}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/**
 * Checks every value goes through, whatever rule found it (shape checks apply even to prefixed
 * formats: a placeholder with a real prefix is still a placeholder).
 */
export function commonDropReason(value: string): DropReason | null {
  if (value.trim() === '') return 'empty';
  if (isReference(value)) return 'reference';
  if (isKnownExample(value)) return 'example';
  if (isPlaceholder(value)) return 'placeholder';
  if (hasRepeatedRun(value)) return 'repeated';
  return null;
}

/** Does the body of a prefixed token (the part after the fixed prefix) look random? */
export function randomBodyDropReason(body: string, minEntropy = 3.0): DropReason | null {
  if (hasRepeatedRun(body)) return 'repeated';
  // Generated bodies mix cases and digits; one lower-case run is words (`thisisnotarealtoken…`).
  if (body.length >= 16 && /^[a-z_-]+$/.test(body)) return 'not-secret-shape';
  if (shannonEntropy(body) < minEntropy) return 'low-entropy';
  return null;
}

/**
 * Extra checks for a value found only by its name (`*_KEY`, `*_TOKEN`, …): it must look like
 * generated secret material. Thresholds by alphabet (secret-notes §4.3.6).
 */
export function genericDropReason(value: string, kind: 'password' | 'key'): DropReason | null {
  const common = commonDropReason(value);
  if (common) return common;
  if (isUuid(value)) return 'uuid';
  if (isDigest(value)) return 'digest';
  if (/\s/.test(value)) return 'not-secret-shape';
  // URLs and paths are addresses, not secrets (credentials in URLs have their own rule).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[./~]/.test(value) || /^[A-Za-z]:\\/.test(value)) return 'not-secret-shape';
  if (/^\d+$/.test(value) && value.length < 24) return 'not-secret-shape';
  const entropy = shannonEntropy(value);
  const hasDigit = /\d/.test(value);
  const hasLetter = /[A-Za-z]/.test(value);
  if (kind === 'password') {
    // Passwords are chosen by people: short and low entropy are normal. Require a mix of classes.
    if (value.length < 8) return 'low-entropy';
    const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
    if (classes < 2 || entropy < 2.5) return 'low-entropy';
    if (/^[a-z]+(?:[-_][a-z]+)*$/i.test(value)) return 'not-secret-shape';
    return null;
  }
  if (/^[0-9a-f]+$/i.test(value)) {
    return value.length >= 32 && entropy >= 3.0 ? null : 'low-entropy';
  }
  if (value.length < 16) return 'low-entropy';
  if (hasDigit && hasLetter) return entropy >= 3.3 ? null : 'low-entropy';
  // All letters (or letters and punctuation): identifiers and words look like this; demand more.
  if (/^[A-Za-z]+(?:[-_.][A-Za-z]+)*$/.test(value) && /[a-z][A-Z]/.test(value) === false) return 'not-secret-shape';
  return value.length >= 20 && entropy >= 3.8 ? null : 'low-entropy';
}
