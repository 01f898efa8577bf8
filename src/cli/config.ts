import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config/load.js';
import { RuleLoadError, loadRules } from '../engine/load-rules.js';
import { CONFIG_SCHEMA } from '../config/schema.js';
import { UsageError } from './exit.js';
import { collect } from './options.js';
import { writeStdout } from '../util/stdout.js';

/** The JSON Schema of sandcheck.yaml as published (the build also writes it to dist/sandcheck.schema.json, which ships in the package). */
export function renderConfigSchema(): string {
  return JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n';
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('sandcheck.yaml: print its JSON Schema, or check a file');
  config
    .command('schema')
    .description('print the JSON Schema of sandcheck.yaml (for editors and CI validation)')
    .action(() => {
      writeStdout(renderConfigSchema());
    });
  config
    .command('validate')
    .description('check a sandcheck.yaml (default ./sandcheck.yaml); exit 2 with file:line and the reason when it is invalid')
    .argument('[file]', 'the config file (default: sandcheck.yaml)')
    .option('--rules <dir>', 'extra rule folder whose ids waivers may name (repeatable)', collect, [])
    .action((named: string | undefined, opts: { rules: string[] }) => {
      const file = named ?? DEFAULT_CONFIG_FILE;
      // Nothing named and nothing to find: say where it looked and what to do, not "invalid config".
      if (!named && !existsSync(file)) throw new UsageError(`no ${DEFAULT_CONFIG_FILE} in the current folder: name one (sandcheck config validate FILE), or write a starter with sandcheck init`);
      try {
        // Rules first: an unknown rule id in a waiver is listed with every other problem of the file.
        const c = loadConfig(file, undefined, loadRules(opts.rules));
        writeStdout(`${c.file}: valid (${c.waivers.length} waiver${c.waivers.length === 1 ? '' : 's'}, ${c.attestations.length} attestation${c.attestations.length === 1 ? '' : 's'})\n`);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`invalid config ${err.message}`);
        if (err instanceof RuleLoadError) throw new UsageError(`invalid rule ${err.message}`);
        throw err;
      }
    });
}
