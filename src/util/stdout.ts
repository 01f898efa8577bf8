import { closeSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Writes to standard output without `process.stdout` where it can: creating that stream loads `net`
 * (a pipe) or `tty` (a terminal), a few milliseconds of every run that only prints a report
 * (bench/startup). fd 1 is written directly; if it is non-blocking and full (EAGAIN), the rest goes
 * through `process.stdout`, and so does everything after it, so output stays in order. A reader that
 * has gone away (`sandcheck scan | head`, EPIPE) is not an error worth a stack trace: the rest of the
 * output is dropped and the run ends with its own exit code (a failing audit still exits 1).
 */
let stream: NodeJS.WriteStream | null = null;
let readerGone = false;

const CHUNK = 1 << 20;

function streamOut(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      readerGone = true;
    });
  }
  return stream;
}

/** Text, whole or in pieces written in order (a large report is never joined into one string). */
export type Text = string | Iterable<string>;

export function writeStdout(text: Text): void {
  if (readerGone) return;
  if (stream) {
    for (const part of chunksOf(text)) stream.write(part);
    return;
  }
  writeChunks(1, text, (rest) => {
    const out = streamOut();
    for (const part of rest) out.write(part);
  });
}

/** Writes a report file: in chunks, as writeStdout does (a 60 MB string converted at once costs its size again). */
export function writeTextFile(path: string, text: Text): void {
  const fd = openSync(path, 'w');
  try {
    writeChunks(fd, text, () => {
      throw Object.assign(new Error(`${path}: write would block`), { code: 'EAGAIN' });
    });
  } finally {
    closeSync(fd);
  }
}

/** The text as strings of about CHUNK characters: pieces are joined up to it, a long string is cut. */
function* chunksOf(text: Text): Generator<string> {
  if (typeof text === 'string') {
    for (let i = 0; i < text.length; ) {
      let end = Math.min(text.length, i + CHUNK);
      // Never split a surrogate pair between two chunks.
      if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
      yield text.slice(i, end);
      i = end;
    }
    return;
  }
  let batch: string[] = [];
  let size = 0;
  for (const piece of text) {
    if (piece.length >= CHUNK) {
      if (batch.length) yield batch.join('');
      batch = [];
      size = 0;
      yield* chunksOf(piece);
      continue;
    }
    batch.push(piece);
    size += piece.length;
    if (size >= CHUNK) {
      yield batch.join('');
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield batch.join('');
}

let scratch: Buffer | undefined;

/**
 * The text as UTF-8 in chunks of at most CHUNK bytes, encoded into one buffer reused from chunk to
 * chunk: each chunk is valid until the next is taken. A fresh Buffer per chunk (Buffer.from) cost a
 * new mapping of fresh memory for every megabyte written, about a third of writing a large report.
 */
function* encodedChunks(text: Text): Generator<Buffer> {
  const buf = (scratch ??= Buffer.allocUnsafe(CHUNK));
  let used = 0;
  for (const piece of typeof text === 'string' ? [text] : text) {
    // UTF-8 takes at most three bytes per UTF-16 unit (a surrogate pair, two units, takes four).
    if (piece.length * 3 > CHUNK - used && used > 0) {
      yield buf.subarray(0, used);
      used = 0;
    }
    if (piece.length * 3 <= CHUNK) used += buf.write(piece, used, 'utf8');
    else for (const part of chunksOf(piece)) yield Buffer.from(part, 'utf8');
  }
  if (used > 0) yield buf.subarray(0, used);
}

/** `blocked`: fd is non-blocking and full; it receives what is left, in order (copied: the stream writes later). */
function writeChunks(fd: number, text: Text, blocked: (rest: Iterable<Buffer>) => void): void {
  const chunks = encodedChunks(text);
  for (const buf of chunks) {
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(fd, buf, off, buf.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE' && fd === 1) {
          readerGone = true;
          return;
        }
        if (code !== 'EAGAIN') throw err;
        blocked(copies(buf.subarray(off), chunks));
        return;
      }
    }
  }
}

function* copies(first: Buffer, rest: Iterable<Buffer>): Generator<Buffer> {
  yield Buffer.from(first);
  for (const buf of rest) yield Buffer.from(buf);
}

/** Whether standard output is a terminal (loads `tty`: ask only when it matters, e.g. for colour). */
export function stdoutIsTerminal(): boolean {
  if (stream) return !!stream.isTTY;
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(1);
}
