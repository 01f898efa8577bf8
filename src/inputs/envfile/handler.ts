import { basename } from 'node:path';
import type { Location } from '../../model/location.js';
import type { Target } from '../../model/target.js';
import { parseCommentSuppressions, toTargetSuppressions } from '../../util/comment-suppressions.js';
import type { InputHandler, SourceFile } from '../types.js';
import { parseDotenv, type EnvComment, type EnvEntry } from './parse.js';

export interface EnvfileData {
  path: string;
  entries: EnvEntry[];
  /** Comment text with its position: provider-format rules scan it (a key pasted into a comment is still a leak). */
  comments: EnvComment[];
  /** SOPS-encrypted dotenv (`sops_*` metadata entries): values are ciphertext. */
  sops: boolean;
}

/** `.env`, `.env.<anything>`, `<anything>.env`. */
export function isEnvFileName(path: string): boolean {
  const base = basename(path);
  return base === '.env' || base.startsWith('.env.') || (base.endsWith('.env') && base.length > 4);
}

export function envfileTarget(file: SourceFile): Target<EnvfileData> {
  const { entries, comments } = parseDotenv(file.text, file.path);
  const locations = new Map<string, Location>();
  locations.set('', { file: file.path, line: 1, column: 1 });
  // pointerOf('entries', i) written out: these segments need no escaping, and env files have many entries.
  entries.forEach((e, i) => {
    locations.set(`/entries/${i}`, { file: file.path, line: e.line, column: 1 });
    locations.set(`/entries/${i}/value`, { file: file.path, line: e.line, column: e.column });
  });
  comments.forEach((c, i) => locations.set(`/comments/${i}`, { file: file.path, line: c.line, column: c.column }));
  return {
    kind: 'envfile',
    id: `envfile:${file.path}`,
    name: file.path,
    platform: 'file',
    file: file.path,
    data: { path: file.path, entries, comments, sops: entries.some((e) => e.name.startsWith('sops_')) },
    locations,
    suppressions: comments.some((c) => c.text.includes('sandcheck-ignore')) ? toTargetSuppressions(file.path, parseCommentSuppressions(file.text).suppressions) : [],
  };
}

export const envfileHandler: InputHandler = {
  format: 'envfile',
  items: ['key-storage', 'workload-isolation'],
  detect: (file) => isEnvFileName(file.path),
  parse: (file) => ({ targets: [envfileTarget(file)] }),
};
