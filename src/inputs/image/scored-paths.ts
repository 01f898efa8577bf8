import { basename } from './tar-path.js';

/**
 * The small set of files whose content is read from a layer. Everything else is metadata only.
 * `strong` kinds are credentials by their name alone (reported even when no detector matches the
 * content); the others are reported only when the secret detector finds something in them.
 */
export interface ScoredKind {
  kind: string;
  strong: boolean;
}

const BY_NAME: Record<string, ScoredKind> = {
  '.env': { kind: 'dotenv', strong: false },
  '.npmrc': { kind: 'npmrc', strong: false },
  '.pypirc': { kind: 'pypirc', strong: false },
  '.netrc': { kind: 'netrc', strong: false },
  '.pgpass': { kind: 'pgpass', strong: true },
  '.git-credentials': { kind: 'git-credentials', strong: true },
  '.vault-token': { kind: 'vault-token', strong: true },
  id_rsa: { kind: 'private-key', strong: true },
  id_dsa: { kind: 'private-key', strong: true },
  id_ecdsa: { kind: 'private-key', strong: true },
  id_ed25519: { kind: 'private-key', strong: true },
  '.bash_history': { kind: 'shell-history', strong: false },
  '.zsh_history': { kind: 'shell-history', strong: false },
  '.sh_history': { kind: 'shell-history', strong: false },
  '.ash_history': { kind: 'shell-history', strong: false },
  '.python_history': { kind: 'shell-history', strong: false },
  'credentials.json': { kind: 'cloud-credentials', strong: false },
  'application_default_credentials.json': { kind: 'cloud-credentials', strong: true },
};

/** Suffixes of the path (so `.aws/credentials` matches `/root/.aws/credentials`). */
const BY_SUFFIX: [string, ScoredKind][] = [
  ['.aws/credentials', { kind: 'cloud-credentials', strong: true }],
  ['.docker/config.json', { kind: 'docker-config', strong: false }],
  ['.kube/config', { kind: 'kubeconfig', strong: false }],
  ['.config/gcloud/credentials.db', { kind: 'cloud-credentials', strong: true }],
  ['.azure/accessTokens.json', { kind: 'cloud-credentials', strong: true }],
  ['.ssh/id_rsa', { kind: 'private-key', strong: true }],
];

const BY_EXTENSION: [string, ScoredKind][] = [
  ['.pem', { kind: 'pem', strong: false }],
  ['.key', { kind: 'pem', strong: false }],
  ['.env', { kind: 'dotenv', strong: false }],
];

export const PASSWD = 'etc/passwd';
export const GROUP = 'etc/group';

/** The scored kind of a normalised path, or null when its content is not read. */
export function scoredKind(path: string): ScoredKind | null {
  if (path === PASSWD) return { kind: 'passwd', strong: false };
  if (path === GROUP) return { kind: 'group', strong: false };
  const name = basename(path);
  const byName = BY_NAME[name];
  if (byName) return byName;
  if (name.startsWith('.env.')) {
    // `.env.example` / `.env.sample` / `.env.template` are still read: real keys end up there too.
    return { kind: 'dotenv', strong: false };
  }
  for (const [suffix, kind] of BY_SUFFIX) if (path === suffix || path.endsWith('/' + suffix)) return kind;
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const ext = name.slice(dot);
    for (const [e, kind] of BY_EXTENSION) if (ext === e) return kind;
  }
  return null;
}
