import type { Report } from '../model/finding.js';
import { whyNotAudited } from './aggregate.js';

/**
 * Why a run with no input error still exits 2, in the words every output uses (stderr, the JUnit
 * inputs suite, the Markdown errors): a report with exit 2 and nothing saying why reads as a tool fault.
 */
const MESSAGES = {
  'nothing-recognisable': 'nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found)',
  'nothing-to-audit': 'nothing to audit: the inputs were read, but no rule applies to anything in them (every checklist item is not assessed)',
} as const;

/**
 * A walk that met no file at all (an empty folder, a mistyped folder of the checkout, one holding only
 * the folders a walk skips) is not "no supported input found": there was nothing to look at.
 */
export const NO_FILE_FOUND = 'nothing to audit: no file found in the paths given (an empty folder, or only node_modules, .git, .hg or .svn)';

/** Null when the run was audited, or when an input or rule error already says why it was not. */
export function notAuditedMessage(report: Pick<Report, 'summary' | 'errors' | 'inputs'>): string | null {
  const why = whyNotAudited(report);
  if (why === 'nothing-recognisable' && report.inputs.length === 0) return NO_FILE_FOUND;
  return why === 'nothing-recognisable' || why === 'nothing-to-audit' ? MESSAGES[why] + unrenderedHint(report.inputs) : null;
}

/**
 * Sources sandcheck lists but judges only once rendered (a Helm chart's templates, kustomize patches):
 * when they are all a run found, the line says how to audit them, not only that nothing was audited.
 */
function unrenderedHint(inputs: Report['inputs']): string {
  const helm = inputs.some((i) => i.format === 'helm-template');
  const kustomize = inputs.some((i) => i.format === 'kustomize-patch');
  if (!helm && !kustomize) return '';
  const what = [helm && 'Helm chart templates', kustomize && 'kustomize patches'].filter(Boolean).join(' and ');
  const how = [helm && 'helm template … | sandcheck scan -', kustomize && 'kustomize build … | sandcheck scan -'].filter(Boolean).join(', ');
  return `; ${what} are judged once rendered: ${how}`;
}
