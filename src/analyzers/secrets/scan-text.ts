import { commonDropReason } from './false-positives.js';
import { fingerprint } from './fingerprint.js';
import { PROVIDER_RULES, type ProviderRule } from './provider-rules.js';
import type { ScanOptions, SecretHit } from './types.js';

/**
 * The keyword prefilter: which rules can match a text, found without running any rule's regex.
 *
 * An alternation of every keyword runs the regex engine at almost every position of the text (the
 * keywords start with common letters), which cost more than reading the file. Instead each keyword is
 * found through its rarest character (its anchor): `indexOf` of one character is a memchr, and only at
 * the few places where an anchor occurs are the keywords that contain it compared, picked by the
 * character next to the anchor. Keywords with none of the anchor characters are searched with indexOf.
 */
interface Keyword {
  text: string;
  /** Index of the anchor character in `text`. */
  offset: number;
  rules: ProviderRule[];
  /** Not a rule's keyword: a name the named-assignment scan of free text looks for. */
  named?: true;
}

/** Anchor characters, rarest first in configuration text (measured on the bench corpus and on this repository). */
const ANCHORS = ['K', 'x', 'k', 'A', '_'];

interface AnchorGroup {
  char: string;
  keywords: Keyword[];
  /** By the char code before the anchor (keywords whose anchor is not their first character). */
  before: (Keyword[] | undefined)[];
  /** By the char code after the anchor (keywords that start with their anchor). */
  after: (Keyword[] | undefined)[];
}

/** Names whose assignments in free text the detector reads (`ANTHROPIC_API_KEY=…` in a script): found in the same pass. */
export const NAMED_KEYWORDS = ['ANTHROPIC_', 'CLAUDE_'];

const KEYWORDS: Keyword[] = NAMED_KEYWORDS.map((text) => ({ text, offset: -1, rules: [], named: true }));
for (const rule of PROVIDER_RULES) {
  for (const k of rule.keywords) {
    const known = KEYWORDS.find((x) => x.text === k);
    if (known) known.rules.push(rule);
    else KEYWORDS.push({ text: k, offset: -1, rules: [rule] });
  }
}
/** The char-code tables cover ASCII, filled (no holes), so that every lookup is in bounds. */
const TABLE_SIZE = 128;
const GROUPS: AnchorGroup[] = [];
/** Keywords without an anchor character, searched as a whole. */
const PLAIN: Keyword[] = [];
for (const k of KEYWORDS) {
  const char = ANCHORS.find((c) => k.text.includes(c));
  if (char === undefined || k.text.length < 2) {
    PLAIN.push(k);
    continue;
  }
  k.offset = k.text.indexOf(char);
  let g = GROUPS.find((x) => x.char === char);
  if (!g) GROUPS.push((g = { char, keywords: [], before: new Array(TABLE_SIZE).fill(undefined), after: new Array(TABLE_SIZE).fill(undefined) }));
  g.keywords.push(k);
  const [table, code] = k.offset > 0 ? [g.before, k.text.charCodeAt(k.offset - 1)] : [g.after, k.text.charCodeAt(1)];
  (table[code] ??= []).push(k);
}

/** What the keyword pass found in one text. */
export interface Keywords {
  /** Rules whose keyword occurs, with the offset of the keyword's first occurrence (read-only). */
  rules: Map<ProviderRule, number>;
  /** Offset of the first NAMED_KEYWORDS occurrence, or -1. */
  named: number;
}

/** One keyword pass over a text. */
export function keywordScan(text: string): Keywords {
  // Most texts (a value, a comment) hold no keyword: the map is made on the first hit.
  const found: Keywords = { rules: NO_RULES, named: -1 };
  for (const k of PLAIN) {
    const at = text.indexOf(k.text);
    if (at !== -1) hit(found, k, at);
  }
  for (const g of GROUPS) {
    // Each keyword counts once, at its first occurrence (anchors are visited in text order).
    let seen: Keyword[] | null = null;
    // Reads stay inside the text and the tables (keywords are ASCII): an out-of-bounds read would make V8
    // throw away this function's optimized code, and compiling it again is a large part of a cold run.
    const last = text.length - 1;
    for (let i = text.indexOf(g.char); i !== -1; i = text.indexOf(g.char, i + 1)) {
      const b = i > 0 ? text.charCodeAt(i - 1) : 0;
      const before = b < TABLE_SIZE ? g.before[b] : undefined;
      if (before !== undefined) seen = compare(text, i, before, seen, found);
      const a = i < last ? text.charCodeAt(i + 1) : 0;
      const after = a < TABLE_SIZE ? g.after[a] : undefined;
      if (after !== undefined) seen = compare(text, i, after, seen, found);
      if (seen !== null && seen.length === g.keywords.length) break;
    }
  }
  return found;
}

