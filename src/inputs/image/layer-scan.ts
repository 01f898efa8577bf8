import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { OpenedBlob } from './blob.js';
import { decompressor } from './decompress.js';
import type { ImageLimits } from './limits.js';
import { scoredKind } from './scored-paths.js';
import { basename, dirname, normalizeEntryPath } from './tar-path.js';
import type { Compression, DroppedHit, EntryType, LayerAnomaly, LayerSummary, NotableEntry, ScoredFile, SecretHit } from './types.js';
import { external } from '../../util/vendor.js';

/**
 * Scans one scored file's content for secrets. Gets the content (capped) and returns hits without
 * values; candidates its filters dropped go into `drops` when someone listens (`--debug-secrets`).
 */
export type FileScanner = (file: { path: string; kind: string; content: Buffer; truncated: boolean; drops?: DroppedHit[] }) => SecretHit[];

export interface LayerScanOptions {
  limits: ImageLimits;
  scanFile: FileScanner;
  /** Shared across the layers of one input, for the total decompressed-bytes cap. */
  budget: { remaining: number };
  /** Also read every other regular text file up to the per-file cap, for provider-format secrets. */
  allFiles?: boolean;
}

export class LayerError extends Error {}

/** Symlinks kept with their target (NotableEntry.linkname): the account files and their folder. */
const ACCOUNT_LINK_PATHS = new Set(['etc', 'etc/passwd', 'etc/group']);

const TYPE_CODES: EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'];

export function packEntry(type: EntryType, mode: number): number {
  return TYPE_CODES.indexOf(type) | ((mode & 0o7777) << 3);
}

export function unpackType(packed: number): EntryType {
  return TYPE_CODES[packed & 7]!;
}

export function unpackMode(packed: number): number {
  return packed >>> 3;
}

const MAX_ANOMALIES = 100;
const CAPABILITY_XATTR = 'SCHILY.xattr.security.capability';

function entryType(t: string | null | undefined): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
      return 'char';
    case 'block-device':
      return 'block';
    case 'fifo':
      return 'fifo';
    default:
      return 'other';
  }
}

