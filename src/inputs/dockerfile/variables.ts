/**
 * Dockerfile variable substitution with the defaults a plain `docker build` (no --build-arg) uses:
 * `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`, `${VAR:?message}` (the value, or a failed build when it
 * has none), and BuildKit's `${VAR#glob}`, `##`, `%`, `%%`, `${VAR/glob/text}`, `//`. A variable with no
 * known value leaves the result unresolved.
 */
export type Scope = Map<string, string | null>;

export function expand(text: string, scope: Scope, escape = '\\'): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === escape && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    BRACED.lastIndex = i;
    BARE.lastIndex = i;
    const braced = BRACED.exec(text);
    const bare = braced ? null : BARE.exec(text);
    const m = braced ?? bare;
    if (!m) {
      out += ch;
      continue;
    }
    const name = m[1]!;
    const op = braced ? braced[2] : undefined;
    const word = braced ? (braced[3] ?? '') : '';
    const known = scope.has(name) && scope.get(name) !== null;
    const value = known ? scope.get(name)! : null;
    if (op === ':-' || op === '-') out += value !== null && (op === '-' || value !== '') ? value : word;
    else if (op === ':+' || op === '+') out += value !== null && (op === '+' || value !== '') ? word : '';
    else if ((op === ':?' || op === '?') && value !== null && (op === '?' || value !== '')) out += value;
    else if (op === undefined && value !== null) out += value;
    else if (op !== undefined && PATTERN_OPS.has(op) && value !== null && value.length <= MAX_PATTERN_SUBJECT) out += trimOrReplace(value, op, word);
    else {
      unresolved.push(name);
      out += m[0];
    }
    if (out.length > MAX_EXPANDED) throw new ExpansionTooLong();
    i += m[0].length - 1;
  }
  return { value: out, unresolved };
}

// Sticky: matched where the `$` is, without slicing the rest of the text for each one.
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?]|##?|%%?|\/\/?)([^}]*))?\}/y;
const PATTERN_OPS = new Set(['#', '##', '%', '%%', '/', '//']);
/** Pattern matching tries every cut: a longer value (none real comes near) is left unresolved. */
const MAX_PATTERN_SUBJECT = 4096;

/**
 * BuildKit's pattern forms: `${VAR#glob}` / `##` remove the shortest / longest matching prefix, `%` / `%%`
 * the suffix, `${VAR/glob/text}` replaces the first longest match, `//` every one (`*`, `?`, `[…]`).
 */
function trimOrReplace(value: string, op: string, word: string): string {
  if (op === '#' || op === '##') {
    const re = globRegExp(word);
    const ends = [...Array(value.length + 1).keys()];
    for (const end of op === '#' ? ends : ends.reverse()) if (re.test(value.slice(0, end))) return value.slice(end);
    return value;
  }
  if (op === '%' || op === '%%') {
    const re = globRegExp(word);
    const starts = [...Array(value.length + 1).keys()];
    for (const start of op === '%%' ? starts : starts.reverse()) if (re.test(value.slice(start))) return value.slice(0, start);
    return value;
  }
  const cut = word.indexOf('/');
  const re = globRegExp(cut < 0 ? word : word.slice(0, cut));
  const replacement = cut < 0 ? '' : word.slice(cut + 1);
  let out = '';
  let from = 0;
  for (let start = 0; start <= value.length; start++) {
    let end = -1;
    for (let e = value.length; e > start; e--) {
      if (re.test(value.slice(start, e))) {
        end = e;
        break;
      }
    }
    if (end < 0) continue;
    out += value.slice(from, start) + replacement;
    from = end;
    if (op === '/') break;
    start = end - 1;
  }
  return out + value.slice(from);
}

/** A shell glob as an anchored regular expression. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
const BARE = /\$([A-Za-z_][A-Za-z0-9_]*)/y;

/** No real value comes near it; ARGs that each repeat the one before double at every step. */
const MAX_EXPANDED = 1 << 20;

export class ExpansionTooLong extends Error {
  constructor() {
    super('variable substitution makes a value longer than 1 MiB (variables that repeat each other?)');
  }
}
