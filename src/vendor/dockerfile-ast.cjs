// Entry of dist/vendor/dockerfile-ast.cjs (see src/util/vendor.ts).
module.exports = require('dockerfile-ast');
