import { basename } from 'node:path';
import type { Location } from '../../model/location.js';
import type { Target } from '../../model/target.js';
import { parseCommentSuppressions, toTargetSuppressions } from '../../util/comment-suppressions.js';
import type { InputHandler, SourceFile } from '../types.js';
import { readAgain, readAgainOf, type ReadAgain } from '../read-again.js';
import { parseDotenv, type EnvComment, type EnvEntry } from './parse.js';

export interface EnvfileData {
  path: string;
  entries: EnvEntry[];
  /** Comment text with its position: provider-format rules scan it (a key pasted into a comment is still a leak). */
  comments: EnvComment[];
  /** SOPS-encrypted dotenv (`sops_*` metadata entries): values are ciphertext. */
  sops: boolean;
}

/** `.env`, `.env.<anything>`, `<anything>.env`. */
export function isEnvFileName(path: string): boolean {
  const base = basename(path);
  return base === '.env' || base.startsWith('.env.') || (base.endsWith('.env') && base.length > 4);
}

/**
 * Where an env file's entries and comments are: `[line, column]` pairs taken from the one parse when
 * the target is built (the parse itself is released after the secret scan; these few numbers are not).
 */
interface EnvPositions {
  entries: Int32Array;
  comments: Int32Array;
}

function positionsOf(parsed: { entries: EnvEntry[]; comments: EnvComment[] }): EnvPositions {
  const pairs = (list: { line: number; column: number }[]) => {
    const out = new Int32Array(list.length * 2);
    list.forEach((x, i) => {
      out[2 * i] = x.line;
      out[2 * i + 1] = x.column;
    });
    return out;
  };
  return { entries: pairs(parsed.entries), comments: pairs(parsed.comments) };
}

/**
 * The locations of an env file's entries (`/entries/<i>` and its `/value`) and comments
 * (`/comments/<i>`), made when asked for: an env file has many entries, the collector keeps every target
 * until the rules run, and the secret rules give their findings their own locations. get() answers
 * from the positions; any other use of the map fills it first, so it behaves as the full map.
 */
