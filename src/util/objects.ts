/** A parsed YAML or JSON mapping. */
export type Obj = Record<string, unknown>;

/** A mapping: an object that is neither null nor an array. */
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `v` when it is a mapping, else an empty one (for reading optional nested fields). */
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
