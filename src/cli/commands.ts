import type { Command } from 'commander';
import { registerScan } from './scan.js';
import { registerPrecompile, registerRules } from './rules.js';
import { registerConfig } from './config.js';
import { registerInit } from './init.js';
import { registerImage } from './image.js';
import { registerDocker } from './docker.js';
import { registerEgress } from './egress.js';

/** Every sub-command registers itself here; heavy ones import their dependencies lazily inside the action. */
export const COMMANDS: ((program: Command) => void)[] = [
  registerScan,
  registerRules,
  registerPrecompile,
  registerConfig,
  registerInit,
  registerImage,
  registerDocker,
  registerEgress,
];
