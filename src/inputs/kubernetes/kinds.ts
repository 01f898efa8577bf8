import type { SourcePath } from '../source-locator.js';

/** Where the pod template sits in each workload kind. */
export const POD_TEMPLATE_PATHS: Record<string, { spec: SourcePath; meta: SourcePath }> = {
  Pod: { spec: ['spec'], meta: ['metadata'] },
  Deployment: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  ReplicationController: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  Job: { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] },
  CronJob: { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
  PodTemplate: { spec: ['template', 'spec'], meta: ['template', 'metadata'] },
};

/** Kinds that carry no evidence for any checklist item yet: listed as skipped with this reason. */
export function skipReason(kind: string): string {
  return `kind ${kind} carries no evidence sandcheck evaluates`;
}
