import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';
import { VERSION } from '../util/version.js';

interface PackageLinks {
  repository?: string | { url?: string };
  homepage?: string;
}

let repoUrl: string | undefined;

/** `https://github.com/<owner>/<repo>` from package.json `repository` (the one place to change it). */
export function repositoryUrl(): string {
  if (repoUrl) return repoUrl;
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageLinks;
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw) throw new Error('package.json has no repository url');
  repoUrl = raw.replace(/^git\+/, '').replace(/\.git$/, '');
  return repoUrl;
}

/** A file of the repository's docs/ at the tag of this version. */
export function docUrl(path: string): string {
  return `${repositoryUrl()}/blob/v${VERSION}/${path}`;
}

/** The rule's generated docs page (docs/rules/<id>.md) at the tag of this version. */
export function ruleDocUrl(ruleId: string): string {
  return docUrl(`docs/rules/${encodeURIComponent(ruleId)}.md`);
}
