import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { makeDirs } from '../util/make-dirs.js';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { RuleLoadError, loadRules, type RuleSet } from '../engine/load-rules.js';
import { CHECKLIST_IDS } from '../model/checklist.js';
import { renderAllDocs, renderRuleDoc } from '../report/rule-docs.js';
import { packageRoot } from '../util/package-root.js';
import { unknownRuleText } from '../config/check-rules.js';
import { errnoReason } from '../util/errno-reason.js';
import { UsageError } from './exit.js';
import { collect } from './options.js';
import { writeStdout } from '../util/stdout.js';
import { writeStderr } from '../util/stderr.js';
import { ENGINE_CHECKS, ENGINE_CHECK_IDS, engineCheck, engineCheckItem, type EngineCheck } from '../engine/engine-checks.js';

function engineCheckDoc(c: EngineCheck): string {
  const item = c.checklist ? `Checklist: \`${c.checklist}\`` : `Checklist: ${engineCheckItem(c)}`;
  return [
    `# ${c.id}`,
    '',
    `**${c.title}**`,
    '',
    `Severity: ${c.severity} · ${item} · A check sandcheck makes itself (no rule file)`,
    '',
    '## Why',
    '',
    c.rationale,
    '',
    '## How to fix',
    '',
    c.remediation,
    '',
    `More: ${c.docPath}`,
    '',
  ].join('\n');
}

function load(dirs: string[]): RuleSet {
  try {
    return loadRules(dirs);
  } catch (err) {
    if (err instanceof RuleLoadError) throw new UsageError(`invalid rule ${err.message}`);
    throw err;
  }
}

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules (built-in and --rules folders)')
    .addOption(new Option('--checklist <item>', 'only rules of this checklist item').choices([...CHECKLIST_IDS]))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--rules <dir>', 'extra rule folder (repeatable)', collect, [])
    .action((opts: { checklist?: string; format: string; rules: string[] }) => {
      const set = load(opts.rules);
      const rules = set.rules.filter((r) => !opts.checklist || r.checklist === opts.checklist);
      // A check whose item depends on the case belongs to no one item: listed only unfiltered.
      const checks = ENGINE_CHECKS.filter((c) => (opts.checklist ? c.checklist === opts.checklist : true));
      if (opts.format === 'json') {
        const rows = [
          ...rules.map((r) => ({ id: r.id, checklist: r.checklist, severity: r.severity, verdict: r.verdict ?? 'fail', targets: r.targets, title: r.title, builtin: r.builtin, aliases: r.aliases ?? [], engine: false })),
          ...checks.map((c) => ({ id: c.id, ...(c.checklist ? { checklist: c.checklist } : { checklistNote: engineCheckItem(c) }), severity: c.severity, verdict: c.verdict ?? 'fail', targets: [], title: c.title, builtin: true, aliases: [], engine: true })),
        ];
        writeStdout(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const w = Math.max(...rules.map((r) => r.id.length), ...checks.map((c) => c.id.length), 4);
      for (const r of rules) writeStdout(`${r.id.padEnd(w)}  ${r.checklist.padEnd(18)} ${r.severity.padEnd(8)} ${r.title}\n`);
      if (checks.length) {
        writeStdout(`\nChecks sandcheck makes itself (no rule file; \`explain\` describes them):\n`);
        for (const c of checks) writeStdout(`${c.id.padEnd(w)}  ${(c.checklist ?? '(varies)').padEnd(18)} ${c.severity.padEnd(8)} ${c.title}${c.checklist ? '' : ` (item: ${engineCheckItem(c)})`}\n`);
      }
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      writeStdout(`${plural(rules.length, 'rule')}${checks.length ? ` and ${plural(checks.length, 'engine check')}` : ''}\n`);
    });

  program
    .command('explain')
    .description("print a rule's title, rationale, remediation and examples")
    .argument('<rule-id>', 'rule id (or an old alias)')
    .option('--rules <dir>', 'extra rule folder (repeatable)', collect, [])
    .action(async (id: string, opts: { rules: string[] }) => {
      const set = load(opts.rules);
      const rule = set.byId.get(id) ?? set.byId.get(set.aliases.get(id) ?? '');
      const check = engineCheck(id);
      if (!rule && check) {
        writeStdout(engineCheckDoc(check));
        return;
      }
      if (!rule) throw new UsageError(unknownRuleText(id, set, ENGINE_CHECK_IDS));
      const doc = join(packageRoot(), 'docs', 'rules', `${rule.id}.md`);
      const text = rule.builtin && existsSync(doc) ? readFileSync(doc, 'utf8') : await renderRuleDoc(rule);
      // The "generated, do not edit" marker is for the repository, not for a reader of explain.
      writeStdout(text.replace(/^<!--.*-->\n/, ''));
    });

  program
    .command('docs')
    .description('generate docs/rules/*.md from the rule files and their fixtures')
    .option('--out <dir>', 'output folder', 'docs')
    .action(async (opts: { out: string }) => {
      const set = load([]);
      const files = await renderAllDocs(set.rules);
      const dir = join(opts.out, 'rules');
      try {
        if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.md')) rmSync(join(dir, f));
        makeDirs(dir);
        for (const [name, text] of files) writeFileSync(join(dir, name), text);
      } catch (err) {
        // A folder that cannot be written is bad usage (exit 2, one line), not an internal error with a stack.
        throw new UsageError(`cannot write the rule pages to ${dir}: ${errnoReason(err)}`);
      }
      writeStderr(`wrote ${files.size} files to ${dir}\n`);
    });
}

/** Build step (scripts/build.mjs): writes dist/builtin-rules.cjs. Hidden: not for users. */
export function registerPrecompile(program: Command): void {
  program
    .command('precompile-rules', { hidden: true })
    .argument('<out>', 'output file')
    .action(async (out: string) => {
      const { listRuleFiles, builtinRulesDir } = await import('../engine/load-rules.js');
      const { precompileRules, rulesHash, rulesStamp } = await import('../engine/precompiled.js');
      const set = loadRules([], { precompiled: false });
      const files = listRuleFiles(builtinRulesDir());
      writeFileSync(out, precompileRules(set.rules, rulesHash(packageRoot(), files), rulesStamp(packageRoot(), files)));
    });
}
