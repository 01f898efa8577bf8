/**
 * Data of `secret` targets (Kubernetes Secret, ExternalSecret, SecretProviderClass, SealedSecret) and
 * `configmap` targets. Values are kept for the secret detectors only: never print them.
 */
export interface SecretEntry {
  key: string;
  /** stringData as written, data base64-decoded (the raw base64 when it does not decode to text). */
  value: string | null;
  field: 'data' | 'stringData' | 'encryptedData';
}

export type SecretObjectKind = 'Secret' | 'ExternalSecret' | 'SecretProviderClass' | 'SealedSecret';

export interface SecretObjectData {
  objectKind: SecretObjectKind;
  name: string;
  namespace: string | null;
  /** Secret `type` (Opaque, kubernetes.io/tls, …); null for the other kinds. */
  type: string | null;
  entries: SecretEntry[];
  /** A SOPS-encrypted manifest (top-level `sops:` block): values are ciphertext. */
  sops: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** metadata.creationTimestamp (ISO), when the manifest carries it (exported from a cluster). */
  createdAt: string | null;
  /** A rotation date from an annotation (`…rotated-at`, `…last-rotated`, `…rotation-date`). */
  rotatedAt: string | null;
  /** ExternalSecret spec.refreshInterval as written (`1h`, `720h`, `0`). */
  refreshInterval: string | null;
  /** ExternalSecret `secretStoreRef` (`ClusterSecretStore/vault`) or SecretProviderClass `provider`. */
  store: string | null;
  /** Keys in the external store this object pulls (ExternalSecret remoteRef keys, CSI object names). */
  remoteKeys: string[];
  /** The Secret an ExternalSecret or SealedSecret produces (defaults to its own name). */
  producesSecret: string | null;
}

export interface ConfigMapData {
  name: string;
  namespace: string | null;
  entries: { key: string; value: string | null }[];
}
