/** A reproducible alphanumeric string of n characters (a linear congruential generator): token bodies for tests. */
export function seededToken(n: number, seed: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += a[x % a.length];
  }
  return s;
}
