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
  /** A string with `${…}` or `%{…}` in it. */
  interp?: boolean;
}

function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ t: 'punct', v: '\n', line });
      line++;
      i++;
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
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
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
        const body = text.slice(i + m[0].length, e.index);
        for (let k = i; k < e.index + e[0].length; k++) if (text[k] === '\n') line++;
        out.push({ t: 'heredoc', v: body, line: start });
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
      out.push({ t: 'str', v: s, line, interp });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64))!;
      out.push({ t: 'num', v: m[0], line });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(text.slice(i, i + 256))!;
      out.push({ t: 'id', v: m[0], line });
      i += m[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||', '=>', '..'].includes(two)) {
      out.push({ t: 'punct', v: two, line });
      i += 2;
      continue;
    }
    out.push({ t: 'punct', v: c, line });
    i++;
  }
  return out;
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
        list.push(this.expr());
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