/** Keywords of `list` found at anchor `i`, added to `seen` (made on the first one); returns `seen`. */
function compare(text: string, i: number, list: Keyword[], seen: Keyword[] | null, found: Keywords): Keyword[] | null {
  for (let j = 0; j < list.length; j++) {
    const k = list[j]!;
    if (i < k.offset || !text.startsWith(k.text, i - k.offset) || seen?.includes(k)) continue;
    (seen ??= []).push(k);
    hit(found, k, i - k.offset);
  }
  return seen;
}

/** Shared by every text without a rule keyword; never written to (hit() replaces it first). */
const NO_RULES = new Map<ProviderRule, number>();

function hit(found: Keywords, k: Keyword, at: number): void {
  if (k.named && (found.named === -1 || at < found.named)) found.named = at;
  if (k.rules.length > 0 && found.rules === NO_RULES) found.rules = new Map();
  for (const rule of k.rules) {
    const prev = found.rules.get(rule);
    if (prev === undefined || at < prev) found.rules.set(rule, at);
  }
}

/** Rules whose keyword occurs in the text, with the offset of the keyword's first occurrence. */
export function candidateRules(text: string): Map<ProviderRule, number> {
  const rules = keywordScan(text).rules;
  return rules === NO_RULES ? new Map() : rules;
}

/** How far before its keyword a rule's match may start (the AWS secret's name, a URL's scheme). */
const LOOKBACK = 300;

interface RawHit {
  rule: ProviderRule;
  start: number;
  end: number;
  value: string;
  order: number;
}

/** Sticky copies of the rules' regexes, for rules that start matching at a landmark. */
const STICKY = new Map<ProviderRule, RegExp>();
for (const rule of PROVIDER_RULES) if (rule.landmark) STICKY.set(rule, new RegExp(rule.regex.source, rule.regex.flags.replace('g', '') + 'y'));

/** Every match of one rule, from `from` on. */
function* matches(rule: ProviderRule, text: string, from: number): Generator<RegExpExecArray> {
  const landmark = rule.landmark;
  if (!landmark) {
    const re = rule.regex;
    re.lastIndex = from;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      else yield m;
    }
    return;
  }
  const re = STICKY.get(rule)!;
  let end = 0;
  for (let at = text.indexOf(landmark.text, from); at !== -1; at = text.indexOf(landmark.text, at + 1)) {
    if (at < end) continue;
    const start = landmark.start(text, at);
    if (start < end) continue;
    re.lastIndex = start;
    const m = re.exec(text);
    if (m === null || m[0].length === 0) continue;
    end = m.index + m[0].length;
    yield m;
  }
}

/**
 * Provider-format rules over free text (any file, a comment, a value). Only rules whose keyword
 * occurs run, each from just before its first keyword (or at its landmarks). Overlapping matches
 * keep the more specific rule (earlier in PROVIDER_RULES). Line numbers are computed for hits only.
 */
export function scanText(text: string, options: ScanOptions = {}): SecretHit[] {
  return scanCandidates(text, keywordScan(text).rules, options);
}

/** scanText with the keyword pass already done (keywordScan). */
export function scanCandidates(text: string, rules: Map<ProviderRule, number>, options: ScanOptions = {}): SecretHit[] {
  if (rules.size === 0) return [];
  const raw: RawHit[] = [];
  for (const [rule, first] of rules) {
    for (const m of matches(rule, text, Math.max(0, first - LOOKBACK))) {
      const captured = m.groups?.s ?? m[0];
      const value = rule.normalize ? rule.normalize(captured, m, text) : captured;
      const reason = value === null ? 'not-secret-shape' : (rule.ownChecks ? null : commonDropReason(value)) ?? rule.validate?.(value, m) ?? null;
      // A rule whose match spans context (a .netrc entry) locates the secret itself (`d` flag: group indices).
      const at = m.indices?.groups?.s?.[0] ?? m.index;
      if (reason !== null || value === null) {
        if (options.onDrop) options.onDrop({ detector: rule.id, reason: reason ?? 'not-secret-shape', line: lineOf(text, at), fingerprint: fingerprint(value ?? captured) });
        continue;
      }
      raw.push({ rule, start: at, end: m.index + m[0].length, value, order: RULE_ORDER.get(rule)! });
    }
  }
  return toHits(text, dedupe(raw));
}

const RULE_ORDER = new Map(PROVIDER_RULES.map((r, i) => [r, i]));

function dedupe(hits: RawHit[]): RawHit[] {
  // Most texts have one hit or none: no sort (it copies the array) and no closure to run.
  if (hits.length < 2) return hits;
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
  if (raw.length > 1) raw.sort((a, b) => a.start - b.start);
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

/** 1-based line of an offset (for the few candidates that are dropped or found outside scanText). */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
