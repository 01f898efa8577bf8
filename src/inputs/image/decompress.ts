import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Compression } from './types.js';
import { external } from '../../util/vendor.js';

/**
 * zstd for Node 20 (no built-in zstd): fzstd is pure JS and streams. Loaded lazily so that commands
 * which never see an image do not pay for it.
 */
export async function createZstdDecompress(): Promise<Transform> {
  const { Decompress } = external<typeof import('fzstd')>('fzstd');
  return new (class extends Transform {
    private readonly d = new Decompress((chunk: Uint8Array) => {
      // fzstd may reuse its block buffer after the callback, so copy.
      if (chunk.length) this.push(Buffer.from(chunk));
    });
    override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
      try {
        this.d.push(chunk);
        cb();
      } catch (err) {
        cb(new Error(`zstd: ${(err as Error).message}`));
      }
    }
    override _flush(cb: TransformCallback): void {
      try {
        this.d.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(new Error(`zstd: ${(err as Error).message}`));
      }
    }
  })();
}

export async function decompressor(c: Compression): Promise<Transform | null> {
  if (c === 'gzip') return createGunzip({ chunkSize: 256 * 1024 });
  if (c === 'zstd') return createZstdDecompress();
  return null;
}
