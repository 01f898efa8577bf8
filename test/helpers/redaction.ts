/** Public prefixes shared by every key of a kind: printing one says nothing about the key. */
const PUBLIC_PREFIX = /^(?:sk-ant-[a-z]+\d\d-|gh[pousr]_|github_pat_|npm_|AKIA|ASIA)/;

/**
 * Fails when any 8-character window of a value (after its public prefix) appears in the text. The failure
 * names the value by its index and the window's offset only: printing the text or the window, as
 * `expect(text).not.toContain(value)` does, would print the secret the test is about.
 */
export function expectNotPrinted(text: string, values: readonly string[]): void {
  values.forEach((value, n) => {
    const body = value.replace(PUBLIC_PREFIX, '');
    if (body.length < 8) throw new Error(`value #${n} is shorter than one window: nothing would be checked`);
    for (let i = 0; i + 8 <= body.length; i++) {
      if (text.includes(body.slice(i, i + 8))) throw new Error(`value #${n} is printed: its window at offset ${i} (after any public prefix) appears in the output`);
    }
  });
}

/** A run of characters keys and tokens are made of, long enough to be one (base64, hex, `sk-ant-…`, `ghp_…`). */
const TOKEN_RUN = /[A-Za-z0-9_+/=.~-]{12,}/g;

/**
 * Text a failing test may print about output that could hold a planted secret: the first `max`
 * characters, with every token-like run of 12 or more characters masked (a run cut by the limit too,
 * whatever its length, since it may be the start of a key), and every 8-character window of `values`
 * removed. What is left shows the output's shape (`{"schemaVersion":1,…`, an error's words), not a key.
 */
export function redactedHead(text: string, max = 200, values: readonly string[] = []): string {
  const cut = text.slice(0, max);
  // Every character inside an occurrence of some window of a value is masked; each masked run becomes one `…`.
  const covered = new Array<boolean>(cut.length).fill(false);
  for (const value of values) {
    const body = value.replace(PUBLIC_PREFIX, '');
    for (let i = 0; i + 8 <= body.length; i++) {
      for (let at = cut.indexOf(body.slice(i, i + 8)); at >= 0; at = cut.indexOf(body.slice(i, i + 8), at + 1)) covered.fill(true, at, at + 8);
    }
  }
  let head = cut.split('').map((ch, i) => (covered[i] ? '\0' : ch)).join('').replace(/\0+/g, '…');
  head = head.replace(TOKEN_RUN, '…');
  if (text.length > max) head = head.replace(/[A-Za-z0-9_+/=.~-]+$/, '…');
  return head;
}

/** A JSON.parse error without the excerpt of the input V8 quotes in it (`Unexpected token 'x', "xx sk-ant-"... is not valid JSON`). */
export function parseErrorWithoutExcerpt(message: string): string {
  // The excerpt may itself hold quotes: everything from its first quote to V8's closing words goes.
  const cut = message.indexOf('"');
  if (cut < 0) return message;
  return `${message.slice(0, cut).replace(/\.\.\.$/, '')}"…"${message.endsWith(' is not valid JSON') ? ' is not valid JSON' : ''}`;
}
