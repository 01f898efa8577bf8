import { createRequire } from 'node:module';

type OneShot = (algorithm: string, data: string, encoding: 'hex') => string;

// node:crypto loads about forty of Node's internal modules (streams, ciphers, key objects): 7 ms and
// 300 page faults here, a third of what `--version` or `rules` cost. Loaded on the first hash. (A
// JavaScript SHA-256 was measured as the alternative for small scans and cost more: its compilation
// alone touched more memory than loading crypto.)
let crypto: typeof import('node:crypto') | undefined;
let hashString: ((data: string) => string) | undefined;

/** node:crypto, loaded on first use. */
export function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}

/** SHA-256 of a string, hex. Fingerprints of findings and secrets hash thousands of short strings per scan. */
export function sha256Hex(data: string): string {
  if (!hashString) {
    const c = nodeCrypto();
    // One-shot crypto.hash (Node >= 20.12) costs a fraction of a Hash object per call; the same digest.
    const oneShot = (c as { hash?: OneShot }).hash;
    hashString = oneShot ? (s) => oneShot('sha256', s, 'hex') : (s) => c.createHash('sha256').update(s).digest('hex');
  }
  return hashString(data);
}
