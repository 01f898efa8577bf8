// Entry of dist/vendor/yaml.cjs (see src/util/vendor.ts).
module.exports = require('yaml');
