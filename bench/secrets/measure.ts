/**
 * One measurement in its own process (so peak memory is its own).
 * - `read`: Node lists and reads every file (`readdirSync`, `readFileSync(path, 'utf8')`): the floor.
 * - `sandcheck`: what `sandcheck scan` does with these files up to the secret rules: the collector
 *   (collectPaths: walk, read, binary check) with the env-file handler (`.env`, `*.env`) and the text
 *   handler for everything else, then what the secret rules report for every target
 *   (reportableSecretsOf). The text handler scans each text as its target is built and keeps only the
 *   findings (setTextScanner). YAML, compose and Dockerfile files are scanned as text here: their
 *   structured parse is other handlers' work (see bench/manifests, and the whole-CLI line of run.mjs).
 * Findings go to stdout, one JSON line each; the last line is the summary: files, bytes, seconds.
 * With `passes` > 1 the same work is repeated in the same process and `seconds` lists every pass: the
 * first is cold (as every CLI run is), the later ones run compiled code (steady state).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportableSecretsOf } from '../../src/analyzers/secrets/targets.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { envfileHandler } from '../../src/inputs/envfile/handler.js';
import { textfileHandler } from '../../src/inputs/textfile/handler.js';

export interface Summary {
  files: number;
  /** Characters read (read mode). */
  bytes: number | null;
  seconds: number;
  /** Heap in use after a full collection at the end of the first pass, its results still held (needs --expose-gc). */
  liveMb: number | null;
  /** Every pass, first (cold) to last. */
  passes: number[];
  findings: number;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Findings are written in batches: a pipe write per finding would cost more than finding it. */
class Out {
  private lines: string[] = [];
  count = 0;
  add(line: string): void {
    this.lines.push(line);
    this.count++;
    if (this.lines.length >= 256) this.flush();
  }
  flush(): void {
    if (this.lines.length) process.stdout.write(this.lines.join('\n') + '\n');
    this.lines = [];
  }
}

export async function measure(mode: 'read' | 'sandcheck', dir: string, passes = 1): Promise<Summary> {
  const root = resolve(dir);
  const times: number[] = [];
  let first: Omit<Summary, 'passes'> | null = null;
  for (let i = 0; i < passes; i++) {
    const r = await once(mode, root, i === 0);
    times.push(r.seconds);
    first ??= r;
  }
  return { ...first!, passes: times };
}

/** What a pass keeps: the heap after a full collection (null without --expose-gc). */
function liveHeapMb(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

async function once(mode: 'read' | 'sandcheck', root: string, report: boolean): Promise<Omit<Summary, 'passes'>> {
  const out = new Out();
  const t0 = process.hrtime.bigint();
  let files = 0;
  let bytes: number | null = 0;
  let seconds: number;
  let liveMb: number | null = null;
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  if (mode === 'read') {
    for (const f of walk(root)) {
      bytes += readFileSync(f, 'utf8').length;
      files++;
    }
    seconds = elapsed();
    if (report) liveMb = liveHeapMb();
  } else {
    const collected = await collectPaths([root], { cwd: root, handlers: [envfileHandler, textfileHandler] });
    for (const t of collected.targets) {
      for (const s of reportableSecretsOf(t, collected)) if (report) out.add(JSON.stringify({ file: s.location.file, line: s.location.line ?? s.line, detector: s.detector }));
    }
    seconds = elapsed();
    // Measured while the run's results (targets, inputs, findings) are still held, as a scan holds them.
    if (report) liveMb = liveHeapMb();
    files = collected.inputs.filter((i) => i.status === 'parsed').length;
    bytes = null;
  }
  out.flush();
  return { files, bytes, seconds, liveMb, findings: out.count };
}
