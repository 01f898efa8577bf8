import type { FileScanner } from '../inputs/image/layer-scan.js';
import type { PairDetectors } from '../inputs/image/normalize.js';
import { scoredKind } from '../inputs/image/scored-paths.js';
import type { DroppedHit, SecretHit } from '../inputs/image/types.js';
import { classifyPair, fingerprint, scanText, type ScanOptions } from './secrets/index.js';
import { secretDropsWanted } from './secrets/targets.js';

/**
 * The shared secret detector (src/analyzers/secrets), applied to what images carry: ENV values and
 * history lines (as name/value pairs and free text) and the content of scored layer files.
 */
export const imagePairDetectors: PairDetectors = {
  pair: (name, value, drops) => classifyPair(name, value, undefined, dropsInto(drops)).map(slim),
  text: (text, drops) => scanText(text, dropsInto(drops)).map(slim),
};

const NO_DROPS: ScanOptions = Object.freeze({});

/** Collects dropped candidates only while `--debug-secrets` listens: otherwise the filters report nothing. */
function dropsInto(drops: DroppedHit[] | undefined): ScanOptions {
  if (!drops || !secretDropsWanted()) return NO_DROPS;
  return {
    onDrop: (d) => {
      // A layer file's name=value lines are read as pairs, then the whole text again: one line per candidate.
      if (drops.some((x) => x.line === d.line && x.detector === d.detector && x.fingerprint === d.fingerprint)) return;
      drops.push({ detector: d.detector, reason: d.reason, fingerprint: d.fingerprint, line: d.line, ...(d.name ? { name: d.name } : {}) });
    },
  };
}

function slim(h: { detector: string; fingerprint: string; line: number; confidence: 'high' | 'medium'; name?: string }): SecretHit {
  return { detector: h.detector, fingerprint: h.fingerprint, line: h.line, confidence: h.confidence, ...(h.name ? { name: h.name } : {}) };
}

/** Kinds whose lines are `name=value` pairs (so generic `*_TOKEN=…` names count, not only provider formats). */
const PAIR_KINDS = new Set(['dotenv', 'npmrc', 'pypirc']);

export const scanLayerFile: FileScanner = ({ path, kind, content, drops }) => {
  const strong = scoredKind(path)?.strong ?? false;
  if (content.length === 0) return [];
  const head = content.subarray(0, 8192);
  if (head.includes(0)) {
    // Binary (a PKCS#12 bundle, a keyring): the name is the only evidence.
    return strong ? [nameOnly(content)] : [];
  }
  const text = content.toString('utf8');
  const options = dropsInto(drops);
  const hits = new Map<string, SecretHit>();
  const add = (h: SecretHit) => {
    if (!hits.has(h.fingerprint)) hits.set(h.fingerprint, h);
  };
  if (PAIR_KINDS.has(kind)) {
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      const line = raw.replace(/^\s*export\s+/, '');
      if (/^\s*[#;]/.test(line)) return;
      const m = /^\s*([^=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$/.exec(line);
      if (!m) return;
      let value = m[2]!;
      if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
      // `//registry.npmjs.org/:_authToken` → `_authToken`
      const name = m[1]!.replace(/^.*:(?=[^:]+$)/, '');
      for (const h of classifyPair(name, value, { line: i + 1, column: 1 }, options)) add(slim(h));
    });
  }
  for (const h of scanText(text, options)) add(slim(h));
  if (hits.size === 0 && strong && text.trim() !== '') add(nameOnly(content));
  return [...hits.values()];
};

function nameOnly(content: Buffer): SecretHit {
  return { detector: 'credential-file', fingerprint: fingerprint(content.toString('latin1')), line: null, confidence: 'medium' };
}
