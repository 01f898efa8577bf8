/** An error about a place in a file: `file[:line[:col]]: reason`. Inputs, rules and config share it. */
export class LocatedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}: ${reason}`);
  }
}
