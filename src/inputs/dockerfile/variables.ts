/**
 * Dockerfile variable substitution with the defaults a plain `docker build` (no --build-arg) uses:
 * `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`, `${VAR:?message}` (the value, or a failed build when it
 * has none). A variable with no known value leaves the result unresolved.
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
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}/y;
const BARE = /\$([A-Za-z_][A-Za-z0-9_]*)/y;

/** No real value comes near it; ARGs that each repeat the one before double at every step. */
const MAX_EXPANDED = 1 << 20;

export class ExpansionTooLong extends Error {
  constructor() {
    super('variable substitution makes a value longer than 1 MiB (variables that repeat each other?)');
  }
}
