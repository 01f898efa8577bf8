import type { Location } from '../model/location.js';
import type { Target } from '../model/target.js';
import type { ContainerData } from '../model/workload.js';
import type { SourceFile } from './types.js';

/**
 * YAML block scalars (`key: |`, `key: >-`) start on the line after their key, and a folded one (`>`)
 * joins its lines with spaces: a line inside the parsed value is not a line of the file. The parsers
 * locate a mapping value at its key; this finds where a block scalar's text is, so that a secret inside
 * it is reported at its own line (the `-----BEGIN` line of a PEM, the token under `value: >-`).
 */

/**
 * For each non-empty line of a block scalar: the offset in the parsed value where that line's text
 * starts, and the line and column of that text in the file. Flat triples, in order.
 */
export type ValueLines = readonly number[];

/**
 * `key: |`, `key: >-`, `"key": |2 # note`: the rest of the key's line announces a block scalar. A
 * sequence entry (`- |`) is located at its indicator, with no key before it.
 */
const BLOCK_HEADER = /^(?:[^:]*:[ \t]*)?([|>])([-+]?)([1-9]?)[-+]?[ \t]*(?:#.*)?\r?$/;

/** Offsets of line starts, found on demand: lookups in increasing line order cost one pass over the text. */
class LineCursor {
  line = 1;
  offset = 0;
  constructor(readonly text: string) {}

  /** Offset where 1-based `line` starts, or -1 past the end. */
  startOf(line: number): number {
    if (line < this.line) {
      this.line = 1;
      this.offset = 0;
    }
    while (this.line < line) {
      const nl = this.text.indexOf('\n', this.offset);
      if (nl === -1) return -1;
      this.offset = nl + 1;
      this.line++;
    }
    return this.offset;
  }
}

const cursors = new WeakMap<SourceFile, LineCursor>();

function cursorOf(file: SourceFile): LineCursor {
  let c = cursors.get(file);
  if (!c) cursors.set(file, (c = new LineCursor(file.text)));
  return c;
}

/** The text of the line that starts at offset `start`, without its line break (`\n` or `\r\n`). */
function lineText(text: string, start: number): string {
  const nl = text.indexOf('\n', start);
  const end = nl === -1 ? text.length : nl;
  return text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
}

/** The text of 1-based `line` of `file` without its line break, or '' past the end. */
export function lineOfFile(file: SourceFile, line: number): string {
  const start = cursorOf(file).startOf(line);
  return start === -1 ? '' : lineText(file.text, start);
}

/**
 * The block scalar whose key is at `key` (line and column of the key), or null when the value on that
 * line is not a block scalar. `start` is where the value's text begins (its first non-empty line).
 */
export function blockScalarAt(file: SourceFile, key: Location): { start: Location; lines: ValueLines } | null {
  if (!key.line || !key.column) return null;
  const text = file.text;
  const cursor = cursorOf(file);
  const headerStart = cursor.startOf(key.line);
  if (headerStart === -1) return null;
  const header = lineText(text, headerStart);
  const m = BLOCK_HEADER.exec(header.slice(key.column - 1));
  if (!m) return null;
  const folded = m[1] === '>';
  // The key's own indentation: content must be indented further.
  const keyIndent = header.length - header.trimStart().length;
  let indent = m[3] ? keyIndent + Number(m[3]) : -1;
  const lines: number[] = [];
  let length = 0;
  let prev: 'none' | 'text' | 'more' = 'none';
  let empties = 0;
  let start = cursor.startOf(key.line + 1);
  for (let line = key.line + 1; start !== -1 && start < text.length; line++) {
    const raw = lineText(text, start);
    const next = start + raw.length + (text.charCodeAt(start + raw.length) === 13 ? 2 : 1);
    const blank = raw.trim() === '';
    const lead = raw.length - raw.trimStart().length;
    if (!blank && indent === -1) indent = Math.max(lead, keyIndent + 1);
    if (!blank && lead < indent) break;
    if (blank) {
      empties++;
    } else {
      const content = raw.slice(indent);
      // Folding joins two plain lines with a space (or drops the first break before empty lines); more-indented lines keep their breaks.
      const kind = folded && content[0] !== ' ' && content[0] !== '\t' ? 'text' : 'more';
      if (prev === 'none') length += empties;
      else if (prev === 'text' && kind === 'text') length += empties === 0 ? 1 : empties;
      else length += 1 + empties;
      lines.push(length, line, indent + 1);
      length += content.length;
      prev = kind;
      empties = 0;
    }
    start = next;
  }
  if (lines.length === 0) return null;
  return { start: { ...key, line: lines[1]!, column: lines[2]! }, lines };
}

/** Line and column in the file of `offset` in a block scalar's parsed value. */
export function positionInValue(lines: ValueLines, offset: number): { line: number; column: number } {
  let i = 0;
  while (i + 3 < lines.length && lines[i + 3]! <= offset) i += 3;
  return { line: lines[i + 1]!, column: lines[i + 2]! + Math.max(0, offset - lines[i]!) };
}

/**
 * Block-scalar positions of values, keyed by the object that holds the value (an env entry, a data
 * entry), which every copy of a target shares. Read by the secret detector.
 */
const valueLines = new WeakMap<object, ValueLines>();

export function valueLinesOf(holder: object): ValueLines | undefined {
  return valueLines.get(holder);
}

export function setValueLines(holder: object, lines: ValueLines): void {
  valueLines.set(holder, lines);
}

/**
 * Moves the location of `pointer` from the key to the start of its block-scalar value, and keeps the
 * value's line positions for `holder`. No-op for a value that is not a block scalar.
 */
export function locateBlockValue(target: Target<object>, file: SourceFile, pointer: string, key: Location | undefined, holder: object): void {
  if (!key) return;
  const block = blockScalarAt(file, key);
  if (!block) return;
  target.locations.set(pointer, block.start);
  valueLines.set(holder, block.lines);
}

/**
 * The literal env values and build args of a container whose value is a block scalar: `value: |`,
 * `KEY: >-` (mapping form), and compose's list form `- |` followed by an indented `KEY=value` line (the
 * block holds the whole entry; the value starts after the first `=`). Each value is located in the file
 * that wrote it (`sourceOf` its location's file: a merged compose service has values from two files).
 */
export function locateContainerBlockValues(target: Target<ContainerData & { buildArgs?: ContainerData['env'] }>, sourceOf: (path: string | undefined) => SourceFile | undefined): void {
  for (const field of ['env', 'buildArgs'] as const) {
    const list = target.data[field];
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.value === null || e.valueFrom) continue;
      const pointer = `/${field}/${i}/value`;
      const key = target.locations.get(pointer) ?? target.locations.get(`/${field}/${i}`);
      const file = key ? sourceOf(key.file) : undefined;
      if (!key || !file) continue;
      if (isListEntryBlock(file, key)) locateListEntryValue(target, file, pointer, key, e);
      else locateBlockValue(target, file, pointer, key, e);
    }
  }
}

