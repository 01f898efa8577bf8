import type { Command } from 'commander';
import { collectPaths } from '../inputs/collect.js';
import { EXCLUDE_OPTION, addCommonOptions, finish, prepare, walkExclusions, type CommonOptions, type WalkOptions } from './scan.js';
import { writeStdout } from '../util/stdout.js';
import { writeStderr } from '../util/stderr.js';
import { shownPath } from '../util/shown-path.js';

interface EgressOptions extends CommonOptions, WalkOptions {
  explain?: boolean;
}

/** `sandcheck egress [PATH...]`: only the egress-control rules; `--explain` prints the reachable set per context. */
export function registerEgress(program: Command): void {
  addCommonOptions(
    program
      .command('egress')
      .description('judge firewall rules (iptables-save, ip6tables-save, nft) against the egress allowlist of sandcheck.yaml')
      .argument('[paths...]', 'files or folders (default: the current folder); - for stdin')
      .option('--explain', 'print, per host, context and address family, what new connections can reach and which rule allows each')
      .option(...EXCLUDE_OPTION),
  ).action(async (paths: string[], opts: EgressOptions) => {
    const prepared = prepare(opts);
    const rules = prepared.rules.rules.filter((r) => r.checklist === 'egress-control');
    const ruleSet = { ...prepared.rules, rules, byId: new Map(rules.map((r) => [r.id, r])) };
    const collected = await collectPaths(paths, { exclude: walkExclusions(opts, prepared.config) });
    if (opts.explain) {
      const [{ egressRun }, { renderExplain }] = await Promise.all([import('../engine/functions/egress-verdict.js'), import('../analyzers/egress/explain.js')]);
      // The same analysis the egress rules report from (computed once per scan: finish() below reuses it).
      const run = egressRun(collected.targets, prepared.config);
      const hosts = [
        ...[...run.hosts].map(([host, v]) => ({ host: `Host ${shownPath(host)}`, analysis: v.analysis })),
        ...run.pods.map(({ pod, analysis, nodes }) => ({ host: nodes.length ? `Kubernetes pod ${pod.name} behind its node (${nodes[0]!.files.join(', ')})` : `Kubernetes NetworkPolicy, pod ${pod.name}`, analysis })),
        // Cloud scopes in front of a host or pod are shown on that context's path, not again alone.
        ...run.cloud.map(({ label, analysis }) => ({ host: label, analysis })),
        ...run.interfaces.map(({ label, analysis }) => ({ host: label.startsWith('GCP') ? label : `AWS ${label}`, analysis })),
        ...run.compose.map(({ label, analysis }) => ({ host: label, analysis })),
      ];
      const { egressAssumptions } = await import('../analyzers/egress/assumptions.js');
      const assumptions = egressAssumptions(prepared.config.egress);
      // The explanation never mixes into a machine-readable report on stdout.
      const reportOnStdout = prepared.outputs.some((o) => o.file === null && o.format !== 'text');
      (reportOnStdout ? writeStderr : writeStdout)(renderExplain(hosts, assumptions) + '\n');
    }
    finish(collected, opts, { ...prepared, rules: ruleSet });
  });
}

