import { commonDropReason, genericDropReason, namedKeyDropReason } from './false-positives.js';
import { fingerprint } from './fingerprint.js';
import { isAnthropicKeyName, isEnvironmentKeyName, secretNameKind } from './names.js';
import { keywordScan, scanCandidates } from './scan-text.js';
import type { ScanOptions, SecretHit } from './types.js';
import { positionInValue, type ValueLines } from '../../inputs/block-scalar.js';

const NO_HITS: SecretHit[] = Object.freeze([]) as unknown as SecretHit[];

/** Cheap tests that let most names skip the name analysis. */
const ANTHROPIC_HINT = /anthropic|claude/i;
const SECRET_HINT = /key|token|secret|pass|pwd|credential/i;

export interface PairPosition {
  /** Where the value starts (1-based); hits inside a multi-line value are offset from here. */
  line: number;
  column: number;
  /** For a YAML block scalar: where each of its lines is in the file (a folded value's lines are not the file's). */
  lines?: ValueLines;
}

/**
 * Classifies one (name, value) pair read from a file's structure (env entries, env vars, ConfigMap
 * data, build args), with every tier:
 * 1. `ANTHROPIC_ENVIRONMENT_KEY` with any literal value (not a reference, not a placeholder);
 * 2. provider formats inside the value;
 * 3. other Anthropic key names with any literal value;
 * 4. generic `*_KEY`/`*_TOKEN`/`*_SECRET`/`*_PASSWORD` names whose value passes the false-positive pipeline.
 */
export function classifyPair(name: string, value: string | null | undefined, at: PairPosition = { line: 1, column: 1 }, options: ScanOptions = {}): SecretHit[] {
  if (value === null || value === undefined) return bareName(name, at, options);
  const v = value.trim();
  if (v === '') return [];
  const onDrop = options.onDrop;
  // A key written where the name goes (`sk-ant-…=1`, `ghp_…: x`) is the secret: no hit and no dropped
  // candidate of this pair carries the name (drops are printed by --debug-secrets).
  const shown = nameHoldsKey(name) ? undefined : name;
  // A value judged whole is reported where its text starts.
  if (at.lines) at = { ...positionInValue(at.lines, value.length - value.trimStart().length), lines: at.lines };
  const drop = (detector: string, reason: NonNullable<ReturnType<typeof commonDropReason>>) => {
    if (onDrop) onDrop({ detector, reason, line: at.line, fingerprint: fingerprint(v), name: shown });
    return [];
  };

  const anthropicName = ANTHROPIC_HINT.test(name);
  if (anthropicName && isEnvironmentKeyName(name)) {
    const reason = namedKeyDropReason(v);
    if (reason) return drop('anthropic-environment-key', reason);
    return [named('anthropic-environment-key', 'Anthropic environment key (ANTHROPIC_ENVIRONMENT_KEY)', name, v, at)];
  }

  // The name goes in front so that rules keyed on a name (the AWS secret key) see it.
  const prefix = `${name}=`;
  // Drops inside the value are reported at the value's lines in the file, like hits.
  const text = prefix + value;
  const lines = at.lines;
  // Most pairs (LOG_LEVEL=info) hold no rule keyword: one keyword pass, and no rule runs.
  const rules = keywordScan(text).rules;
  const provider = rules.size === 0 ? NO_HITS : scanCandidates(text, rules, onDrop ? { onDrop: (d) => onDrop({ ...d, name: shown, line: lines ? positionInValue(lines, offsetIn(text, d.line, 1) - prefix.length).line : at.line + d.line - 1 }) } : {});
  if (provider.length > 0) {
    return provider.map((h) => ({
      ...h,
      name: shown,
      ...(lines
        ? positionInValue(lines, offsetIn(text, h.line, h.column) - prefix.length)
        : { line: at.line + h.line - 1, column: h.line === 1 ? at.column + Math.max(0, h.column - 1 - prefix.length) : h.column }),
    }));
  }

  const encoded = base64Provider(v, shown, at);
  if (encoded.length > 0) return encoded;

  if (anthropicName && isAnthropicKeyName(name)) {
    const reason = namedKeyDropReason(v);
    if (reason) return drop('anthropic-key-variable', reason);
    return [named('anthropic-key-variable', 'Anthropic key in a named variable', name, v, at)];
  }

  const kind = SECRET_HINT.test(name) ? secretNameKind(name) : null;
  if (!kind) return [];
  const reason = genericDropReason(v, kind);
  if (reason) return drop('generic-secret', reason);
  return [
    {
      detector: 'generic-secret',
      title: kind === 'password' ? 'Password' : 'Secret value',
      severity: 'high',
      confidence: 'medium',
      fingerprint: fingerprint(v),
      name: shown,
      line: at.line,
      column: at.column,
    },
  ];
}

/** Whether a name is itself a key in a provider format (pasted where the name goes). */
function nameHoldsKey(name: string): boolean {
  return keywordScan(name).rules.size > 0 && bareName(name, { line: 1, column: 1 }, {}).length > 0;
}

/**
 * A name without a value (a bare `NAME` line of an env file, `- NAME` in compose, `ARG NAME`) is passed
 * through from the host, but a key pasted alone on a line parses as one (dotenv names may hold `-`
 * and `.`). Provider formats in it are reported without the name, which here is the secret.
 */
function bareName(name: string, at: PairPosition, options: ScanOptions): SecretHit[] {
  const rules = keywordScan(name).rules;
  if (rules.size === 0) return NO_HITS;
  const onDrop = options.onDrop;
  return scanCandidates(name, rules, onDrop ? { onDrop: (d) => onDrop({ ...d, line: at.line }) } : {}).map((h) => ({ ...h, name: undefined, line: at.line, column: 1 }));
}

/** A whole value in base64 (40+ characters), as people store keys in ConfigMaps and values files. */
const BASE64_VALUE = /^[A-Za-z0-9+/]{38,}={0,2}$/;
/** Decoded text: printable ASCII and line breaks only (binary decodes to other bytes). */
const PRINTABLE = /^[\x20-\x7e\t\r\n]+$/;

/**
 * Provider formats inside a value that is base64 of text (`echo -n "$KEY" | base64` pasted into a
 * ConfigMap): the decoded key is reported under its own fingerprint, so it matches the same key
 * written plainly elsewhere. Only strict provider shapes count in decoded text.
 */
function base64Provider(v: string, name: string | undefined, at: PairPosition): SecretHit[] {
  if (v.length % 4 !== 0 || !BASE64_VALUE.test(v)) return NO_HITS;
  const decoded = Buffer.from(v, 'base64').toString('latin1');
  if (!PRINTABLE.test(decoded)) return NO_HITS;
  const rules = keywordScan(decoded).rules;
  if (rules.size === 0) return NO_HITS;
  return scanCandidates(decoded, rules, {}).map((h) => ({ ...h, title: `${h.title} (base64-encoded)`, name, line: at.line, column: at.column }));
}

function named(detector: string, title: string, name: string, value: string, at: PairPosition): SecretHit {
  return { detector, title, severity: 'critical', confidence: 'high', fingerprint: fingerprint(value), name, line: at.line, column: at.column };
}

/** Offset of a 1-based line and column in `text`. */
export function offsetIn(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) start = text.indexOf('\n', start) + 1;
  return start + column - 1;
}
