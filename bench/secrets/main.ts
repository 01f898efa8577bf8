import { generate } from './generate.js';
import { measure } from './measure.js';

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'generate') {
  const [out, size, seed] = args;
  const m = generate(out!, Number(size), Number(seed));
  process.stdout.write(JSON.stringify({ files: m.files, bytes: m.bytes, planted: m.planted.length, decoys: m.decoys }) + '\n');
} else if (cmd === 'read' || cmd === 'sandcheck') {
  // Findings (if any) were written as they were found; the summary is the last line.
  process.stdout.write(JSON.stringify(await measure(cmd, args[0]!, Number(args[1] ?? 1))) + '\n');
} else {
  process.stderr.write('usage: main.mjs generate OUT SIZE_MB SEED | read DIR [PASSES] | sandcheck DIR [PASSES]\n');
  process.exit(2);
}
