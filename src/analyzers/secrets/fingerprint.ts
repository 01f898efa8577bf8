import { sha256Hex } from '../../util/sha256.js';

/**
 * Domain-separation salt. Fixed so that a fingerprint is stable across runs and machines (config
 * entries in `secrets.ignore` name fingerprints), and so that our hashes cannot be matched against
 * unsalted hash lists elsewhere. Changing it invalidates every suppression: bump the version instead.
 */
const SALT = 'sandcheck/secret-fingerprint/v1\0';

/**
 * First four characters that are a public format prefix, not part of a secret's entropy. Only these
 * are ever shown; anything else shows as `****`.
 */
const PUBLIC_PREFIXES = new Set([
  'sk-a', // Anthropic sk-ant-…
  'AKIA', 'ASIA', 'ABIA', 'ACCA', // AWS access key ids
  'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'gith', // GitHub
  'glpa', // GitLab glpat-
  'npm_',
  'xoxb', 'xoxp', 'xoxa', 'xoxr', 'xoxs', 'xapp', // Slack
  'sk_l', 'sk_t', 'rk_l', 'rk_t', // Stripe
  'AIza', // Google API keys
  'hvs.', // Vault
]);

/** `sk-a:3f9c0e12ab77` or `****:3f9c0e12ab77`. Depends on the value only, so one key found in two places matches. */
export function fingerprint(value: string): string {
  const head = value.slice(0, 4);
  const shown = PUBLIC_PREFIXES.has(head) ? head : '****';
  const hash = sha256Hex(SALT + value).slice(0, 12);
  return `${shown}:${hash}`;
}


export const FINGERPRINT_PATTERN = /^(?:[^\s:]{4}):[0-9a-f]{12}$/;
