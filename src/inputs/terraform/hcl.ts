import { InputError } from '../types.js';

/**
 * A reader for the part of HCL (Terraform's syntax) that resource blocks use: attributes, nested
 * blocks, strings, numbers, booleans, lists and objects, with the line of every node. Expressions that
 * need evaluation (variables, references, function calls, interpolation, conditionals, for) are kept as
 * `{ unresolved: "<source text>" }`. @cdktf/hcl2json was tried: it runs offline on Node 20, but it is
 * async (WASM) where input handlers are synchronous, and it drops line numbers.
 */

export type HclValue = string | number | boolean | null | HclValue[] | HclObject | HclUnresolved;
export interface HclObject {
  [k: string]: HclValue;
}
export interface HclUnresolved {
  unresolved: string;
}

export interface HclBlock {
  type: string;
  labels: string[];
  line: number;
  attrs: Record<string, { value: HclValue; line: number }>;
  blocks: HclBlock[];
}

interface Tok {
  t: 'id' | 'str' | 'num' | 'punct' | 'heredoc';
  v: string;
  line: number;
  /** 1-based column where the token starts (a string: after its opening quote). */
  col: number;
  /** A string with `${…}` or `%{…}` in it. */
  interp?: boolean;
  /** A heredoc: where each non-empty line of its value is in the file (offset in the value, line, column; flat triples). */
  lines?: number[];
}