/** Streams one layer blob (tar, gzip or zstd) through the tar parser once. Nothing is written to disk. */
export async function scanLayer(blob: OpenedBlob, name: string, opts: LayerScanOptions): Promise<LayerSummary> {
  if (blob.kind !== 'tar' && blob.kind !== 'gzip' && blob.kind !== 'zstd') {
    throw new LayerError(`${name} is not a layer (neither tar, gzip nor zstd)`);
  }
  const compression: Compression = blob.kind === 'tar' ? 'none' : blob.kind;
  const { limits, scanFile, budget } = opts;
  const allFiles = opts.allFiles === true;
  const summary: LayerSummary = {
    blob: name,
    compression,
    digest: '',
    diffId: '',
    size: 0,
    uncompressedSize: 0,
    entryCount: 0,
    paths: new Map(),
    whiteouts: new Set(),
    opaque: new Set(),
    notable: [],
    files: [],
    hardlinks: new Map(),
    anomalies: [],
  };
  /** Calls the file scanner, keeping what its filters dropped under the file's path. */
  /** `lineOffset`: lines of the file before this window of it (see ScanWindows). */
  const scan = (path: string, kind: string, content: Buffer, truncated: boolean, lineOffset = 0): SecretHit[] => {
    const drops: DroppedHit[] = [];
    let hits = scanFile({ path, kind, content, truncated, drops });
    if (lineOffset > 0) {
      for (const d of drops) if (d.line != null) d.line += lineOffset;
      hits = hits.map((h) => (h.line != null ? { ...h, line: h.line + lineOffset } : h));
    }
    if (drops.length > 0) (summary.drops ??= []).push({ path, drops });
    return hits;
  };
  const anomaly = (a: LayerAnomaly) => {
    if (summary.anomalies.length < MAX_ANOMALIES) summary.anomalies.push(a);
  };

  const diffHash = createHash('sha256');
  // An uncompressed layer's diff id is its digest: hash it once.
  const hashDiff = compression !== 'none';
  let uncompressed = 0;
  // Hashing and tar parsing happen after the current tick, so that zlib can start inflating the next
  // chunk on its thread meanwhile (2 cores: inflate and parse overlap instead of alternating).
  const meter = new Transform({
    writableHighWaterMark: 4 * 1024 * 1024,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      uncompressed += chunk.length;
      budget.remaining -= chunk.length;
      if (uncompressed > limits.maxLayerBytes) return cb(new LayerError(`${name} decompresses to more than ${limits.maxLayerBytes} bytes (layer cap)`));
      if (budget.remaining < 0) return cb(new LayerError(`the image decompresses to more than the total cap while reading ${name}`));
      if (!hashDiff) return cb(null, chunk);
      setImmediate(() => {
        diffHash.update(chunk);
        cb(null, chunk);
      });
    },
  });

  const { extract } = external<typeof import('tar-stream')>('tar-stream');
  const ex = extract();
  const raw = Readable.from(blob.chunks, { objectMode: false, highWaterMark: 1024 * 1024 });
  const dec = await decompressor(compression);

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      ex.destroy();
      reject(err instanceof LayerError ? err : new LayerError(`${name}: ${describeLayerError(err)}`));
    };
    const source = dec
      ? pipeline(raw, dec, meter, (err) => err && fail(err))
      : pipeline(raw, meter, (err) => err && fail(err));

    ex.on('entry', (header, stream, next) => {
      // The parser's failure is reported once, through `fail`; the entry stream's copy of it is not.
      stream.on('error', () => {});
      try {
        summary.entryCount++;
        if (summary.entryCount > limits.maxEntriesPerLayer) throw new LayerError(`${name} has more than ${limits.maxEntriesPerLayer} entries`);
        if (header.name.length > limits.maxPathLength) {
          anomaly({ path: header.name.slice(0, 200), kind: 'long-path', detail: `name longer than ${limits.maxPathLength} characters` });
          stream.on('end', () => next());
          stream.resume();
          return;
        }
        const norm = normalizeEntryPath(header.name);
        const path = norm.path;
        if (norm.escapes) anomaly({ path, kind: 'path-escape', detail: 'name climbs above the root with ..' });
        else if (norm.absolute) anomaly({ path, kind: 'absolute-path', detail: 'absolute name' });
        const base = basename(path);
        if (base.startsWith('.wh.')) {
          if (base === '.wh..wh..opq') summary.opaque.add(dirname(path));
          else if (!base.startsWith('.wh..wh.')) summary.whiteouts.add(joinPath(dirname(path), base.slice(4)));
          stream.on('end', () => next());
          stream.resume();
          return;
        }
        if (path === '') {
          // the root directory itself (`./`)
          stream.on('end', () => next());
          stream.resume();
          return;
        }
        const type = entryType(header.type);
        const mode = header.mode ?? 0;
        const prev = summary.paths.get(path);
        if (prev !== undefined && !(type === 'dir' && unpackType(prev) === 'dir')) {
          anomaly({ path, kind: 'duplicate-entry', detail: 'the path appears twice in this layer; the last one wins' });
        }
        summary.paths.set(path, packEntry(type, mode));
        const linkname = header.linkname ? normalizeEntryPath(header.linkname).path : null;
        const pax = header.pax as Record<string, string> | null | undefined;
        const fileCaps = !!pax && Object.prototype.hasOwnProperty.call(pax, CAPABILITY_XATTR);
        const special = (mode & 0o6000) !== 0 && type !== 'dir';
        const scored = type === 'file' || type === 'hardlink' ? scoredKind(path) : null;
        if (type === 'hardlink' && linkname) summary.hardlinks.set(path, linkname);
        // Where a symlinked /etc/passwd (or /etc/group, or /etc) points: the user resolution names it.
        const accountLink = type === 'symlink' && ACCOUNT_LINK_PATHS.has(path);
        if (special || fileCaps || scored || accountLink) {
          const entry: NotableEntry = {
            path,
            type,
            mode,
            uid: header.uid ?? 0,
            gid: header.gid ?? 0,
            size: header.size ?? 0,
            linkname: type === 'symlink' ? header.linkname || null : linkname,
            fileCaps,
          };
          summary.notable.push(entry);
        }
        if (scored && type === 'file') {
          const keepText = scored.kind === 'passwd' || scored.kind === 'group';
          if (!keepText) {
            // Read to the end in windows of the cap: a key past the first MiB of a large .env is still found.
            const windows = new ScanWindows(limits.maxFileBytes, (content, lineOffset) => scan(path, scored.kind, content, false, lineOffset));
            stream.on('data', (data: unknown) => windows.push(data as Buffer));
            stream.on('end', () => {
              try {
                const { size, hits } = windows.end();
                summary.files.push({ path, size, truncated: false, kind: scored.kind, text: null, secrets: hits, hardlinkTo: null });
                next();
              } catch (err) {
                next(err as Error);
              }
            });
            return;
          }
          const cap = limits.maxFileBytes;
          const parts: Buffer[] = [];
          let kept = 0;
          let total = 0;
          stream.on('data', (data: unknown) => {
            const c = data as Buffer;
            total += c.length;
            if (kept < cap) {
              const take = Math.min(c.length, cap - kept);
              parts.push(take === c.length ? c : c.subarray(0, take));
              kept += take;
            }
          });
          stream.on('end', () => {
            try {
              const content = Buffer.concat(parts);
              const file: ScoredFile = {
                path,
                size: total,
                truncated: total > cap,
                kind: scored.kind,
                text: content.toString('utf8'),
                secrets: [],
                hardlinkTo: null,
              };
              summary.files.push(file);
              next();
            } catch (err) {
              next(err as Error);
            }
          });
          return;
        }
        if (allFiles && !scored && type === 'file' && (header.size ?? 0) > 0 && (header.size ?? 0) <= limits.maxFileBytes) {
          // --all-files: any text file, provider formats only; kept only when something is found.
          const parts: Buffer[] = [];
          stream.on('data', (data: unknown) => parts.push(data as Buffer));
          stream.on('end', () => {
            try {
              const content = Buffer.concat(parts);
              if (!content.subarray(0, 8192).includes(0)) {
                const secrets = scan(path, 'text', content, false);
                if (secrets.length) summary.files.push({ path, size: content.length, truncated: false, kind: 'text', text: null, secrets, hardlinkTo: null });
              }
              next();
            } catch (err) {
              next(err as Error);
            }
          });
          return;
        }
        if (scored && type === 'hardlink') {
          summary.files.push({ path, size: 0, truncated: false, kind: scored.kind, text: null, secrets: [], hardlinkTo: linkname });
        }
        stream.on('end', () => next());
        stream.resume();
      } catch (err) {
        stream.resume();
        next(err as Error);
      }
    });
    ex.on('finish', () => {
      if (!failed) resolve();
    });
    ex.on('error', fail);
    source.on('error', fail);
    source.pipe(ex);
  });

  summary.digest = blob.digest();
  summary.size = blob.size();
  summary.diffId = hashDiff ? 'sha256:' + diffHash.digest('hex') : summary.digest;
  summary.uncompressedSize = uncompressed;
  return summary;
}

