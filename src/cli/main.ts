import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands.js';
import { VERSION } from '../util/version.js';
import { UsageError, exitWith } from './exit.js';
import { writeStdout } from '../util/stdout.js';
import { writeStderr } from '../util/stderr.js';

const program = new Command();
program
  .name('sandcheck')
  .description('Audit a self-hosted agent sandbox against the shared-responsibility checklist.')
  .version(VERSION, '-V, --version')
  .showHelpAfterError()
  .exitOverride()
  .configureOutput({ writeErr: writeStderr, writeOut: writeStdout });

for (const register of commandsFor(process.argv)) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // --help and --version end with exit code 0; every usage error is 2.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof UsageError) {
    writeStderr(`sandcheck: ${err.message}\n`);
    exitWith(2);
  } else {
    writeStderr(`sandcheck: internal error: ${(err as Error)?.stack ?? err}\n`);
    exitWith(2);
  }
});
