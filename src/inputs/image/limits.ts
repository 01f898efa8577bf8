/** Caps that keep a hostile image from exhausting memory or time. Exceeding one is an input error. */
export interface ImageLimits {
  /** Decompressed bytes of one layer. */
  maxLayerBytes: number;
  /** Decompressed bytes of all layers of one input together. */
  maxTotalBytes: number;
  maxEntriesPerLayer: number;
  maxLayers: number;
  /** manifest.json, index.json, manifests and configs. */
  maxJsonBytes: number;
  /** Bytes of /etc/passwd and /etc/group kept (the rest is counted, not kept); other scored files are scanned to their end in windows of this size. */
  maxFileBytes: number;
  maxPathLength: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: ImageLimits = {
  maxLayerBytes: 32 * GiB,
  maxTotalBytes: 128 * GiB,
  maxEntriesPerLayer: 2_000_000,
  maxLayers: 500,
  maxJsonBytes: 8 * MiB,
  maxFileBytes: 1 * MiB,
  maxPathLength: 4096,
};
