import { escapePointerSegment } from '../model/target.js';

export interface Match {
  pointer: string;
  node: unknown;
}

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

// Rule `given` patterns are few and evaluated against every target: split once.
const SEGMENTS = new Map<string, string[]>();

/** Expands a JSON pointer whose segments may be `*` (any key or index) against a value. */
export function expandPointer(root: unknown, pattern: string): Match[] {
  if (pattern === '' || pattern === '/') return [{ pointer: '', node: root }];
  let segs = SEGMENTS.get(pattern);
  if (!segs) SEGMENTS.set(pattern, (segs = pattern.split('/').slice(1).map(unescape)));
  let frontier: Match[] = [{ pointer: '', node: root }];
  for (const seg of segs) {
    const next: Match[] = [];
    for (const m of frontier) {
      const n = m.node;
      if (n === null || typeof n !== 'object') continue;
      if (seg === '*') {
        const entries = Array.isArray(n) ? n.map((v, i) => [String(i), v] as const) : Object.entries(n);
        for (const [k, v] of entries) next.push({ pointer: `${m.pointer}/${escapePointerSegment(k)}`, node: v });
      } else if (Object.prototype.hasOwnProperty.call(n, seg)) {
        next.push({ pointer: `${m.pointer}/${escapePointerSegment(seg)}`, node: (n as Record<string, unknown>)[seg] });
      }
    }
    frontier = next;
  }
  return frontier;
}

export function getAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const seg of pointer.split('/').slice(1).map(unescape)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
