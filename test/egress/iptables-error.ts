import { parseIptablesSave } from '../../src/inputs/iptables/parse.js';
import { InputError } from '../../src/inputs/types.js';

/** The input error sandcheck gives a restore file, as `file:line: reason`, or 'no error'. */
export function iptablesError(text: string): string {
  try {
    parseIptablesSave(text, 'rules.v4');
  } catch (e) {
    if (e instanceof InputError) return `${e.file}:${e.line}: ${e.reason}`;
    throw e;
  }
  return 'no error';
}
