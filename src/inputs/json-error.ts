/**
 * A JSON.parse error as words that quote nothing of the input. Node 20 (V8) quotes up to ten
 * characters either side of some syntax errors (`Unexpected token ']', ..."23456789",]}" is not
 * valid JSON`), and the characters before an error are often the end of a value: in an image
 * config or a credentials file, part of a secret. The position V8 gives (or the place of its
 * excerpt) becomes a line only: a column right after a value would tell its length.
 */
export interface JsonSyntaxError {
  /** What V8 found wrong, without its excerpt (`Unexpected token ']'`, `Unexpected end of JSON input`). */
  reason: string;
  line?: number;
}

export function jsonSyntaxError(err: unknown, text: string): JsonSyntaxError {
  const message = err instanceof Error ? err.message : String(err);
  let offset: number | undefined;
  let reason = message;
  const excerpt = /, (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (excerpt) {
    reason = message.slice(0, excerpt.index);
    const at = text.indexOf(excerpt[2]!);
    // V8 keeps ten characters before the error when it cuts the excerpt (`...`). Uncut, the excerpt is
    // the text's start and the error is somewhere in it: its line is known only if it has one line.
    if (at !== -1 && (excerpt[1] || !excerpt[2]!.includes('\n'))) offset = at + (excerpt[1] ? 10 : 0);
  }
  const position = / (?:in|after) JSON at position (\d+)/.exec(reason);
  if (position) {
    offset = Number(position[1]);
    reason = reason.slice(0, position.index) + reason.slice(position.index + position[0].length);
  }
  reason = reason.replace(/ \(line \d+ column \d+\)$/, '').trim();
  // Anything left between double quotes could still be input: keep only V8's own words.
  if (reason.includes('"')) reason = 'syntax error';
  if (offset === undefined || offset > text.length) return { reason };
  return { reason, line: text.slice(0, offset).split('\n').length };
}

/** `reason (line L)`, for messages that have no other place for the position. */
export function describeJsonSyntaxError(e: JsonSyntaxError): string {
  return e.line ? `${e.reason} (line ${e.line})` : e.reason;
}

/** JSON.parse of an input whose error quotes nothing of it: `fail` makes the error to throw from the reason and line. */
export function parseJsonInput(text: string, fail: (e: JsonSyntaxError) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw fail(jsonSyntaxError(err, text));
  }
}