class EnvLocations extends Map<string, Location> {
  #filled = false;
  readonly #file: string;
  readonly #at: EnvPositions;
  constructor(file: string, at: EnvPositions) {
    super();
    this.#file = file;
    this.#at = at;
  }
  override get(pointer: string): Location | undefined {
    if (this.#filled) return super.get(pointer);
    if (pointer === '') return { file: this.#file, line: 1, column: 1 };
    const m = /^\/(entries|comments)\/(0|[1-9]\d*)(\/value)?$/.exec(pointer);
    if (!m) return undefined;
    const i = Number(m[2]);
    if (m[1] === 'comments') {
      if (m[3] || i >= this.#at.comments.length / 2) return undefined;
      return { file: this.#file, line: this.#at.comments[2 * i]!, column: this.#at.comments[2 * i + 1]! };
    }
    if (i >= this.#at.entries.length / 2) return undefined;
    return { file: this.#file, line: this.#at.entries[2 * i]!, column: m[3] ? this.#at.entries[2 * i + 1]! : 1 };
  }
  #fill(): void {
    if (this.#filled) return;
    this.#filled = true;
    super.set('', { file: this.#file, line: 1, column: 1 });
    const { entries, comments } = this.#at;
    for (let i = 0; i < entries.length / 2; i++) {
      super.set(`/entries/${i}`, { file: this.#file, line: entries[2 * i]!, column: 1 });
      super.set(`/entries/${i}/value`, { file: this.#file, line: entries[2 * i]!, column: entries[2 * i + 1]! });
    }
    for (let i = 0; i < comments.length / 2; i++) super.set(`/comments/${i}`, { file: this.#file, line: comments[2 * i]!, column: comments[2 * i + 1]! });
  }
  override has(pointer: string): boolean {
    this.#fill();
    return super.has(pointer);
  }
  override set(pointer: string, location: Location): this {
    this.#fill();
    return super.set(pointer, location);
  }
  override delete(pointer: string): boolean {
    this.#fill();
    return super.delete(pointer);
  }
  override clear(): void {
    this.#filled = true;
    super.clear();
  }
  override get size(): number {
    this.#fill();
    return super.size;
  }
  override forEach(fn: (value: Location, key: string, map: Map<string, Location>) => void, thisArg?: unknown): void {
    this.#fill();
    super.forEach(fn, thisArg);
  }
  override entries(): MapIterator<[string, Location]> {
    this.#fill();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.#fill();
    return super.keys();
  }
  override values(): MapIterator<Location> {
    this.#fill();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, Location]> {
    return this.entries();
  }
}

/** Reads what it needs from an env file's entries while they are at hand (the secret detector). */
export type EnvfileScanner = (target: Target<EnvfileData>) => void;

let scanner: EnvfileScanner | null = null;

/**
 * Installed by the secret detector (src/analyzers/secrets/targets.ts), as for text files: every env file
 * is scanned when its target is built and its parsed entries are released, so a scan does not hold the
 * values (and, through them, the text) of every env file until the rules run.
 */
export function setEnvfileScanner(fn: EnvfileScanner | null): void {
  scanner = fn;
}

/**
 * The data of an env file target. After the scanner has read it, the parse is released and `entries`
 * and `comments` parse the file again when asked (a class: one getter per class, not per object).
 */
class EnvData implements EnvfileData {
  #parsed: { entries: EnvEntry[]; comments: EnvComment[] } | null;
  readonly #from: ReadAgain | null;
  constructor(
    readonly path: string,
    parsed: { entries: EnvEntry[]; comments: EnvComment[] },
    readonly sops: boolean,
    absPath: string | null,
  ) {
    this.#parsed = parsed;
    this.#from = absPath === null ? null : readAgainOf(path, absPath);
  }
  get entries(): EnvEntry[] {
    return (this.#parsed ??= this.#again()).entries;
  }
  get comments(): EnvComment[] {
    return (this.#parsed ??= this.#again()).comments;
  }
  /** Only for files on disk: stdin cannot be read twice. */
  release(): void {
    if (this.#from !== null) this.#parsed = null;
  }
  /** Kept once read again: only a rule that reads the entries themselves asks, after the scan. */
  #again(): { entries: EnvEntry[]; comments: EnvComment[] } {
    return parseDotenv(readAgain(this.#from!, this.path), this.path);
  }
}

export function envfileTarget(file: SourceFile): Target<EnvfileData> {
  const parsed = parseDotenv(file.text, file.path);
  const data = new EnvData(file.path, parsed, parsed.entries.some((e) => e.name.startsWith('sops_')), file.absPath);
  const target: Target<EnvfileData> = {
    kind: 'envfile',
    id: `envfile:${file.path}`,
    name: file.path,
    platform: 'file',
    file: file.path,
    data,
    locations: new EnvLocations(file.path, positionsOf(parsed)),
    suppressions: parsed.comments.some((c) => c.text.includes('sandcheck-ignore')) ? toTargetSuppressions(file.path, parseCommentSuppressions(file.text).suppressions) : [],
  };
  if (scanner !== null) {
    scanner(target);
    data.release();
  }
  return target;
}

/** `NAME=value`, `export NAME=value` (the dotenv grammar also reads `NAME: value` and a bare `NAME`, which YAML and prose share). */
const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=/;

/**
 * Dotenv content without a name to go by (stdin: `cat .env | sandcheck scan -`): the whole text reads
 * as dotenv, and most of its entries are `NAME=value` assignments (not `key: value` YAML, not one word).
 */
export function looksLikeDotenv(text: string): boolean {
  if (!text.includes('=')) return false;
  let entries;
  try {
    entries = parseDotenv(text, '<stdin>').entries;
  } catch {
    return false;
  }
  if (entries.length === 0) return false;
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  const assignments = entries.filter((e) => ASSIGNMENT.test(lines[e.line - 1] ?? '')).length;
  return assignments * 2 > entries.length;
}

export const envfileHandler: InputHandler = {
  format: 'envfile',
  items: ['key-storage', 'workload-isolation'],
  detect: (file) => isEnvFileName(file.path) || (file.absPath === null && file.path === '<stdin>' && looksLikeDotenv(file.text)),
  parse: (file) => ({ targets: [envfileTarget(file)] }),
};
