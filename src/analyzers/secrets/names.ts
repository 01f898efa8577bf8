/** `anthropicEnvironmentKey`, `anthropic-environment-key`, `db.password` → `ANTHROPIC_ENVIRONMENT_KEY`, `DB_PASSWORD`. */
export function canonicalName(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** The mission key: any literal value is a finding whatever its format. */
export function isEnvironmentKeyName(name: string): boolean {
  return /(?:^|_)ANTHROPIC_ENVIRONMENT_KEY$/.test(canonicalName(name));
}

/** Other Anthropic credentials named by convention; their values may have any format. */
export function isAnthropicKeyName(name: string): boolean {
  return /(?:^|_)(?:ANTHROPIC_(?:API_|ADMIN_)?KEY|ANTHROPIC_AUTH_TOKEN|CLAUDE_API_KEY)$/.test(canonicalName(name));
}

const SECRET_WORDS = new Set(['KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'SECRETKEY', 'ACCESSTOKEN', 'AUTHTOKEN']);
const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE']);
/** Words before KEY/TOKEN that make the name something other than a secret. */
const NOT_SECRET_QUALIFIERS = new Set(['PUBLIC', 'PUB', 'PUBLISHABLE', 'SORT', 'PRIMARY', 'PARTITION', 'CACHE', 'ROUTING', 'FOREIGN', 'SITE', 'IDEMPOTENCY', 'OBJECT', 'LOOKUP', 'HASH', 'SHARD', 'RANGE', 'COLUMN', 'NEXT', 'PAGE', 'CONTINUATION', 'CSRF', 'XSRF', 'HEADER', 'QUERY', 'FIELD', 'MAP', 'DICT', 'REGISTRY', 'GPG', 'PGP', 'KMS']);

/**
 * Is this the name of a secret (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, …)? Names ending in
 * `_ID`, `_URL`, `_FILE`, `_PATH`, … are not, since the last word decides. Returns the kind, which
 * decides the entropy test, or null.
 */
export function secretNameKind(name: string): 'password' | 'key' | null {
  const canonical = canonicalName(name);
  if (/(?:^|_)SECRET_KEY_BASE$/.test(canonical)) return 'key';
  const words = canonical.split('_').filter(Boolean);
  const last = words.at(-1);
  if (!last || !SECRET_WORDS.has(last)) return null;
  if (words.length === 1 && (last === 'KEY' || last === 'TOKEN' || last === 'PASS')) return null;
  // NEXT_PUBLIC_*, *_PUBLIC_KEY, STRIPE_PUBLISHABLE_KEY: shipped to browsers by design.
  if (words.includes('PUBLIC') || words.includes('PUBLISHABLE')) return null;
  const qualifier = words.at(-2);
  if (qualifier && NOT_SECRET_QUALIFIERS.has(qualifier)) return null;
  return PASSWORD_WORDS.has(last) ? 'password' : 'key';
}
