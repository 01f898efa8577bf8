import type { ImageRef } from './workload.js';

/**
 * The data of a `build` target: one Dockerfile (or Containerfile). Line numbers are 1-based and
 * point at the first line of the instruction. Values of ENV/ARG are kept (secret detection reads
 * them) and must never be printed.
 */
export interface BuildData {
  stages: BuildStage[];
  /** Index of the stage that produces the image (the last one). */
  finalStage: number;
  finalUser: BuildUser;
  env: BuildVariable[];
  args: BuildVariable[];
  adds: BuildAdd[];
  copies: BuildCopy[];
  runs: BuildRun[];
}

export interface BuildFrom extends ImageRef {
  /** For messages: where the image is named. */
  instruction: 'FROM';
  /** The image as written in the FROM line, before build-argument defaults are applied. */
  written: string;
  /** FROM names an earlier stage of this Dockerfile (`FROM build`), not an image. */
  stage: boolean;
  /** The index of that stage, when `stage`. */
  stageIndex: number | null;
  /** FROM scratch: the empty image. */
  scratch: boolean;
  /** A build argument without a default is still in the reference. */
  unresolved: boolean;
  platform: string | null;
  /** How the reference is pinned, in words for messages: `pinned by digest`, `the tag latest moves`… */
  pinning: string;
}

export interface BuildStage {
  index: number;
  /** `AS name`, lower-cased as Docker does; null when unnamed. */
  name: string | null;
  from: BuildFrom;
  line: number;
}

export interface BuildUser {
  /** The USER argument as written; null when no USER applies. */
  value: string | null;
  /** After build-argument/ENV defaults; null when unresolvable or absent. */
  resolved: string | null;
  uid: number | null;
  gid: number | null;
  name: string | null;
  /** Root, or no USER at all (the base image's user, root unless it sets one). */
  root: boolean;
  /** Proven non-root: a USER that resolves to a non-zero uid or a name other than root. */
  nonRoot: boolean;
  /** The user could not be resolved (`USER ${APP_UID}` with no default). */
  unresolved: boolean;
  /** A sentence for messages: `the final stage sets USER root`. */
  reason: string;
  /** The stage whose USER applies (the final stage, or the earlier stage it is built FROM); null when none. */
  stage: number | null;
  line: number | null;
}

export interface BuildVariable {
  name: string;
  /** ENV value or ARG default; null for `ARG NAME` with no default. Never print it. */
  value: string | null;
  line: number;
  /** Stage index; null for an ARG before the first FROM. */
  stage: number | null;
}

export interface BuildAdd {
  sources: string[];
  destination: string | null;
  /** Any source is a URL (http, https, git, ssh) fetched at build time. */
  remote: boolean;
  /** Hosts of the remote sources (never the full URL: it may carry a token). */
  remoteHosts: string[];
  /** `--checksum=sha256:…` given (verifies an http(s) source). */
  checksum: string | null;
  line: number;
  stage: number;
}

export interface BuildCopy {
  sources: string[];
  destination: string | null;
  /** `--from=` as written (a stage name, index or image). */
  from: string | null;
  /** The stage it names, when it names one. */
  fromStage: number | null;
  /** `--from=<image>` naming an external image (not a stage): copied content comes from it like a base image's. */
  image: (ImageRef & { instruction: 'COPY --from'; written: string; unresolved: boolean; pinning: string }) | null;
  line: number;
  stage: number;
}

export interface BuildRun {
  /** The shell command (continuations joined; heredoc bodies included). Never print it whole. */
  command: string;
  line: number;
  endLine: number;
  stage: number;
  /** A download is executed without verification: `curl … | sh`, `sh -c "$(curl …)"`, `bash <(curl …)`. */
  pipesDownloadToShell: boolean;
  /** The program names involved, for messages (`curl`, `bash`); null when nothing is piped. */
  downloader: string | null;
  interpreter: string | null;
}
