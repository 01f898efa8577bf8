import type { InputHandler } from './types.js';
import { composeHandler } from './compose/handler.js';
import { dockerfileHandler } from './dockerfile/handler.js';
import { envfileHandler } from './envfile/handler.js';
import './k8s-secrets/objects.js'; // ConfigMap/Secret/ExternalSecret/SecretProviderClass objects for the Kubernetes handler
import './networkpolicy/objects.js'; // NetworkPolicy/CiliumNetworkPolicy objects for the Kubernetes handler (egress)
import { textfileHandler } from './textfile/handler.js';
import { kubernetesHandler } from './kubernetes/handler.js';
import { helmTemplateHandler, kustomizePatchHandler } from './kubernetes/unrendered.js';
import { iptablesHandler, ipsetHandler } from './iptables/handler.js';
import { nftablesHandler } from './nftables/handler.js';
import { cloudHandler } from './cloud/handler.js';
import { terraformHandler } from './terraform/handler.js';
import { sysctlHandler } from './sysctl/handler.js';
import { dockerDaemonHandler } from './docker-daemon/handler.js';

/**
 * Every input format, in detection order: the first handler whose detect() accepts a file parses it.
 * Specific formats come before generic ones (a compose file is YAML but not Kubernetes).
 */
export const HANDLERS: InputHandler[] = [
  iptablesHandler,
  ipsetHandler,
  nftablesHandler,
  cloudHandler,
  terraformHandler,
  sysctlHandler,
  dockerDaemonHandler,
  helmTemplateHandler, kustomizePatchHandler, // sources of manifests, not manifests: before every YAML format
  composeHandler,
  kubernetesHandler,
  dockerfileHandler,
  envfileHandler,
  textfileHandler, // last: any other text file, provider-format secret rules only
];
