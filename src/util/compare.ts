/**
 * Code-point order: the same on every machine and locale (reports and baselines are diffed in CI), and
 * free, where the first String#localeCompare call costs ~10 ms initialising ICU (bench/startup).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
