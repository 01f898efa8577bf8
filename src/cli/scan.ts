import { makeParentDirs } from '../util/make-dirs.js';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { unknownSuppressionWarnings } from '../config/check-rules.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { SandcheckConfig } from '../config/types.js';
import { unusedConfigWarnings } from '../config/unused-config.js';
import { audit } from '../engine/audit.js';
import { RuleLoadError, loadRules, type RuleSet } from '../engine/load-rules.js';
import type { Collected } from '../inputs/collect.js';
import { collectPaths } from '../inputs/collect.js';
import { exclusions, type Exclusion } from '../inputs/exclude.js';
import type { Report } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import { WRITERS, parseOutputSpecs, type OutputSpec } from '../report/writers.js';
import { writeStepSummary } from '../report/step-summary.js';
import { BaselineError, readBaseline, staleEntries, writeBaseline, type Baseline } from '../engine/baseline.js';
import { summaryLine } from '../report/text.js';
import { notAuditedMessage } from '../report/not-audited.js';
import { SUPPRESSION_WITHOUT_REASON } from '../engine/suppression-findings.js';
import { trustBoundaryWarnings } from '../engine/trust-boundary-findings.js';
import { UsageError, exitWith } from './exit.js';
import { collect } from './options.js';
import { startSecretDropLog } from './debug-secrets.js';
import { stdoutIsTerminal, writeStdout, writeTextFile } from '../util/stdout.js';
import { errnoReason } from '../util/errno-reason.js';
import { writeStderr } from '../util/stderr.js';

export interface CommonOptions {
  format: string[];
  output?: string;
  failOn: Severity | 'any';
  config?: string;
  rules: string[];
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
  root?: string;
  baseline?: string;
  writeBaseline?: string;
}


/** The options every auditing command shares (scan, image, docker, kubernetes, egress). */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-f, --format <format>', 'output format: text | json | sarif | junit | markdown (repeatable; FORMAT=FILE writes to a file)', collect, [])
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 only for failures at or above this severity').choices(['critical', 'high', 'medium', 'low', 'any']).default('any'))
    .option('-c, --config <file>', 'sandcheck.yaml to use (default: ./sandcheck.yaml if present)')
    .option('--rules <dir>', 'extra rule folder (repeatable)', collect, [])
    .option('-q, --quiet', 'print only failing items, errors and the summary')
    .option('--verbose', 'list every skipped input')
    .option('--no-color', 'never colour the text report')
    .option('--root <dir>', 'base folder for relative paths in SARIF (default: the working directory)')
    .option('--baseline <file>', 'report findings recorded in this baseline as known; only new ones fail')
    .option('--write-baseline <file>', 'record the current findings (by fingerprint) in a baseline file');
}

/** `--exclude` of the commands that walk folders (scan, egress). */
export interface WalkOptions {
  exclude: string[];
}
export const EXCLUDE_OPTION = ['--exclude <glob>', 'leave matching files and folders out of folder walks (repeatable; a glob without / matches a name at any depth, one with / a path from the working directory)', collect, [] as string[]] as const;

/** `--exclude` (relative to the working directory) and sandcheck.yaml's `exclude:` (relative to its folder). */
export function walkExclusions(opts: WalkOptions, config: SandcheckConfig): Exclusion[] {
  return [...exclusions(opts.exclude, process.cwd(), '--exclude'), ...(config.file ? exclusions(config.exclude, dirname(resolve(config.file)), config.file) : [])];
}

