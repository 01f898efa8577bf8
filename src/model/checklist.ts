/** The shared-responsibility checklist (../shared/reference/shared-responsibility-model.md). Ids are a public contract. */
export const CHECKLIST = [
  { id: 'image-hardening', title: 'Sandbox image quality and runtime hardening' },
  { id: 'egress-control', title: 'Network egress limited to the endpoints the tools need' },
  { id: 'key-storage', title: 'Service key stored in a secrets manager and rotated' },
  { id: 'workload-isolation', title: 'One environment and one key per trust boundary' },
  { id: 'blast-radius', title: 'Least privilege for the process user and only the mounts the tools need' },
  { id: 'session-data', title: 'Retention of conversation content and tool output' },
  { id: 'supply-chain', title: 'The worker build can be verified' },
  { id: 'tool-isolation', title: 'Tool executions isolated from each other inside the sandbox' },
] as const;

export type ChecklistId = (typeof CHECKLIST)[number]['id'];
export const CHECKLIST_IDS: readonly ChecklistId[] = CHECKLIST.map((c) => c.id);

export function isChecklistId(value: string): value is ChecklistId {
  return (CHECKLIST_IDS as readonly string[]).includes(value);
}

/** Item verdicts. Order matters: see aggregate.ts for how they combine. */
export type ItemVerdict = 'pass' | 'fail' | 'warn' | 'manual' | 'not-assessed' | 'error';
