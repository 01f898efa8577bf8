import type { Command } from 'commander';
import { registerScan } from './scan.js';
import { registerPrecompile, registerRules } from './rules.js';
import { registerConfig } from './config.js';
import { registerInit } from './init.js';
import { registerImage } from './image.js';
import { registerDocker } from './docker.js';
import { registerEgress } from './egress.js';

type Register = (program: Command) => void;

/** Every sub-command registers itself here; heavy ones import their dependencies lazily inside the action. */
export const COMMANDS: Register[] = [registerScan, registerRules, registerPrecompile, registerConfig, registerInit, registerImage, registerDocker, registerEgress];

/** Which register function defines each command name (registerRules defines three). */
const BY_NAME: Record<string, Register> = {
  scan: registerScan,
  rules: registerRules,
  explain: registerRules,
  docs: registerRules,
  'precompile-rules': registerPrecompile,
  config: registerConfig,
  init: registerInit,
  image: registerImage,
  docker: registerDocker,
  egress: registerEgress,
};

/**
 * The commands to define for these arguments: only the one being run when the first argument names
 * it (commander builds every option of every command it is given, a few milliseconds of each start),
 * else all of them (help, --version, an unknown or misspelt command with its suggestions).
 */
export function commandsFor(argv: readonly string[]): Register[] {
  const name = argv[2];
  const only = name !== undefined && Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
  return only ? [only] : COMMANDS;
}
