/** `expires: YYYY-MM-DD` is valid through that whole day (UTC); no date never expires. */
export function isExpired(expires: string | undefined, now: Date): boolean {
  return expires !== undefined && new Date(`${expires}T23:59:59.999Z`).getTime() < now.getTime();
}
