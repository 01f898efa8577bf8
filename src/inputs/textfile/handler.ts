import type { Target } from '../../model/target.js';
import { parseCommentSuppressions, toTargetSuppressions } from '../../util/comment-suppressions.js';
import type { InputHandler, SourceFile } from '../types.js';

export interface TextFileData {
  path: string;
  /** The file's text, for the provider-format secret rules only. Never print it. */
  text: string;
  /** The format that also parsed this file structurally, or null for a plain text file. */
  parsedAs: string | null;
}

/**
 * Any text file no other handler claimed: the provider-format secret rules run over it (a key in
 * a README, a script, a JSON config, a PEM file). Registered last so that it never takes a file a
 * specific handler understands; binary and oversized files are skipped by the collector before this.
 */
/**
 * A textfile target for one file. `parsedAs` names the format of the handler that also parsed the file
 * structurally (compose, kubernetes, …): the text scan then reaches what the structure does not expose
 * (comments, build args, command lines, annotations), and the secret rules drop what the structured
 * targets of the same file already report.
 */
export function textTarget(file: SourceFile, parsedAs: string | null = null): Target<TextFileData> {
  return {
    kind: 'textfile',
    id: `text:${file.path}`,
    name: file.path,
    platform: 'file',
    file: file.path,
    data: { path: file.path, text: file.text, parsedAs },
    locations: new Map([['', { file: file.path, line: 1, column: 1 }]]),
    // Comment suppressions only matter where a finding exists; skip the parse when none can be present.
    suppressions: file.text.includes('sandcheck-ignore') ? toTargetSuppressions(file.path, parseCommentSuppressions(file.text).suppressions) : [],
  };
}

export const textfileHandler: InputHandler = {
  format: 'text',
  generic: true,
  items: ['key-storage'],
  detect: () => true,
  parse: (file) => ({ targets: [textTarget(file)] }),
};
