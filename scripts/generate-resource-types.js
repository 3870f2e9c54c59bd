#!/usr/bin/env node
// Regenerates packages/core/data/resource-types.json: every CloudFormation resource type that
// aws-cdk-lib knows, with how it carries tags (format and property), read from its generated L1 classes.
// Run after upgrading aws-cdk-lib: node scripts/generate-resource-types.js
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const version = require('aws-cdk-lib/package.json').version;
const types = {};
const tagged = /TagManager\(cdk\(\)\.TagType\.([A-Z_]+),"([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)"([^;]{0,160})/g;
const anyType = /cfnResourceTypeName="([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)"|CFN_RESOURCE_TYPE_NAME="([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)"/g;

(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') walk(p);
    else if (entry.name.endsWith('.generated.js')) {
      const src = fs.readFileSync(p, 'utf8');
      for (const m of src.matchAll(anyType)) types[m[1] || m[2]] ??= null;
      for (const m of src.matchAll(tagged)) {
        const cdkName = /tagPropertyName:"([A-Za-z0-9]+)"/.exec(m[3])?.[1] ?? 'tags';
        const property = cdkName[0].toUpperCase() + cdkName.slice(1);
        types[m[2]] = { format: m[1], property };
      }
    }
  }
})(root);

const sorted = Object.fromEntries(
  Object.keys(types)
    .sort()
    .map((k) => [k, types[k]]),
);
const out = { source: `aws-cdk-lib@${version} generated L1 classes`, types: sorted };
const file = path.join(__dirname, '..', 'packages', 'core', 'data', 'resource-types.json');
fs.writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
const taggable = Object.values(sorted).filter(Boolean).length;
console.log(`${Object.keys(sorted).length} resource types, ${taggable} taggable -> ${path.relative(process.cwd(), file)}`);
