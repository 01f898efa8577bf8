#!/usr/bin/env node
import('../dist/sandcheck.mjs').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/sandcheck.mjs')) {
    process.stderr.write('sandcheck: the CLI is not built; run `npm install` (or `npm run build`) in the package folder\n');
  } else {
    process.stderr.write(`sandcheck: internal error: ${err && err.stack ? err.stack : err}\n`);
  }
  process.exit(2);
});
