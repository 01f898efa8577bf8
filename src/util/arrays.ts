/**
 * Appends every item to `into`. `into.push(...items)` passes each item as an argument, and V8 throws
 * "Maximum call stack size exceeded" past about 120,000 of them: a manifest of 65,000 pods (130,000
 * targets) was "cannot be read".
 */
export function pushAll<T>(into: T[], items: Iterable<T>): void {
  for (const item of items) into.push(item);
}
