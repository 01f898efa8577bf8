import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import type { Command } from 'commander';
import { errnoReason } from '../util/errno-reason.js';
import { UsageError } from './exit.js';
import { writeStdout } from '../util/stdout.js';

/**
 * A starter sandcheck.yaml: valid as written (empty lists), with commented examples of every section
 * a team fills in over an audit. The modeline lets YAML editors complete it from the shipped schema.
 */
export const STARTER_CONFIG = `# sandcheck configuration. Reference: docs/ci-and-workflow.md; schema: \`sandcheck config schema\`.
# yaml-language-server: $schema=./node_modules/sandcheck/dist/sandcheck.schema.json
version: 1

# Accepted findings. Every waiver needs a reason; give it an owner and an expiry date so that it is
# reviewed. \`target\` is a glob (\`*\` = any characters) over the target id, its name or the file.
# Once \`expires\` has passed, the waiver stops suppressing and the report says it expired.
waivers: []
#  - rule: container-run-as-root
#    target: "legacy/Deployment/importer*"
#    reason: Vendor image runs as root; replacement tracked in OPS-123
#    owner: platform-team@example.com
#    expires: 2026-12-31

# Evidence for checklist items that no file can prove (session-data retention, key rotation
# procedures, per-tool isolation reviews). The item shows \`manual\` with the attestation, and
# \`fail\` once it has expired.
attestations: []
#  - item: session-data
#    by: security@example.com
#    date: 2026-01-15
#    evidence: https://wiki.example.com/sandbox/retention-review
#    expires: 2026-07-15

# Trust boundaries: one environment and one key each (default: one per namespace / compose project).
trustBoundaries: []
#  - name: tenant-a
#    namespaces: [tenant-a-sandbox]

# Service keys older than this many days are reported where rotation metadata shows their age.
keys:
  maxAgeDays: 90

# Egress (docs/egress.md): who the sandbox is and the endpoints its tools need. Without \`allow\`,
# every reachable public destination is a finding. Without \`contexts\`, every context found is
# judged, and a rule that matches on something sandcheck cannot see for you (\`-m owner\`, an ipset
# without its dump) can only make a finding "possible"; a context with the sandbox's uid decides it.
# egress:
#   contexts:
#     - kind: host-process
#       uid: 10001
#   allow:
#     - {cidr: 160.79.104.0/23, host: api.anthropic.com, proto: tcp, ports: [443]}
#   internal:
#     - {cidr: 10.20.0.15/32, proto: tcp, ports: [5432], name: job-queue}
#   dns:
#     resolvers: [10.96.0.10]
#   ipv6: auto
`;

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented starter sandcheck.yaml (never overwrites an existing file)')
    .argument('[file]', 'where to write it', 'sandcheck.yaml')
    .action((file: string) => {
      try {
        writeFileSync(file, STARTER_CONFIG, { flag: 'wx' });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new UsageError(`${file} already exists; not overwriting it (edit it, or remove it first)`);
        throw new UsageError(`cannot write ${file}: ${errnoReason(err)}`);
      }
      // Only ./sandcheck.yaml is read without --config: a starter written elsewhere says how to use it.
      const used = resolve(file) === resolve(DEFAULT_CONFIG_FILE) ? '' : `; scans use it with --config ${file} (without it, only ./${DEFAULT_CONFIG_FILE} is read)`;
      writeStdout(`wrote ${file}; check it with: sandcheck config validate ${file}${used}\n`);
    });
}
