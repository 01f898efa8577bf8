/**
 * One measurement in its own process (so peak memory is its own): `read` only reads every file;
 * `sandcheck` reads and runs the detector the way the scan does (dotenv files: parse + every tier;
 * other files: provider rules only). Prints one JSON line: files, bytes, seconds, findings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { classifyPair, scanText, type SecretHit } from '../../src/analyzers/secrets/index.js';
import { isEnvFileName } from '../../src/inputs/envfile/handler.js';
import { parseDotenv } from '../../src/inputs/envfile/parse.js';

export interface Measured {
  files: number;
  bytes: number;
  seconds: number;
  findings: { file: string; line: number; detector: string }[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function detect(path: string, text: string): SecretHit[] {
  if (!isEnvFileName(path)) return scanText(text);
  const { entries, comments } = parseDotenv(text, path);
  const hits: SecretHit[] = [];
  for (const e of entries) hits.push(...classifyPair(e.name, e.value, { line: e.line, column: e.column }));
  for (const c of comments) for (const h of scanText(c.text)) hits.push({ ...h, line: c.line });
  return hits;
}

export function measure(mode: 'read' | 'sandcheck', root: string): Measured {
  const files = walk(root).sort();
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  const findings: Measured['findings'] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    bytes += text.length;
    if (mode === 'sandcheck') {
      for (const h of detect(f, text)) findings.push({ file: relative(root, f), line: h.line, detector: h.detector });
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { files: files.length, bytes, seconds, findings };
}