/**
 * `- |`: a block scalar that is an entry of a list. A list entry is located at its value, which starts
 * with the block indicator (after any anchor or tag); a mapping entry is located at its key, and no key
 * starts with `|` or `>` (a key named `0` or `"0"` is a key, although its pointer ends in a digit).
 */
function isListEntryBlock(file: SourceFile, at: Location): boolean {
  if (!at.line || !at.column) return false;
  const c = lineOfFile(file, at.line)[at.column - 1];
  return c === '|' || c === '>';
}

/** `- |` then `KEY=value`: the value's location and line positions start after the first `=`. */
function locateListEntryValue(target: Target<object>, file: SourceFile, pointer: string, key: Location, holder: object): void {
  const block = blockScalarAt(file, key);
  if (!block) return;
  const first = lineOfFile(file, block.lines[1]!).slice(block.lines[2]! - 1);
  const eq = first.indexOf('=');
  if (eq < 0) return;
  const offset = block.lines[0]! + eq + 1;
  const pos = positionInValue(block.lines, offset);
  const shifted: number[] = [0, pos.line, pos.column];
  for (let j = 3; j < block.lines.length; j += 3) {
    if (block.lines[j]! > offset) shifted.push(block.lines[j]! - offset, block.lines[j + 1]!, block.lines[j + 2]!);
  }
  target.locations.set(pointer, { ...key, line: pos.line, column: pos.column });
  valueLines.set(holder, shifted);
}
