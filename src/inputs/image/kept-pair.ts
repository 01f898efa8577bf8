/** Longer label values are not kept: a label can be megabytes (a licence, an SBOM), and no rule reads one that long. */
export const LABEL_VALUE_LIMIT = 1024;

/**
 * A label or annotation as a target keeps it (image config labels, manifest annotations, live
 * container labels): a value the detectors found a secret in is kept as the first hit's fingerprint
 * (`[redacted sk-a:3f9c0e12ab77]`), and so is a name that is itself a key (a hit without a name); an
 * overlong value is not kept. Messages and rules reading the labels then never see a secret.
 */
export function keptPair(name: string, value: string, hits: readonly { name?: string; fingerprint: string }[]): [string, string] {
  const asName = hits.find((h) => h.name === undefined);
  // A name that is a key leaves every hit of the pair without a name (classifyPair): then any other hit is in the value.
  const inValue = asName ? hits.find((h) => h !== asName) : hits[0];
  const keptName = asName ? `[redacted ${asName.fingerprint}]` : name;
  if (inValue) return [keptName, `[redacted ${inValue.fingerprint}]`];
  return [keptName, value.length > LABEL_VALUE_LIMIT ? `[not kept: longer than ${LABEL_VALUE_LIMIT} characters]` : value];
}
