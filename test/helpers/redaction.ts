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
