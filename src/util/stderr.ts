/**
 * Writes to standard error. A reader that has gone away (`sandcheck scan … 2>&1 | head`, a closed
 * log pipe: EPIPE) is not an error of the audit: the rest of stderr is dropped and the run ends with
 * its own exit code. Without the handler, Node's unhandled 'error' event ended every such run with
 * exit 1 and a stack trace nobody could read, a passing run and a usage error (2) alike.
 * `process.stderr` is only touched when there is something to write (creating it loads `tty` or `net`).
 */
let guarded = false;
let readerGone = false;

export function writeStderr(text: string): void {
  if (readerGone) return;
  const err = process.stderr;
  if (!guarded) {
    guarded = true;
    err.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      readerGone = true;
    });
  }
  err.write(text);
}
