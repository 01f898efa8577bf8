// Entry of dist/vendor/chalk.cjs (see src/util/vendor.ts). chalk is ESM-only: esbuild bundles it into
// CommonJS here, and src/util/vendor.ts loads this built file even when running from src/ (the tests,
// which run after the build), since Node 20 cannot require() an ES module.
module.exports = require('chalk');
