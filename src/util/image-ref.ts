import type { ImageRef } from '../model/workload.js';

/**
 * Parses an image reference the way Docker does: `[registry[:port]/]repo[:tag][@sha256:…]`.
 * A colon after the last slash starts the tag; anything before the first slash that has a dot, a colon
 * or is `localhost` is the registry (kept in `repository`).
 */
export function parseImageRef(ref: string | null | undefined): ImageRef {
  if (ref == null || String(ref).trim() === '') {
    return { ref: null, repository: null, tag: null, digest: null, latest: false, pinned: false };
  }
  const text = String(ref).trim();
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const validDigest = digest !== null && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(digest);
  // Variable references (`${IMAGE}`, `$TAG`) cannot be judged; they are neither pinned nor latest.
  const unresolved = /\$\{?[A-Za-z_]/.test(text);
  return {
    ref: text,
    repository: rest,
    tag,
    digest: validDigest ? digest : null,
    latest: !unresolved && !validDigest && (tag === null || tag === 'latest'),
    pinned: validDigest,
  };
}
