import type { InputHandler } from './types.js';
import { composeHandler } from './compose/handler.js';
import { dockerfileHandler } from './dockerfile/handler.js';
import { kubernetesHandler } from './kubernetes/handler.js';
import { iptablesHandler } from './iptables/handler.js';
import { nftablesHandler } from './nftables/handler.js';

/**
 * Every input format, in detection order: the first handler whose detect() accepts a file parses it.
 * Specific formats come before generic ones (a compose file is YAML but not Kubernetes).
 */
export const HANDLERS: InputHandler[] = [
  iptablesHandler,
  nftablesHandler,
  composeHandler,
  kubernetesHandler,
  dockerfileHandler,
];
