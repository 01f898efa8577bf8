/** `cap_net_raw`, `CAP_NET_RAW`, `net_raw` → `NET_RAW`; `all` → `ALL`. */
export function normalizeCapability(name: unknown): string {
  return String(name).trim().toUpperCase().replace(/^CAP_/, '');
}

export function normalizeCapabilities(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter((c) => c !== null && c !== undefined && String(c).trim() !== '').map(normalizeCapability);
}

/** Docker's default capability set (moby/oci/caps/defaults.go): what a container has unless dropped. */
export const DOCKER_DEFAULT_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID',
  'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];
