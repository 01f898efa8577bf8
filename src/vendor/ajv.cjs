// Entry of dist/vendor/ajv.cjs (see src/util/vendor.ts). One bundle for the three, because
// ajv-formats and the standalone generator use ajv's internal classes and must share its copy.
module.exports = {
  ajv: require('ajv'),
  formats: require('ajv-formats'),
  standalone: require('ajv/dist/standalone/index.js'),
};
