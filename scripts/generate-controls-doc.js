#!/usr/bin/env node
// Regenerates docs/controls.md: every control of policies/ (id, title, severity, rationale, frameworks,
// references, modes per profile, Config rule, Control Tower IDs, fix) and every organization policy.
// A test fails when the file is stale. Run after changing policies/: npm run build && node scripts/generate-controls-doc.js
'use strict';
const fs = require('fs');
const path = require('path');
const { generateControlsDoc } = require('../packages/cli/dist/explain/controls-doc');

const root = path.join(__dirname, '..');
const out = path.join(root, 'docs', 'controls.md');
generateControlsDoc(path.join(root, 'policies')).then(
  (text) => {
    fs.writeFileSync(out, text);
    console.log(`wrote ${out}`);
  },
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
