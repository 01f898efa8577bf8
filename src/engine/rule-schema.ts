import { CHECKLIST_IDS } from '../model/checklist.js';
import { SEVERITIES } from '../model/severity.js';

export const TARGET_KINDS = ['workload', 'container', 'namespace', 'serviceaccount', 'build', 'envfile', 'image', 'egress', 'secret', 'configmap', 'textfile', 'inventory'] as const;

/** JSON Schema of a rule file. Strict: unknown keys are errors (Polaris's `FailureMessage` typo would load). */
export const RULE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'checklist', 'severity', 'target', 'message', 'rationale', 'remediation'],
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 63 },
    title: { type: 'string', minLength: 1 },
    checklist: { enum: [...CHECKLIST_IDS] },
    severity: { enum: [...SEVERITIES] },
    verdict: { enum: ['fail', 'warn'] },
    status: { enum: ['stable', 'experimental', 'deprecated'] },
    passIsEvidence: { type: 'boolean' },
    target: {
      anyOf: [
        { enum: [...TARGET_KINDS] },
        { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...TARGET_KINDS] } },
      ],
    },
    when: { type: 'object' },
    given: {
      anyOf: [
        { type: 'string', pattern: '^(/.*)?$' },
        { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(/.*)?$' } },
      ],
    },
    assert: { type: 'object' },
    then: {
      type: 'object',
      additionalProperties: false,
      required: ['function'],
      properties: { function: { type: 'string' }, options: { type: 'object' } },
    },
    message: { type: 'string', minLength: 1 },
    rationale: { type: 'string', minLength: 1 },
    remediation: { type: 'string', minLength: 1 },
    references: { type: 'array', items: { type: 'string' } },
    aliases: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' } },
  },
  oneOf: [{ required: ['assert'] }, { required: ['then'] }],
} as const;