function describeLayerError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR') return `corrupt gzip data (${e.message})`;
  const msg = e?.message ?? String(err);
  if (/unexpected end/i.test(msg)) return 'not a complete tar (unexpected end of data)';
  if (/invalid (tar )?header|checksum/i.test(msg)) return `not a valid tar (${msg})`;
  return msg;
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/**
 * A scored file's content, scanned in windows of at most `cap` bytes (plus one chunk) that end at a line
 * break, so memory stays bounded whatever the file's size and no line is cut unless it alone is longer
 * than the cap. Each window starts with the last lines of the one before (up to a quarter of the cap,
 * at most 64 KiB), so a multi-line secret (a PEM block) across a boundary is still whole in one window.
 * Hits keep their line in the whole file; each secret is reported once, at its first line. A name-only
 * hit (`credential-file`: a strong name with no finding in its content) stands only when no window found
 * a real one, and only from the first window, as if the file had been read whole.
 */
export class ScanWindows {
  private parts: Buffer[] = [];
  private kept = 0;
  private size = 0;
  /** Lines of the file before the current window. */
  private lines = 0;
  private first = true;
  private readonly overlap: number;
  private readonly hits = new Map<string, SecretHit>();
  private nameOnly: SecretHit | null = null;

  constructor(
    private readonly cap: number,
    private readonly scanWindow: (content: Buffer, lineOffset: number) => SecretHit[],
  ) {
    this.overlap = Math.min(64 * 1024, Math.floor(cap / 4));
  }

  push(chunk: Buffer): void {
    this.size += chunk.length;
    this.parts.push(chunk);
    this.kept += chunk.length;
    if (this.kept >= this.cap) this.flush(false);
  }

  end(): { size: number; hits: SecretHit[] } {
    if (this.kept > 0 || this.first) this.flush(true);
    const hits = [...this.hits.values()];
    if (hits.length === 0 && this.nameOnly) hits.push(this.nameOnly);
    return { size: this.size, hits };
  }

  private flush(last: boolean): void {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    let cut = buf.length;
    if (!last) {
      // Cut after the last line break, unless that leaves half a window or more: one very long line is cut.
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0 && buf.length - (nl + 1) < this.cap / 2) cut = nl + 1;
    }
    for (const h of this.scanWindow(buf.subarray(0, cut), this.lines)) {
      if (h.detector === 'credential-file') {
        if (this.first) this.nameOnly = h;
      } else if (!this.hits.has(h.fingerprint)) this.hits.set(h.fingerprint, h);
    }
    this.first = false;
    if (last) {
      this.parts = [];
      this.kept = 0;
      return;
    }
    // The next window starts at the first line that begins within `overlap` bytes of the cut.
    let next = cut;
    if (this.overlap > 0 && cut > this.overlap) {
      const nl = buf.indexOf(0x0a, cut - this.overlap - 1);
      if (nl >= 0 && nl + 1 < cut) next = nl + 1;
    }
    let n = 0;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < next; i = buf.indexOf(0x0a, i + 1)) n++;
    this.lines += n;
    const rest = buf.subarray(next);
    this.parts = rest.length ? [Buffer.from(rest)] : [];
    this.kept = rest.length;
  }
}
