import type { ChecklistId } from '../model/checklist.js';
import type { SkippedObject } from '../model/finding.js';
import type { Target } from '../model/target.js';
import type { YamlFile } from '../util/yaml-source.js';
import { LocatedError } from '../model/located-error.js';

/** One file (or stdin) handed to the input handlers. */
export interface SourceFile {
  /** Path as shown in reports: relative to the working directory when inside it; `<stdin>` for stdin. */
  path: string;
  /** Absolute path on disk; null for stdin. */
  absPath: string | null;
  text: string;
  /** Parsed lazily, once, and shared by every YAML-based handler. Throws InputError on bad YAML. */
  yaml(): YamlFile;
  /** The same through the fast reader (js-yaml + position listener), for large manifest streams. */
  fastYaml(): YamlFile;
}

export interface ParseOutput {
  targets: Target<object>[];
  skipped?: SkippedObject[];
}

/** A parse output that also says what the Inputs list shows after the format name (`IPv6` for an ip6tables-save dump). */
export interface DetailedParseOutput extends ParseOutput {
  detail?: string;
}

/**
 * A format: detection by name and content, and parse → normalized targets. Handlers know nothing
 * about rules. A handler throws InputError for input it recognised but cannot read.
 */
export interface InputHandler {
  format: string;
  /** Checklist items this format can give evidence for: an unreadable input of this format makes them `error`. */
  items: ChecklistId[];
  /** A catch-all (any text file scanned for secrets): parsing only such files is not "something to audit". */
  generic?: boolean;
  /** Cheap test. `yaml` parsing is shared, so a YAML-based detector may call file.yaml(). */
  detect(file: SourceFile): boolean;
  parse(file: SourceFile): ParseOutput;
}

export class InputError extends LocatedError {}
