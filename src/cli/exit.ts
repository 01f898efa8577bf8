/** Bad usage or an input/config problem detected before any report exists: exit 2 with one clear line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Sets the exit code and lets pending stdout writes drain before Node exits. */
export function exitWith(code: number): void {
  process.exitCode = code;
}
