import { createHash, type Hash } from 'node:crypto';
import { SNIFF_BYTES, sniff, type BlobKind } from './magic.js';

/** A blob being streamed: its kind (from the first bytes) and the rest of its bytes, hashed on the way. */
export interface OpenedBlob {
  kind: BlobKind;
  chunks: AsyncIterable<Buffer>;
  /** `sha256:<hex>` of every byte; valid once `chunks` has been consumed to the end. */
  digest(): string;
  /** Bytes read so far. */
  size(): number;
}

export async function openBlob(source: AsyncIterable<Uint8Array>, options: { hash?: boolean } = {}): Promise<OpenedBlob> {
  const it = source[Symbol.asyncIterator]();
  const hash: Hash | null = options.hash === false ? null : createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const buf = toBuffer(r.value);
    hash?.update(buf);
    size += buf.length;
    head.push(buf);
    headLen += buf.length;
  }
  const kind = sniff(head.length === 1 ? head[0]! : Buffer.concat(head));
  let digest: string | null = null;
  async function* rest(): AsyncGenerator<Buffer> {
    for (const b of head) yield b;
    head.length = 0;
    if (!ended) {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const buf = toBuffer(r.value);
        hash?.update(buf);
        size += buf.length;
        yield buf;
      }
    }
  }
  return {
    kind,
    chunks: rest(),
    digest: () => (digest ??= hash ? 'sha256:' + hash.digest('hex') : ''),
    size: () => size,
  };
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Reads a whole blob into memory, refusing more than `max` bytes. */
export async function readAll(chunks: AsyncIterable<Buffer>, max: number, what: () => string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let len = 0;
  for await (const c of chunks) {
    len += c.length;
    if (len > max) throw new Error(`${what()} is larger than ${max} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

export async function drain(chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of chunks) {
    // discard
  }
}
