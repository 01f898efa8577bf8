import { fingerprint, scanText } from '../analyzers/secrets/index.js';
import { sourceKey } from '../model/source-keys.js';
import type { Platform } from '../model/target.js';
import { getAtPointer } from './pointer.js';

/** Where literal values live in targets: a placeholder never prints them (env, env-file entries, data). */
const VALUE_FIELD = /\/(env|entries|data|stringData|environment|args|buildArgs)\//;

/**
 * The last line of defence for "no secret in any output": a substituted value that a detector
 * recognises, or that comes from a field holding literal values, is shown as its fingerprint.
 */
function safe(text: string, path: string): string {
  if (VALUE_FIELD.test(`${path}/`) || (text.length >= 8 && scanText(text).length > 0)) return `[redacted ${fingerprint(text)}]`;
  return text;
}

export interface MessageScope {
  /** `platform` picks the wording of `{{key.…}}` (src/model/source-keys.ts). */
  target: { name: string; id: string; kind: string; platform?: Platform };
  /** The `given` node. */
  node: unknown;
  /** The value at the failing pointer (scalars only are rendered). */
  value: unknown;
  data?: Record<string, string | number | boolean>;
  /** The last segment of the failing pointer, e.g. `hostNetwork`. */
  field?: string;
  /** The failing pointer (decides whether `{{value}}` comes from a field that holds literal values). */
  pointer?: string;
  /** The pointer of the `given` match (the same for `{{node.x}}`). */
  nodePointer?: string;
}

const KEY = /\{\{\s*key(?:\.([a-zA-Z0-9_]+))?\s*\}\}/g;
const KEY_HEAD = /\{\{\s*key\b/;
const KEYS_ONLY = new Map<string, Map<string, string>>();

/**
 * Renders `{{key.name}}` (a setting as the target's source format writes it; `{{key}}`: the failing
 * field's) first, since that wording may hold placeholders, then `{{target.name}}`, `{{node.x.y}}`,
 * `{{value}}`, `{{field}}`, `{{data.x}}`. An unresolved placeholder is left visible as `{{…}}` so the
 * rule tests catch it (ESLint's RuleTester does the same).
 */
export function interpolate(template: string, scope: MessageScope): string {
  if (!template.includes('{{')) return template;
  let text = template;
  if (KEY_HEAD.test(template)) {
    // Remediations are interpolated for every finding and mostly name keys only: then the text depends on
    // the platform (and the field, for `{{key}}`) alone and is kept per combination, under the rule's own
    // template string (whose hash V8 keeps) and a short second key.
    let byPlatform = KEYS_ONLY.get(template);
    const memo = `${scope.target.platform ?? ''}\0${scope.field ?? ''}`;
    const done = byPlatform?.get(memo);
    if (done !== undefined) return done;
    text = template.replace(KEY, (whole, name: string | undefined) => sourceKey(name ?? scope.field ?? '', scope.target.platform) ?? whole);
    if (!text.includes('{{')) {
      if (!byPlatform && KEYS_ONLY.size < 1024) KEYS_ONLY.set(template, (byPlatform = new Map()));
      byPlatform?.set(memo, text);
      return text;
    }
  }
  return text.replace(/\{\{\s*([a-zA-Z]+)((?:\.[a-zA-Z0-9_-]+)*)\s*\}\}/g, (whole, head: string, rest: string) => {
    let base: unknown;
    if (head === 'target') base = scope.target;
    else if (head === 'node') base = scope.node;
    else if (head === 'value') base = scope.value;
    else if (head === 'data') base = scope.data;
    else if (head === 'field') base = scope.field;
    else return whole;
    const sub = rest.replace(/\./g, '/');
    const v = rest ? getAtPointer(base, sub) : base;
    if (v === undefined || v === null || typeof v === 'object') return whole;
    const from = head === 'value' ? (scope.pointer ?? '') : head === 'node' ? `${scope.nodePointer ?? ''}${sub}` : '';
    return head === 'target' || head === 'field' ? String(v) : safe(String(v), from);
  });
}
