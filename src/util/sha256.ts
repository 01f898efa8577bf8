import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, encoding: 'hex') => string;
// One-shot crypto.hash (Node >= 20.12) costs a fraction of a Hash object per call; the same digest.
const oneShot = (crypto as { hash?: OneShot }).hash;

/** SHA-256 of a string, hex. Fingerprints of findings and secrets hash thousands of short strings per scan. */
export function sha256Hex(data: string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}
