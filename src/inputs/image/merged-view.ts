import { unpackMode, unpackType } from './layer-scan.js';
import { ancestors } from './tar-path.js';
import type { EntryType, LayerSummary } from './types.js';

export type Hidden = { by: number; how: 'whiteout' | 'opaque' | 'replaced' | 'overwritten' };

/**
 * The final filesystem the container sees, computed on demand from per-layer summaries (OCI layer
 * changeset rules): inside one layer, `.wh..wh..opq` hides every lower child of its directory,
 * `.wh.<name>` hides the lower path and its subtree, and a non-directory entry replacing a directory
 * hides the whole lower subtree (no whiteout is written for `rm -rf d && ln -s x d`). Entries of a
 * layer are never hidden by that layer's own whiteouts.
 */
export class MergedView {
  constructor(private readonly layers: LayerSummary[]) {}

  /** Why the entry `path` of layer `index` (0-based) is not in the final view, or null if it is. */
  hiddenBy(index: number, path: string): Hidden | null {
    const anc = ancestors(path);
    for (let j = index + 1; j < this.layers.length; j++) {
      const l = this.layers[j]!;
      if (l.paths.has(path)) {
        const own = l.paths.get(path)!;
        // A directory over a directory only changes attributes; anything else replaces the entry.
        if (!(unpackType(own) === 'dir' && this.typeAt(index, path) === 'dir')) return { by: j, how: 'overwritten' };
      }
      if (l.whiteouts.has(path)) return { by: j, how: 'whiteout' };
      if (l.opaque.has('') && path !== '') return { by: j, how: 'opaque' };
      for (const a of anc) {
        if (l.whiteouts.has(a)) return { by: j, how: 'whiteout' };
        if (l.opaque.has(a)) return { by: j, how: 'opaque' };
        const p = l.paths.get(a);
        if (p !== undefined && unpackType(p) !== 'dir') return { by: j, how: 'replaced' };
      }
    }
    return null;
  }

  private typeAt(index: number, path: string): EntryType | null {
    const p = this.layers[index]?.paths.get(path);
    return p === undefined ? null : unpackType(p);
  }

  /** The topmost visible entry at `path`, looking at layers 0..upTo (inclusive; default all). */
  lookup(path: string, upTo = this.layers.length - 1): { layer: number; type: EntryType; mode: number } | null {
    for (let i = upTo; i >= 0; i--) {
      const packed = this.layers[i]!.paths.get(path);
      if (packed === undefined) continue;
      const hidden = this.hiddenByUpTo(i, path, upTo);
      return hidden ? null : { layer: i, type: unpackType(packed), mode: unpackMode(packed) };
    }
    return null;
  }

  private hiddenByUpTo(index: number, path: string, upTo: number): Hidden | null {
    const h = this.hiddenBy(index, path);
    return h && h.by <= upTo ? h : null;
  }

  /** The nearest ancestor of `path` that is a symlink in the view below layer `index` (writes through it). */
  symlinkAncestor(index: number, path: string): string | null {
    if (index === 0) return null;
    for (const a of ancestors(path)) {
      const e = this.lookup(a, index - 1);
      if (e && e.type === 'symlink' && !this.layers[index]!.paths.has(a)) return a;
    }
    return null;
  }
}
