/** /etc/passwd and /etc/group of the image's final filesystem, and USER resolution against them. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const uid = toId(f[2]);
    const gid = toId(f[3]);
    if (uid === null || gid === null) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5] ?? '', shell: (f[6] ?? '').trim() });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    const gid = toId(f[2]);
    if (f.length < 3 || gid === null) continue;
    out.push({ name: f[0]!, gid });
  }
  return out;
}

function toId(s: string | undefined): number | null {
  if (s === undefined || !/^\d{1,10}$/.test(s.trim())) return null;
  return Number(s.trim());
}

export interface ResolvedUser {
  /** config.User as written ('' when unset). */
  configured: string;
  uid: number | null;
  gid: number | null;
  name: string | null;
  root: boolean;
  /**
   * Runs with primary group 0 because a numeric uid has no passwd entry (and no group was given);
   * null when an /etc/passwd is there but could not be read (`unreadable`), so the group is not known.
   */
  gidRoot: boolean | null;
  /** The name cannot be resolved: Docker refuses to start the container. */
  unresolvable: boolean;
  reason: string;
}

/**
 * What Docker does with config.User (observed with `docker run … id`): empty means root; `name` and
 * `uid` look up /etc/passwd (a name whose uid is 0 is root); a uid without an entry runs with gid 0;
 * a name without an entry fails to start; `user:group` takes the group from /etc/group when named.
 * Without passwd entries, `missing` says why: `absent` (the image has no /etc/passwd: a uid then runs
 * with gid 0, as Docker does), or `unreadable` with what stands there (`/etc/passwd is a symlink to
 * /etc/real-passwd`): then a name is not resolved (it may be root) and the primary group of a uid is not
 * known, never a pass on that basis. Unset: not known why (a live container's file could not be read).
 */
export type PasswdMissing = 'absent' | { unreadable: string };

export function resolveUser(configured: string | null | undefined, passwd: PasswdEntry[] | null, group: GroupEntry[] | null, missing?: PasswdMissing): ResolvedUser {
  const unreadable = typeof missing === 'object' ? missing.unreadable : undefined;
  const absent = passwd === null && missing === 'absent';
  const text = (configured ?? '').trim();
  if (text === '') {
    return { configured: '', uid: 0, gid: 0, name: 'root', root: true, gidRoot: true, unresolvable: false, reason: 'no USER in the image config: runs as root' };
  }
  const [userPart, groupPart] = splitOnce(text, ':');
  let uid: number | null = null;
  let gid: number | null = null;
  let name: string | null = null;
  let unresolvable = false;
  let reason: string;
  const numeric = /^\d+$/.test(userPart);
  if (numeric) {
    uid = Number(userPart);
    const entry = passwd?.find((p) => p.uid === uid);
    name = entry?.name ?? null;
    gid = entry ? entry.gid : passwd || absent ? 0 : null;
    reason = entry
      ? `USER ${text}: uid ${uid} (${entry.name} in /etc/passwd)`
      : `USER ${text}: uid ${uid}${passwd ? ', not in /etc/passwd' : unreadable ? `; ${unreadable}` : ', image has no /etc/passwd'}`;
  } else {
    const entry = passwd?.find((p) => p.name === userPart);
    if (entry) {
      uid = entry.uid;
      gid = entry.gid;
      name = entry.name;
      reason = uid === 0 ? `USER ${text}: /etc/passwd maps ${userPart} to uid 0` : `USER ${text}: uid ${uid} in /etc/passwd`;
    } else if (userPart === 'root') {
      uid = 0;
      gid = 0;
      name = 'root';
      reason = `USER ${text}: root`;
    } else {
      unresolvable = passwd !== null;
      name = userPart;
      reason = passwd
        ? `USER ${text}: ${userPart} is not in /etc/passwd (the container cannot start)`
        : unreadable
          ? `USER ${text}: ${unreadable}, so ${userPart} could not be resolved to a uid`
          : `USER ${text}: the image has no /etc/passwd to resolve ${userPart}`;
    }
  }
  let gidRoot: boolean | null = false;
  if (groupPart !== null) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else gid = group?.find((g) => g.name === groupPart)?.gid ?? (groupPart === 'root' ? 0 : null);
  } else if (numeric && uid !== 0 && (passwd ? !passwd.some((p) => p.uid === uid) : absent)) {
    gidRoot = true;
    reason += '; its primary group is 0 (root)';
  } else if (numeric && uid !== 0 && !passwd && unreadable) {
    gidRoot = null;
    reason += `, so whether uid ${uid} has an entry is not known: its primary group is 0 (root) unless it has one`;
  }
  return { configured: text, uid, gid, name, root: uid === 0, gidRoot, unresolvable, reason };
}

function splitOnce(s: string, sep: string): [string, string | null] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
}
