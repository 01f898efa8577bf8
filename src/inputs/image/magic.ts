/** What a blob is, decided by its first bytes: never by its name, size or declared media type. */
export type BlobKind = 'gzip' | 'zstd' | 'tar' | 'json' | 'unknown';

/** Bytes needed to classify: the tar magic sits at offset 257. */
export const SNIFF_BYTES = 512;

export function sniff(head: Uint8Array): BlobKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 262 && head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72) {
    return 'tar'; // "ustar" (POSIX and GNU)
  }
  // An empty layer is a tar of zero blocks only.
  if (head.length >= 512 && head.subarray(0, 512).every((b) => b === 0)) return 'tar';
  for (const b of head) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b ? 'json' : 'unknown';
  }
  return 'unknown';
}
