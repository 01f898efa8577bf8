import type { SandcheckConfig } from '../config/types.js';
import type { LoadedRule } from '../engine/types.js';
import type { Report } from '../model/finding.js';
import { jsonReportPieces } from './json.js';
import { junitPieces } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { sarifPieces } from './sarif.js';
import { textPieces } from './text.js';

export interface WriterContext {
  rules: LoadedRule[];
  /** Whether the destination is a colour terminal (text only). */
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Base folder for relative paths in formats that need them (SARIF). */
  root: string;
  /** Where sandcheck.yaml states what it states (SARIF locates an expired attestation there). */
  config?: Pick<SandcheckConfig, 'file' | 'attestations' | 'lines'>;
}

/** A report's text, whole or in pieces (written in order; see src/util/stdout.ts). */
export type Writer = (report: Report, ctx: WriterContext) => string | Iterable<string>;

/** Output formats by name. Each renders the same Report; add new formats here. */
export const WRITERS: Record<string, Writer> = {
  text: (r, ctx) => textPieces(r, { color: ctx.color, quiet: ctx.quiet, verbose: ctx.verbose }),
  json: (r) => jsonReportPieces(r),
  sarif: (r, ctx) => sarifPieces(r, ctx.rules, { root: ctx.root, ...(ctx.config ? { config: ctx.config } : {}) }),
  junit: (r, ctx) => junitPieces(r, ctx.rules),
  markdown: (r, ctx) => renderMarkdown(r, ctx.rules),
};

export interface OutputSpec {
  format: string;
  /** null = stdout */
  file: string | null;
}

/** `--format json=out.json` → {format: json, file: out.json}; `--output` gives the file of a bare format. */
export function parseOutputSpecs(formats: string[], output: string | undefined): OutputSpec[] {
  const specs = (formats.length ? formats : ['text']).map((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? { format: f, file: null as string | null } : { format: f.slice(0, eq), file: f.slice(eq + 1) as string | null };
  });
  for (const s of specs) {
    if (!WRITERS[s.format]) throw new Error(`unknown format "${s.format}" (known: ${Object.keys(WRITERS).join(', ')})`);
    if (s.file === '') throw new Error(`--format ${s.format}= needs a file name`);
  }
  const bare = specs.filter((s) => s.file === null);
  if (output) {
    if (bare.length !== 1) throw new Error('--output applies to exactly one format without its own destination (use --format FORMAT=FILE for the others)');
    bare[0]!.file = output;
  } else if (bare.length > 1) {
    throw new Error('only one format can go to stdout; give the others a file: --format FORMAT=FILE');
  }
  return specs;
}
