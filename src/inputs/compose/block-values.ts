import type { Target } from '../../model/target.js';
import { blockScalarAt, lineOfFile, locateBlockValue, positionInValue, setValueLines } from '../block-scalar.js';
import type { SourceFile } from '../types.js';
import type { ComposeContainerData } from './types.js';

/**
 * Literal `environment` and `build.args` values written as YAML block scalars: `KEY: |` (mapping form)
 * and `- |` followed by an indented `KEY=value` line (list form). Each value is located where its text
 * is, in the file that wrote it (a merged service has values from two files), so that a secret inside
 * it is reported at its own line.
 */
export function locateEnvBlockValues(target: Target<ComposeContainerData>, sourceOf: (path: string | undefined) => SourceFile | undefined): void {
  for (const field of ['env', 'buildArgs'] as const) {
    const list = target.data[field];
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.value === null || e.valueFrom) continue;
      const pointer = `/${field}/${i}/value`;
      const key = target.locations.get(pointer) ?? target.locations.get(`/${field}/${i}`);
      const file = key ? sourceOf(key.file) : undefined;
      if (!key || !file) continue;
      if (!isListItem(key.pointer)) {
        locateBlockValue(target, file, pointer, key, e);
        continue;
      }
      // `- |` then `KEY=value`: the block holds the whole entry; the value starts after the first `=`.
      const block = blockScalarAt(file, key);
      if (!block) continue;
      const first = lineOfFile(file, block.lines[1]!).slice(block.lines[2]! - 1);
      const eq = first.indexOf('=');
      if (eq < 0) continue;
      const offset = block.lines[0]! + eq + 1;
      const pos = positionInValue(block.lines, offset);
      const shifted: number[] = [0, pos.line, pos.column];
      for (let j = 3; j < block.lines.length; j += 3) {
        if (block.lines[j]! > offset) shifted.push(block.lines[j]! - offset, block.lines[j + 1]!, block.lines[j + 2]!);
      }
      target.locations.set(pointer, { ...key, line: pos.line, column: pos.column });
      setValueLines(e, shifted);
    }
  }
}

/** `/services/x/environment/2`: an entry of the list form (its location is the entry itself, not a key). */
const isListItem = (pointer: string | undefined): boolean => pointer !== undefined && /\/\d+$/.test(pointer);
