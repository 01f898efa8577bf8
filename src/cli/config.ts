import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { CONFIG_SCHEMA } from '../config/schema.js';
import { UsageError } from './exit.js';

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
      process.stdout.write(renderConfigSchema());
    });
  config
    .command('validate')
    .description('check a sandcheck.yaml (default ./sandcheck.yaml); exit 2 with file:line and the reason when it is invalid')
    .argument('[file]', 'the config file', 'sandcheck.yaml')
    .action((file: string) => {
      try {
        const c = loadConfig(file);
        process.stdout.write(`${c.file}: valid (${c.waivers.length} waiver${c.waivers.length === 1 ? '' : 's'}, ${c.attestations.length} attestation${c.attestations.length === 1 ? '' : 's'})\n`);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`invalid config ${err.message}`);
        throw err;
      }
    });
}
