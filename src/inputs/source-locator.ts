import type { Location } from '../model/location.js';
import { pointerOf, type Target } from '../model/target.js';
import type { YamlDoc } from '../util/yaml-source.js';

export type SourcePath = readonly (string | number)[];

/** Turns paths inside one YAML document into Locations (nearest existing node when the path is missing). */
export class SourceLocator {
  constructor(
    readonly file: string,
    readonly doc: YamlDoc,
  ) {}

  at(path: SourcePath): Location {
    const pos = this.doc.positionOf(path);
    return { file: this.file, line: pos.line, column: pos.column, pointer: pointerOf(...path.slice(0, pos.depth)) };
  }

  /** Records `pointer → location of sourcePath` for each entry. */
  record(target: Target<object>, paths: Iterable<[string, SourcePath]>): void {
    for (const [pointer, path] of paths) target.locations.set(pointer, this.at(path));
  }
}
