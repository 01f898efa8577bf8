import type { Location } from '../../model/location.js';
import type { Target } from '../../model/target.js';
import { commentSuppressionsOf } from '../file-target.js';
import type { InputHandler, SourceFile } from '../types.js';
import { readAgain, readAgainOf, type ReadAgain } from '../read-again.js';

export interface TextFileData {
  path: string;
  /**
   * The file's text, for the secret rules. Never print it. Once the text scanner has read it (see
   * setTextScanner), it is not kept in memory: asking for it reads the file again.
   */
  text: string;
  /** The format that also parsed this file structurally, or null for a plain text file. */
  parsedAs: string | null;
}

/** Reads what it needs from a text target's text while the text is at hand. */
export type TextScanner = (target: Target<TextFileData>) => void;

let scanner: TextScanner | null = null;

/**
 * Installed by the secret detector (src/analyzers/secrets/targets.ts; analyzers import inputs, not the
 * reverse). With a scanner, every text target is scanned when it is built and its text is released, so
 * a scan holds one file's text at a time instead of every file's until the rules run.
 */
export function setTextScanner(fn: TextScanner | null): void {
  scanner = fn;
}

/**
 * The data of a text target. After the text scanner has read the text (see setTextScanner), the text is
 * released and `text` reads the file again. (A class: one getter shared by every instance, where a
 * getter defined per object would give each object its own hidden class.)
 */
class TextData implements TextFileData {
  #text: string | null;
  readonly #from: ReadAgain | null;
  constructor(
    readonly path: string,
    readonly parsedAs: string | null,
    text: string,
    absPath: string | null,
  ) {
    this.#text = text;
    this.#from = absPath === null ? null : readAgainOf(path, absPath);
  }
  get text(): string {
    return this.#text ?? readAgain(this.#from!, this.path);
  }
  /** Only for files on disk: stdin cannot be read twice. */
  release(): void {
    if (this.#from !== null) this.#text = null;
  }
}

/**
 * A textfile target for one file. `parsedAs` names the format of the handler that also parsed the file
 * structurally (compose, kubernetes, …): the text scan then reaches what the structure does not expose
 * (comments, build args, command lines, annotations), and the secret rules drop what the structured
 * targets of the same file already report.
 */
export function textTarget(file: SourceFile, parsedAs: string | null = null): Target<TextFileData> {
  const data = new TextData(file.path, parsedAs, file.text, file.absPath);
  const target: Target<TextFileData> = {
    kind: 'textfile',
    id: `text:${file.path}`,
    name: file.path,
    platform: 'file',
    file: file.path,
    data,
    locations: new Map<string, Location>().set('', { file: file.path, line: 1, column: 1 }),
    suppressions: commentSuppressionsOf(file),
  };
  if (scanner !== null) {
    scanner(target);
    data.release();
  }
  return target;
}

/**
 * Any text file no other handler claimed: the provider-format secret rules run over it (a key in
 * a README, a script, a JSON config, a PEM file). Registered last so that it never takes a file a
 * specific handler understands; binary and oversized files are skipped by the collector before this.
 */
export const textfileHandler: InputHandler = {
  format: 'text',
  generic: true,
  items: ['key-storage'],
  detect: () => true,
  parse: (file) => ({ targets: [textTarget(file)] }),
};
