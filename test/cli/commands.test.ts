import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { COMMANDS, commandsFor } from '../../src/cli/commands.js';

const names = (argv: string[]) => {
  const program = new Command();
  for (const register of commandsFor(['node', 'sandcheck', ...argv])) register(program);
  return program.commands.map((c) => c.name());
};

describe('commands defined for a run', () => {
  const all = (() => {
    const program = new Command();
    for (const register of COMMANDS) register(program);
    return program.commands.map((c) => c.name());
  })();

  it('only the command being run, when the first argument names one', () => {
    expect(names(['scan', 'x.yaml'])).toEqual(['scan']);
    expect(names(['explain', 'container-privileged'])).toEqual(['rules', 'explain', 'docs']);
    expect(names(['egress', '--explain'])).toEqual(['egress']);
  });

  it('every command has its own entry (a command left out of the table would define them all)', () => {
    for (const name of all) expect(names([name]), name).toContain(name);
    for (const name of all) expect(names([name]).length, name).toBeLessThan(all.length);
  });

  it('every command for help, --version, options first, or an unknown name (so it can suggest one)', () => {
    expect(all).toEqual(['scan', 'rules', 'explain', 'docs', 'precompile-rules', 'config', 'init', 'image', 'docker', 'egress']);
    for (const argv of [[], ['--help'], ['help', 'scan'], ['-V'], ['scna'], ['constructor'], ['toString']]) expect(names(argv), argv.join(' ')).toEqual(all);
  });
});
