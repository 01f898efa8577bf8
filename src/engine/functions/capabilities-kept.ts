import type { ContainerData } from '../../model/workload.js';
import type { RuleFunction } from '../types.js';

/**
 * Capabilities a container keeps. A privileged container has every capability: Docker and the CRI
 * runtimes ignore the drop list when `privileged` is set, so `drop: [ALL]` does not make it pass and
 * "keeps the runtime's default set" would understate it. Otherwise the runtime's default set stays
 * unless the drop list has ALL.
 */
export const capabilitiesKept: RuleFunction<Record<string, never>> = {
  name: 'capabilitiesKept',
  description: "Containers that keep capabilities: all of them when privileged (the drop list is ignored), the runtime's default set when nothing drops ALL.",
  options: { type: 'object', additionalProperties: false, properties: {} },
  run(node) {
    const c = node as Partial<ContainerData>;
    if (c.privileged === true) {
      return [{ pointer: '/privileged', message: 'Has every capability: {{key.privileged}} grants them all, whatever {{key.capDrop}} says' }];
    }
    return c.capabilities?.dropsAll === true ? [] : [{ pointer: '/capabilities/dropsAll' }];
  },
};
