import { commonDropReason } from './false-positives.js';
import { fingerprint } from './fingerprint.js';
import { PROVIDER_RULES, type ProviderRule } from './provider-rules.js';
import type { ScanOptions, SecretHit } from './types.js';

/** One alternation of every rule keyword: a single pass over the text tells which rules can match. */
const KEYWORD_RULES = new Map<string, ProviderRule[]>();
for (const rule of PROVIDER_RULES) {
  for (const k of rule.keywords) {
    const list = KEYWORD_RULES.get(k) ?? [];
    list.push(rule);
    KEYWORD_RULES.set(k, list);
  }
}
/**
 * Keywords that occur many times in ordinary config (`://` in every URL) are looked up once with
 * indexOf; matching each occurrence in the alternation costs more than the search itself.
 */
const FREQUENT = ['://', '"auth"', 'PRIVATE KEY'].filter((k) => KEYWORD_RULES.has(k));
const KEYWORDS = [...KEYWORD_RULES.keys()].filter((k) => !FREQUENT.includes(k)).sort((a, b) => b.length - a.length);
const KEYWORD_RE = new RegExp(KEYWORDS.map(escapeRegExp).join('|'), 'g');
/** How far before its keyword a rule's match may start (the AWS secret's name, a URL's scheme). */
const LOOKBACK = 300;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface RawHit {
  rule: ProviderRule;
  start: number;
  end: number;
  value: string;
  order: number;
}

/** Rules whose keyword occurs in the text, with the offset of the first occurrence. */
export function candidateRules(text: string): Map<ProviderRule, number> {
  const found = new Map<ProviderRule, number>();
  for (const k of FREQUENT) {
    const at = text.indexOf(k);
    if (at !== -1) for (const rule of KEYWORD_RULES.get(k)!) if (!found.has(rule)) found.set(rule, at);
  }
  KEYWORD_RE.lastIndex = 0;
  let remaining = PROVIDER_RULES.length - found.size;
  for (let m = KEYWORD_RE.exec(text); m !== null; m = KEYWORD_RE.exec(text)) {
    for (const rule of KEYWORD_RULES.get(m[0])!) {
      const prev = found.get(rule);
      if (prev === undefined) {
        found.set(rule, m.index);
        remaining--;
      } else if (m.index < prev) found.set(rule, m.index);
    }
    if (remaining === 0) break;
  }
  return found;
}

/**
 * Provider-format rules over free text (any file, a comment, a value). Only rules whose keyword
 * occurs run, each from just before its first keyword. Overlapping matches keep the more specific
 * rule (earlier in PROVIDER_RULES).
 */
export function scanText(text: string, options: ScanOptions = {}): SecretHit[] {
  const rules = candidateRules(text);
  if (rules.size === 0) return [];
  const raw: RawHit[] = [];
  for (const [rule, first] of rules) {
    const re = rule.regex;
    re.lastIndex = Math.max(0, first - LOOKBACK);
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const captured = m.groups?.s ?? m[0];
      const value = rule.normalize ? rule.normalize(captured, m, text) : captured;
      const reason = value === null ? 'not-secret-shape' : (rule.ownChecks ? null : commonDropReason(value)) ?? rule.validate?.(value, m) ?? null;
      if (reason || value === null) {
        options.onDrop?.({ detector: rule.id, reason: reason ?? 'not-secret-shape', line: lineOf(text, m.index) });
        continue;
      }
      raw.push({ rule, start: m.index, end: m.index + m[0].length, value, order: PROVIDER_RULES.indexOf(rule) });
    }
  }
  return toHits(text, dedupe(raw));
}

function dedupe(hits: RawHit[]): RawHit[] {
  hits.sort((a, b) => a.start - b.start || a.order - b.order);
  const kept: RawHit[] = [];
  for (const h of hits) {
    const clash = kept.findIndex((k) => h.start < k.end && k.start < h.end);
    if (clash < 0) kept.push(h);
    else if (h.order < kept[clash]!.order) kept[clash] = h;
  }
  return kept;
}

function toHits(text: string, raw: RawHit[]): SecretHit[] {
  raw.sort((a, b) => a.start - b.start);
  const hits: SecretHit[] = [];
  let line = 1;
  let lineStart = 0;
  for (const h of raw) {
    for (let i = text.indexOf('\n', lineStart); i !== -1 && i < h.start; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    hits.push({
      detector: h.rule.id,
      title: h.rule.title,
      severity: h.rule.severity,
      confidence: 'high',
      fingerprint: fingerprint(h.value),
      line,
      column: h.start - lineStart + 1,
    });
  }
  return hits;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
