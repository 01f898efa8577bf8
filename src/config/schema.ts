import { CHECKLIST_IDS } from '../model/checklist.js';
import { EGRESS_SCHEMA } from './egress-schema.js';

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: 'A calendar date, YYYY-MM-DD.' };

/**
 * JSON Schema of sandcheck.yaml (published: `sandcheck config schema`). Each capability owns its
 * section; unknown top-level keys are errors so a typo never silently disables a setting.
 */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://sandcheck.dev/schema/sandcheck.schema.json',
  title: 'sandcheck configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'Configuration format version.' },
    waivers: {
      type: 'array',
      description: 'Accepted findings: they are reported as suppressed until they expire.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'target', 'reason', 'owner', 'expires'],
        properties: {
          rule: { type: 'string', description: 'Rule id (or an old alias); must name a rule that exists.' },
          target: { type: 'string', description: 'Glob over target ids and names; `*` matches any run of characters.' },
          reason: { type: 'string', minLength: 1, description: 'Why the finding is accepted.' },
          owner: { type: 'string', description: 'Who owns the waiver.' },
          expires: { ...date, description: 'After this date the waiver stops suppressing and the report says so.' },
        },
      },
    },
    attestations: {
      type: 'array',
      description: 'Evidence for checklist items no file can prove (e.g. session-data retention).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['item', 'by', 'date', 'evidence'],
        properties: {
          item: { enum: [...CHECKLIST_IDS], description: 'Checklist item id.' },
          by: { type: 'string', description: 'Who attests.' },
          date: { ...date, description: 'When it was attested.' },
          evidence: { type: 'string', description: 'Link or reference to the evidence.' },
          expires: { ...date, description: 'After this date the item fails until attested again.' },
          note: { type: 'string', description: 'Free text.' },
        },
      },
    },
    trustBoundaries: {
      type: 'array',
      description: 'Trust boundaries: one environment and one key each. Defaults: namespaces and compose projects.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', description: 'Boundary name.' },
          namespaces: { type: 'array', items: { type: 'string' }, description: 'Kubernetes namespaces in this boundary.' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Workload labels that put a workload in this boundary.' },
          paths: { type: 'array', items: { type: 'string' }, description: 'Path globs of input files in this boundary.' },
        },
      },
    },
    exclude: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Files and folders a scan of folders leaves out: a glob without / matches a name at any depth, one with / a path from the folder of this file.',
    },
    keys: {
      type: 'object',
      additionalProperties: false,
      description: 'Service key policy.',
      properties: { maxAgeDays: { type: 'integer', minimum: 1, description: 'Warn when a key is older than this (default 90).' } },
    },
    secrets: {
      type: 'object',
      additionalProperties: false,
      description: 'Secret detection settings.',
      properties: {
        ignore: {
          type: 'array',
          description: 'Accepted secrets, by fingerprint (so a swapped secret is not hidden): each accepts the value as a literal (its key-storage findings), not one key shared by several trust boundaries (waive secret-key-shared-across-boundaries for that).',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['fingerprint', 'reason'],
            properties: {
              fingerprint: { type: 'string', pattern: '^[^\\s:]{4}:[0-9a-f]{12}$', description: 'The fingerprint shown in the finding: four public characters or ****, a colon, 12 hex digits (sk-a:3f9c0e12ab77).' },
              reason: { type: 'string', minLength: 1, description: 'Why it is accepted.' },
              expires: { ...date, description: 'After this date it is reported again.' },
            },
          },
        },
      },
    },
    egress: EGRESS_SCHEMA,
  },
} as const;
