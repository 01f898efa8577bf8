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

/** Plurals too: `API_KEYS=k1,k2`, `db_passwords = [ … ]` hold several secrets. */
const SECRET_WORDS = new Set(['KEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'SECRETKEY', 'ACCESSTOKEN', 'AUTHTOKEN', 'KEYS', 'TOKENS', 'SECRETS', 'PASSWORDS', 'PASSPHRASES', 'APIKEYS', 'SECRETKEYS', 'ACCESSTOKENS', 'AUTHTOKENS']);
const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PASSPHRASE', 'PASSWORDS', 'PASSPHRASES']);
const KEY_WORDS = new Set(['KEY', 'KEYS', 'TOKEN', 'TOKENS']);
/** Words before KEY/TOKEN that make the name something other than a secret. */
const NOT_SECRET_QUALIFIERS = new Set(['PUBLIC', 'PUB', 'PUBLISHABLE', 'SORT', 'PRIMARY', 'PARTITION', 'CACHE', 'ROUTING', 'FOREIGN', 'SITE', 'IDEMPOTENCY', 'OBJECT', 'LOOKUP', 'HASH', 'SHARD', 'RANGE', 'COLUMN', 'NEXT', 'PAGE', 'CONTINUATION', 'CSRF', 'XSRF', 'HEADER', 'QUERY', 'FIELD', 'MAP', 'DICT', 'REGISTRY', 'GPG', 'PGP', 'KMS', 'AUTHORIZED', 'TRUSTED']);

/**
 * Is this the name of a secret (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, …)? Names ending in
 * `_ID`, `_URL`, `_FILE`, `_PATH`, … are not, since the last word decides. Returns the kind, which
 * decides the entropy test, or null.
 */
export function secretNameKind(name: string): 'password' | 'key' | null {
  const canonical = canonicalName(name);
  // Rails' SECRET_KEY_BASE; Terraform's aws_secretsmanager_secret_version secret_string / secret_binary.
  if (/(?:^|_)SECRET_(?:KEY_BASE|STRING|BINARY)$/.test(canonical)) return 'key';
  const words = canonical.split('_').filter(Boolean);
  const last = words.at(-1);
  if (!last || !SECRET_WORDS.has(last)) return null;
  if (words.length === 1 && (last === 'KEY' || last === 'TOKEN' || last === 'PASS' || last === 'KEYS' || last === 'TOKENS' || last === 'SECRETS')) return null;
  // NEXT_PUBLIC_*, *_PUBLIC_KEY, STRIPE_PUBLISHABLE_KEY: shipped to browsers by design.
  if (words.includes('PUBLIC') || words.includes('PUBLISHABLE')) return null;
  // The qualifiers name kinds of key and token (CACHE_KEY, SORT_KEYS); a CACHE_PASSWORD or REGISTRY_PASSWORD is a password.
  const qualifier = words.at(-2);
  if (qualifier && KEY_WORDS.has(last) && NOT_SECRET_QUALIFIERS.has(qualifier)) return null;
  return PASSWORD_WORDS.has(last) ? 'password' : 'key';
}