function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  const col = (at: number) => at - lineStart + 1;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ t: 'punct', v: '\n', line, col: col(i) });
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new InputError(file, 'unterminated /* comment', line);
      for (let k = i; k < end; k++)
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      i = end + 2;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][\w]*)\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const start = line;
        const endRe = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?=\\r?\\n|$)`, 'g');
        endRe.lastIndex = i;
        const e = endRe.exec(text);
        if (!e) throw new InputError(file, `heredoc ${m[1]} is not closed`, line);
        const heredoc = heredocValue(text.slice(i + m[0].length, e.index), start + 1, m[0].startsWith('<<-'));
        out.push({ t: 'heredoc', v: heredoc.value, line: start, col: col(i), lines: heredoc.lines });
        for (let k = i; k < e.index + e[0].length; k++)
          if (text[k] === '\n') {
            line++;
            lineStart = k + 1;
          }
        i = e.index + e[0].length;
        continue;
      }
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      let interp = false;
      let depth = 0;
      while (j < n) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < n) {
          const e = text[j + 1]!;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
          continue;
        }
        if ((d === '$' || d === '%') && text[j + 1] === '{') {
          if (text[j - 1] !== d) interp = true;
          depth++;
          s += d + '{';
          j += 2;
          continue;
        }
        if (d === '}' && depth > 0) depth--;
        if (d === '"' && depth === 0) break;
        if (d === '\n') throw new InputError(file, 'unterminated string', line);
        s += d;
        j++;
      }
      if (j >= n) throw new InputError(file, 'unterminated string', line);
      out.push({ t: 'str', v: s, line, col: col(i + 1), interp });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64))!;
      out.push({ t: 'num', v: m[0], line, col: col(i) });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(text.slice(i, i + 256))!;
      out.push({ t: 'id', v: m[0], line, col: col(i) });
      i += m[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||', '=>', '..'].includes(two)) {
      out.push({ t: 'punct', v: two, line, col: col(i) });
      i += 2;
      continue;
    }
    out.push({ t: 'punct', v: c, line, col: col(i) });
    i++;
  }
  return out;
}

/**
 * The value of a heredoc body (the text between the line of `<<TAG` and the line of `TAG`) and where
 * its lines are. `<<-TAG` strips the indentation its non-blank lines share, as Terraform does.
 */
function heredocValue(body: string, firstLine: number, indented: boolean): { value: string; lines: number[] } {
  const raw = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const indents = raw.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indented && indents.length ? Math.min(...indents) : 0;
  const lines: number[] = [];
  let offset = 0;
  const kept = raw.map((l, k) => {
    const text = l.slice(Math.min(cut, l.length - l.trimStart().length));
    const lead = text.length - text.trimStart().length;
    if (text.trim() !== '') lines.push(offset + lead, firstLine + k, cut + lead + 1);
    offset += text.length + 1;
    return text;
  });
  return { value: kept.join('\n'), lines };
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly file: string,
  ) {}

  private peek(skipNl = false): Tok | undefined {
    let k = this.i;
    if (skipNl) while (this.toks[k]?.v === '\n' && this.toks[k]?.t === 'punct') k++;
    return this.toks[k];
  }
  private skipNl(): void {
    while (this.toks[this.i]?.t === 'punct' && this.toks[this.i]?.v === '\n') this.i++;
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new InputError(this.file, 'unexpected end of file');
    return t;
  }

  body(end: string | null): Omit<HclBlock, 'type' | 'labels' | 'line'> {
    const attrs: HclBlock['attrs'] = {};
    const blocks: HclBlock[] = [];
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (!t) {
        if (end) throw new InputError(this.file, `missing "${end}"`);
        break;
      }
      if (t.t === 'punct' && t.v === end) {
        this.i++;
        break;
      }
      if (t.t !== 'id' && t.t !== 'str') throw new InputError(this.file, `unexpected "${t.v}"`, t.line);
      this.i++;
      const after = this.peek();
      if (after?.t === 'punct' && (after.v === '=' || after.v === ':')) {
        this.i++;
        attrs[t.v] = { value: this.expr(), line: t.line };
        continue;
      }
      const labels: string[] = [];
      while (this.peek()?.t === 'str' || this.peek()?.t === 'id') labels.push(this.next().v);
      const open = this.next();
      if (open.v !== '{') throw new InputError(this.file, `expected "{" after block ${t.v}, found "${open.v}"`, open.line);
      const b = this.body('}');
      blocks.push({ type: t.v, labels, line: t.line, ...b });
    }
    return { attrs, blocks };
  }

  /** One expression; anything beyond literals is kept as its source text. */
  expr(): HclValue {
    this.skipNl();
    const start = this.i;
    const t = this.peek();
    if (!t) throw new InputError(this.file, 'expression expected');
    let v: HclValue | undefined;
    if (t.t === 'str') {
      this.i++;
      v = t.interp ? { unresolved: `"${t.v}"` } : t.v;
    } else if (t.t === 'heredoc') {
      this.i++;
      v = t.v;
    } else if (t.t === 'num') {
      this.i++;
      v = Number(t.v);
    } else if (t.t === 'id' && (t.v === 'true' || t.v === 'false' || t.v === 'null') && !this.continues(this.i + 1)) {
      this.i++;
      v = t.v === 'null' ? null : t.v === 'true';
    } else if (t.t === 'punct' && t.v === '[') {
      this.i++;
      const list: HclValue[] = [];
      let unresolved = false;
      for (;;) {
        this.skipNl();
        if (this.peek()?.v === ']') {
          this.i++;
          break;
        }
        if (this.peek()?.t === 'id' && this.peek()?.v === 'for') {
          unresolved = true;
          this.skipBalanced('[', ']', 1);
          break;
        }
        const at = this.i;
        list.push(this.expr());
        // A closing `}` or `)` where an element or `]` belongs (`["0.0.0.0/0"` then `}`): expr() consumed
        // nothing, and looping on it grew the list until the heap ran out. Only punctuation is left here.
        if (this.i === at) {
          const found = this.peek()!;
          throw new InputError(this.file, `missing "]": the list opened on line ${t.line} is followed by "${found.v}"`, found.line);
        }
        this.skipNl();
        if (this.peek()?.v === ',') this.i++;
      }
      v = unresolved ? { unresolved: this.source(start) } : list;
    } else if (t.t === 'punct' && t.v === '{') {
      this.i++;
      const obj: HclObject = {};
      let unresolved = false;
      for (;;) {
        this.skipNl();
        const k = this.peek();
        if (!k) throw new InputError(this.file, 'unterminated object', t.line);
        if (k.v === '}') {
          this.i++;
          break;
        }
        if (k.t === 'id' && k.v === 'for') {
          unresolved = true;
          this.skipBalanced('{', '}', 1);
          break;
        }
        this.i++;
        const sep = this.next();
        if (sep.v !== '=' && sep.v !== ':') throw new InputError(this.file, `expected "=" in object, found "${sep.v}"`, sep.line);
        obj[k.v] = this.expr();
        this.skipNl();
        if (this.peek()?.v === ',') this.i++;
      }
      v = unresolved ? { unresolved: this.source(start) } : obj;
    }
    if (v !== undefined && !this.continues(this.i)) return v;
    // References, calls, operators, conditionals: consume to the end of the expression.
    this.i = start;
    this.skipExpression();
    return { unresolved: this.source(start) };
  }

  private continues(k: number): boolean {
    const t = this.toks[k];
    return !!t && t.t === 'punct' && ['.', '[', '(', '?', '+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(t.v);
  }

  private skipBalanced(open: string, close: string, depth: number): void {
    while (depth > 0) {
      const t = this.next();
      if (t.t !== 'punct') continue;
      if (t.v === open || t.v === '(' || t.v === '[' || t.v === '{') depth += t.v === open ? 1 : 0;
      if (t.v === close) depth--;
    }
  }

  private skipExpression(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (!t) return;
      if (t.t === 'punct') {
        if (t.v === '(' || t.v === '[' || t.v === '{') depth++;
        else if (t.v === ')' || t.v === ']' || t.v === '}') {
          if (depth === 0) return;
          depth--;
        } else if (depth === 0 && (t.v === '\n' || t.v === ',')) return;
      }
      this.i++;
    }
  }

  private source(start: number): string {
    return this.toks
      .slice(start, this.i)
      .filter((t) => t.v !== '\n')
      .map((t) => (t.t === 'str' ? `"${t.v}"` : t.v))
      .join(' ')
      .replace(/ ?([.[\](),]) ?/g, '$1')
      .slice(0, 120);
  }
}

export function parseHcl(text: string, file: string): HclBlock[] {
  const p = new Parser(tokenize(text, file), file);
  return p.body(null).blocks;
}

/** A literal string value with the name it is assigned to, for the secret scan. */
export interface HclLiteral {
  name: string;
  value: string;
  /** Where the value's text starts (a quoted string: after the quote; a heredoc: its first non-blank body line). */
  line: number;
  column: number;
  /** A heredoc: where each of its lines is (ValueLines triples), so that a secret inside is located at its own line. */
  lines?: number[];
  /** The object or block the value is an attribute of (one number per `{`), so that `name = "X"` and `value = "…"` of one `env {}` block pair up. */
  group?: number;
}

const CONTINUES = new Set(['.', '[', '(', '?', '+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||']);

/**
 * Every literal string of a Terraform or .tfvars file that is a whole value, with its name: `name = "…"`,
 * `name = <<EOT … EOT`, an object key's value (`"api_token" = "…"`, `key: "…"`, on any line of a map), and
 * each element of a list assigned to a name (`passwords = [ "…", … ]`, judged under that name). Strings
 * inside expressions (function arguments, conditionals, operators) are not values of a name. A file the
 * tokenizer cannot read (an unterminated string) is read line by line: one-line `name = "…"` only.
 */
export function hclLiterals(text: string, file: string): HclLiteral[] {
  let toks: Tok[];
  try {
    toks = tokenize(text, file);
  } catch (err) {
    if (err instanceof InputError) return oneLineLiterals(text);
    throw err;
  }
  const out: HclLiteral[] = [];
  // Open brackets, innermost last: a list assigned to a name keeps the name for its elements.
  const open: { bracket: string; name: string | null; group: number }[] = [];
  let groups = 0;
  let pending: string | null = null;
  let prev: Tok | undefined;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.t === 'punct' && t.v === '\n') continue;
    const next = nextSignificant(toks, k + 1);
    const top = open[open.length - 1];
    // A key starts an entry (after a line break, `{` or `,`): `c ? "x" : "y"` inside an object is no key.
    const before = toks[k - 1];
    const startsEntry = !before || (before.t === 'punct' && (before.v === '\n' || before.v === '{' || before.v === ','));
    const key = startsEntry && (t.t === 'id' || t.t === 'str') && next?.t === 'punct' && (next.v === '=' || (next.v === ':' && top?.bracket === '{'));
    if (key && (!top || top.bracket === '{')) {
      pending = t.v;
      prev = next;
      k = toks.indexOf(next!, k);
      continue;
    }
    if (t.t === 'str' || t.t === 'heredoc') {
      const listName = top?.bracket === '[' && prev?.t === 'punct' && (prev.v === '[' || prev.v === ',') ? top.name : null;
      const name = pending ?? listName;
      const whole = !(next?.t === 'punct' && CONTINUES.has(next.v));
      const group = pending !== null && top?.bracket === '{' ? { group: top.group } : {};
      if (name !== null && whole) out.push({ name, value: t.v, line: t.lines?.[1] ?? t.line, column: t.lines?.[2] ?? t.col, ...(t.lines ? { lines: t.lines } : {}), ...group });
    } else if (t.t === 'punct' && (t.v === '[' || t.v === '{' || t.v === '(')) {
      open.push({ bracket: t.v, name: t.v === '[' ? pending : null, group: t.v === '{' ? ++groups : 0 });
    } else if (t.t === 'punct' && (t.v === ']' || t.v === '}' || t.v === ')')) {
      open.pop();
    }
    pending = null;
    prev = t;
  }
  return out;
}

function nextSignificant(toks: Tok[], from: number): Tok | undefined {
  for (let k = from; k < toks.length; k++) if (!(toks[k]!.t === 'punct' && toks[k]!.v === '\n')) return toks[k];
  return undefined;
}

/** `name = "literal"` on one line (escapes `\"` and `\\` undone). */
const ONE_LINE_ATTRIBUTE = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.){1,1000})"[ \t]*(?:(?:#|\/\/).*)?\r?$/gm;

function oneLineLiterals(text: string): HclLiteral[] {
  const out: HclLiteral[] = [];
  ONE_LINE_ATTRIBUTE.lastIndex = 0;
  for (let m = ONE_LINE_ATTRIBUTE.exec(text); m; m = ONE_LINE_ATTRIBUTE.exec(text)) {
    const valueAt = m.index + m[0].indexOf('"') + 1;
    const lineStart = text.lastIndexOf('\n', valueAt - 1) + 1;
    let line = 1;
    for (let k = text.indexOf('\n'); k !== -1 && k < valueAt; k = text.indexOf('\n', k + 1)) line++;
    out.push({ name: m[1]!, value: m[2]!.replace(/\\(["\\])/g, '$1'), line, column: valueAt - lineStart + 1 });
  }
  return out;
}
