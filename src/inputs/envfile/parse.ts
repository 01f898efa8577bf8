import { InputError } from '../types.js';

export interface EnvEntry {
  name: string;
  /** Literal value after unquoting; null for a bare `NAME` line (the value comes from the host environment). */
  value: string | null;
  line: number;
  /** 1-based column where the value starts (the opening quote for quoted values). */
  column: number;
  quote: 'none' | 'single' | 'double' | 'backtick';
  exported: boolean;
}

export interface EnvComment {
  text: string;
  line: number;
  column: number;
}

export interface Dotenv {
  entries: EnvEntry[];
  comments: EnvComment[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;

/**
 * The dotenv grammar in common use (motdotla/dotenv, docker compose, python-dotenv): `NAME=value`,
 * `export NAME=value`, `NAME: value`, single/double/backtick quotes (double quotes expand `\n`,
 * `\t`, `\"`, `\\`), quoted values spanning lines, `#` comments on their own line or after
 * whitespace, `${VAR}` kept verbatim (a reference, not expanded), bare `NAME` (passed through from
 * the host). Anything else is an error naming the line.
 */
export function parseDotenv(text: string, file: string): Dotenv {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const entries: EnvEntry[] = [];
  const comments: EnvComment[] = [];
  let pos = 0;
  let line = 1;
  const n = src.length;

  const lineEnd = (from: number) => {
    const i = src.indexOf('\n', from);
    return i === -1 ? n : i;
  };

  while (pos < n) {
    const start = pos;
    const end = lineEnd(pos);
    let i = skipBlanks(src, pos, end);
    if (i >= end || src[i] === '\r') {
      // blank line
    } else if (src[i] === '#') {
      comments.push({ text: stripCr(src.slice(i, end)), line, column: i - start + 1 });
    } else {
      let exported = false;
      if (src.startsWith('export', i) && /[ \t]/.test(src[i + 6] ?? '')) {
        exported = true;
        i = skipBlanks(src, i + 6, end);
      }
      NAME.lastIndex = i;
      const m = NAME.exec(src);
      if (!m) throw new InputError(file, 'not a NAME=value line', line, i - start + 1);
      const name = m[0];
      i = skipBlanks(src, i + name.length, end);
      if (i >= end || src[i] === '\r' || src[i] === '#') {
        if (i < end && src[i] === '#') comments.push({ text: stripCr(src.slice(i, end)), line, column: i - start + 1 });
        entries.push({ name, value: null, line, column: i - start + 1, quote: 'none', exported });
      } else if (src[i] === '=' || (src[i] === ':' && /[ \t]/.test(src[i + 1] ?? ''))) {
        i = skipBlanks(src, i + 1, end);
        const column = i - start + 1;
        const q = src[i];
        if (q === '"' || q === "'" || q === '`') {
          const close = findClose(src, i + 1, q);
          if (close === -1) throw new InputError(file, `the quoted value of ${name} is never closed`, line, column);
          const raw = src.slice(i + 1, close);
          const value = q === '"' ? unescapeDouble(raw) : raw;
          entries.push({ name, value, line, column, quote: q === '"' ? 'double' : q === "'" ? 'single' : 'backtick', exported });
          // Continue after the closing quote: the rest of that line may hold only a comment.
          const closeLineStart = src.lastIndexOf('\n', close) + 1;
          line += countNewlines(src, i, close);
          const closeEnd = lineEnd(close);
          const j = skipBlanks(src, close + 1, closeEnd);
          if (j < closeEnd && src[j] !== '\r') {
            // No column: the column after a value, less where it starts, is the value's length.
            if (src[j] !== '#') throw new InputError(file, `unexpected text after the quoted value of ${name}`, line);
            comments.push({ text: stripCr(src.slice(j, closeEnd)), line, column: j - closeLineStart + 1 });
          }
          pos = closeEnd + 1;
          line++;
          continue;
        }
        let valueEnd = end;
        const hash = findInlineComment(src, i, end);
        if (hash !== -1) {
          comments.push({ text: stripCr(src.slice(hash, end)), line, column: hash - start + 1 });
          valueEnd = hash;
        }
        const value = stripCr(src.slice(i, valueEnd)).trim();
        entries.push({ name, value, line, column, quote: 'none', exported });
      } else {
        throw new InputError(file, 'not a NAME=value line', line, i - start + 1);
      }
    }
    pos = end + 1;
    line++;
  }
  return { entries, comments };
}

function skipBlanks(s: string, i: number, end: number): number {
  while (i < end && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function findClose(s: string, from: number, q: string): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && q !== "'") i++;
    else if (c === q) return i;
  }
  return -1;
}

/** ` #` starts a comment in an unquoted value; `#` inside a word does not. */
function findInlineComment(s: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (s[i] === '#' && (i === from || s[i - 1] === ' ' || s[i - 1] === '\t')) return i;
  return -1;
}

function countNewlines(s: string, from: number, to: number): number {
  let c = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) c++;
  return c;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\$`])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c));
}
