/**
 * Dockerfile variable substitution with the defaults a plain `docker build` (no --build-arg) uses:
 * `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`. A variable with no known value leaves the result unresolved.
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
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(text.slice(i));
    const bare = braced ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
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
    else if (value !== null) out += value;
    else {
      unresolved.push(name);
      out += m[0];
    }
    i += m[0].length - 1;
  }
  return { value: out, unresolved };
}
