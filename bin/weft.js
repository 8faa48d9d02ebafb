#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/cli/index.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write(
      'weft: the package is not built; run `npm install` (or `npm run build`) in its folder first.\n',
    );
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv).then((code) => process.exit(code));
