#!/usr/bin/env node
// Regenerates packages/guard/data/control-tower-dispatch.json: for each AWS Control Tower rule shipped in
// @cdklabs/cdk-validator-cfnguard, the sha256 of its text and the resource types it is dispatched on (the
// analysis of deriveResourceTypes, read once here instead of on every `tarmac check --control-tower`).
// Run after upgrading @cdklabs/cdk-validator-cfnguard: npm run build && node scripts/generate-control-tower-dispatch.js
'use strict';
const fs = require('fs');
const path = require('path');
const { controlTowerDispatch } = require('../packages/guard/dist/rules/control-tower-rules');

const out = path.join(__dirname, '..', 'packages', 'guard', 'data', 'control-tower-dispatch.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(controlTowerDispatch(), null, 1) + '\n');
console.log(`wrote ${out}`);
