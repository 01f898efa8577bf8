import { basename } from 'node:path';
import type { BuildData } from '../../model/build.js';
import type { Target } from '../../model/target.js';
import { commentSuppressionsOf } from '../file-target.js';
import type { InputHandler } from '../types.js';
import { normalizeDockerfile } from './normalize.js';

/** Dockerfile, Dockerfile.worker, worker.Dockerfile, api.dockerfile, Containerfile, Containerfile.dev */
const DOCKERFILE_NAME = /^(?:Dockerfile|Containerfile)(?:[.-][\w.-]+)?$|^(?:dockerfile|containerfile)$|^[\w.-]+\.(?:dockerfile|containerfile)$/i;
/** Lower-case `dockerfile.*` is usually source code about Dockerfiles (dockerfile.ts), not one. */
const LOWER_WITH_SUFFIX = /^(?:dockerfile|containerfile)[.-]/;
/** Files named like Dockerfiles that are not (BuildKit's per-Dockerfile ignore file, docs, templates). */
const NOT_DOCKERFILE = /\.(dockerignore|md|txt|json|ya?ml|sh|bak|orig|swp|[cm]?[jt]s|py|go|rb|rs|java)$/i;

/** stdin only: the first instruction is FROM or ARG and a FROM follows. */
function looksLikeDockerfile(text: string): boolean {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  return first !== undefined && /^(FROM|ARG)\s/i.test(first) && /^\s*FROM\s+\S/im.test(text);
}

export const dockerfileHandler: InputHandler = {
  format: 'dockerfile',
  items: ['image-hardening', 'supply-chain', 'key-storage'],
  detect(file) {
    if (file.absPath === null) return looksLikeDockerfile(file.text);
    const name = basename(file.path);
    return DOCKERFILE_NAME.test(name) && !LOWER_WITH_SUFFIX.test(name) && !NOT_DOCKERFILE.test(name);
  },
  parse(file) {
    const { data, lines } = normalizeDockerfile(file.text, file.path);
    const id = `dockerfile:${file.path}`;
    const target: Target<BuildData> = {
      kind: 'build',
      id,
      name: file.path,
      platform: 'dockerfile',
      file: file.path,
      data,
      locations: new Map([...lines].map(([pointer, pos]) => [pointer, { file: file.path, line: pos.line, column: pos.column, pointer }])),
      suppressions: commentSuppressionsOf(file),
    };
    return { targets: [target] };
  },
};
