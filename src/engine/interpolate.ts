import { getAtPointer } from './pointer.js';

export interface MessageScope {
  target: { name: string; id: string; kind: string };
  /** The `given` node. */
  node: unknown;
  /** The value at the failing pointer (scalars only are rendered). */
  value: unknown;
  data?: Record<string, string | number | boolean>;
  /** The last segment of the failing pointer, e.g. `hostNetwork`. */
  field?: string;
}

/**
 * Renders `{{target.name}}`, `{{node.x.y}}`, `{{value}}`, `{{field}}`, `{{data.x}}`. An unresolved placeholder is
 * left visible as `{{…}}` so the rule tests catch it (ESLint's RuleTester does the same).
 */
export function interpolate(template: string, scope: MessageScope): string {
  return template.replace(/\{\{\s*([a-zA-Z]+)((?:\.[a-zA-Z0-9_-]+)*)\s*\}\}/g, (whole, head: string, rest: string) => {
    let base: unknown;
    if (head === 'target') base = scope.target;
    else if (head === 'node') base = scope.node;
    else if (head === 'value') base = scope.value;
    else if (head === 'data') base = scope.data;
    else if (head === 'field') base = scope.field;
    else return whole;
    const v = rest ? getAtPointer(base, rest.replace(/\./g, '/')) : base;
    if (v === undefined || v === null || typeof v === 'object') return whole;
    return String(v);
  });
}
