import type { Severity } from '../../model/severity.js';
import type { DropReason } from './false-positives.js';

/**
 * One detected secret. It never carries the value, nor its length: only what a report may show.
 * `line`/`column` are 1-based and relative to the text that was scanned.
 */
export interface SecretHit {
  /** Detector id: a provider rule id, `anthropic-environment-key`, `anthropic-key-variable` or `generic-secret`. */
  detector: string;
  title: string;
  severity: Severity;
  /** high: a strict provider format or a named Anthropic key; medium: a generic name with an entropy check. */
  confidence: 'high' | 'medium';
  fingerprint: string;
  /** Variable, key or field name, when the structure gives one. */
  name?: string;
  line: number;
  column: number;
}

/** Why a candidate was not reported (for debug output): never the value, nor its length. */
export interface DroppedCandidate {
  detector: string;
  reason: DropReason;
  /** 1-based, relative to the text that was scanned (classifyPair: to the file, like its hits). */
  line: number;
  /** Of the candidate value, as a finding would show it. */
  fingerprint: string;
  name?: string;
}

export interface ScanOptions {
  /** Called for every candidate the false-positive pipeline dropped. */
  onDrop?: (d: DroppedCandidate) => void;
}
