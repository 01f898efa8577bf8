/**
 * An error about a place in a file: `file[:line[:col]]: reason`. Inputs, rules and config share it.
 * `more` holds further problems found in the same pass, listed one per line after the first, so that
 * one run shows everything to fix.
 */
export class LocatedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
    readonly more: LocatedError[] = [],
  ) {
    super(`${file}${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}: ${reason}${more.map((m) => `\n  ${m.message}`).join('')}`);
  }
}

/** Several problems as one error: the first (in file and line order) with the others in `more`. */
export function combineErrors<E extends LocatedError>(errors: LocatedError[], make: (file: string, reason: string, line: number | undefined, column: number | undefined, more: LocatedError[]) => E): E {
  const flat = errors.flatMap((e) => [new LocatedError(e.file, e.reason, e.line, e.column), ...e.more]);
  const sorted = flat.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const [first, ...more] = sorted;
  return make(first!.file, first!.reason, first!.line, first!.column, more);
}
