#!/usr/bin/env node
'use strict';
require('../dist/main')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