/** Loads config and rules, or ends the run with exit 2 and one clear line. */
export function prepare(opts: CommonOptions): { config: SandcheckConfig; rules: RuleSet; outputs: OutputSpec[]; baseline?: Baseline } {
  let outputs: OutputSpec[];
  try {
    outputs = parseOutputSpecs(opts.format, opts.output);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  try {
    const rules = loadRules(opts.rules);
    const config = loadConfig(opts.config, undefined, rules);
    const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
    return { config, rules, outputs, ...(baseline ? { baseline } : {}) };
  } catch (err) {
    if (err instanceof BaselineError) throw new UsageError(`invalid baseline ${err.message}`);
    if (err instanceof ConfigError) throw new UsageError(`invalid config ${err.message}`);
    if (err instanceof RuleLoadError) throw new UsageError(`invalid rule ${err.message}`);
    throw err;
  }
}

/** Audits collected targets, writes every requested output, sets the exit code. */
export function finish(collected: Collected, opts: CommonOptions, prepared: ReturnType<typeof prepare>): Report {
  for (const w of unknownSuppressionWarnings(collected.targets, prepared.rules, [SUPPRESSION_WITHOUT_REASON])) writeStderr(`sandcheck: warning: ${w}\n`);
  const report = audit(collected, { rules: prepared.rules, config: prepared.config, failOn: opts.failOn, ...(prepared.baseline ? { baseline: prepared.baseline } : {}) });
  for (const w of trustBoundaryWarnings(report)) writeStderr(`sandcheck: warning: ${w}\n`);
  for (const w of unusedConfigWarnings(report.inputs, prepared.config.file)) writeStderr(`sandcheck: warning: ${w}\n`);
  for (const i of report.inputs.filter((x) => x.status === 'error')) writeStderr(`sandcheck: input error: ${i.error}\n`);
  for (const e of report.errors) writeStderr(`sandcheck: error: ${e.message}\n`);
  const notAudited = notAuditedMessage(report);
  if (notAudited) writeStderr(`sandcheck: ${notAudited}\n`);
  writeOutputs(report, opts, prepared);
  // Every report went to a file: say on stderr how the run ended, so a terminal or CI log is not silent
  // (--quiet too: it keeps "errors and the summary").
  if (prepared.outputs.every((o) => o.file !== null)) {
    writeStderr(`sandcheck: ${summaryLine(report, false)} Reports: ${prepared.outputs.map((o) => o.file).join(', ')}\n`);
  }
  reportBaseline(report, opts, prepared.baseline);
  exitWith(report.summary.exitCode);
  return report;
}

export function writeOutputs(report: Report, opts: CommonOptions, prepared: ReturnType<typeof prepare>): void {
  for (const spec of prepared.outputs) {
    const toStdout = spec.file === null;
    const text = WRITERS[spec.format]!(report, {
      rules: prepared.rules.rules,
      color: spec.format === 'text' && toStdout && opts.color !== false && !process.env.NO_COLOR && stdoutIsTerminal(),
      quiet: !!opts.quiet,
      verbose: !!opts.verbose,
      root: opts.root ?? process.cwd(),
      config: prepared.config,
    });
    if (toStdout) writeStdout(text);
    else {
      try {
        // A CI job names `reports/sandcheck.sarif` before anything made `reports/`.
        makeParentDirs(spec.file!);
        writeTextFile(spec.file!, text);
      } catch (err) {
        throw new UsageError(`cannot write ${spec.file}: ${errnoReason(err)}`);
      }
    }
  }
  writeStepSummary(report, prepared.rules.rules, prepared.outputs);
}

export function registerScan(program: Command): void {
  addCommonOptions(
    program
      .command('scan')
      .description('audit files and folders: Kubernetes manifests, compose files, Dockerfiles, env files, firewall rules (`-` reads stdin)')
      .argument('[paths...]', 'files or folders (default: the current folder); - for stdin'),
  )
    .option('--debug-secrets', 'list on stderr every secret candidate the false-positive filters dropped: file:line, detector, reason, fingerprint (never the value)')
    .option(...EXCLUDE_OPTION)
    .action(async (paths: string[], opts: CommonOptions & WalkOptions & { debugSecrets?: boolean }) => {
      const prepared = prepare(opts);
      const drops = opts.debugSecrets ? startSecretDropLog() : null;
      try {
        finish(await collectPaths(paths, { exclude: walkExclusions(opts, prepared.config) }), opts, prepared);
      } finally {
        drops?.print();
      }
    });
}

/** `--write-baseline` after the outputs; stale `--baseline` entries are worth a note on stderr. */
function reportBaseline(report: Report, opts: CommonOptions, baseline: Baseline | undefined): void {
  if (baseline) {
    const stale = staleEntries(baseline);
    if (stale.length) writeStderr(`sandcheck: ${stale.length} baseline entr${stale.length === 1 ? 'y no longer matches' : 'ies no longer match'} a finding (fixed or renamed); rewrite it with --write-baseline ${baseline.file}\n`);
  }
  if (opts.writeBaseline) {
    try {
      const n = writeBaseline(opts.writeBaseline, report);
      writeStderr(`sandcheck: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${opts.writeBaseline}\n`);
    } catch (err) {
      if (err instanceof BaselineError) throw new UsageError(err.message);
      throw err;
    }
  }
}

