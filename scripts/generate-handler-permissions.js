#!/usr/bin/env node
// Regenerates packages/core/data/handler-permissions.json: for each resource type the platform deploys, the
// IAM actions CloudFormation's create, update and delete handlers need (the registry schema's
// handlers.<op>.permissions), read from a directory of CloudFormation registry schemas, for example
// pulumi/pulumi-aws-native's aws-cloudformation-schema/, which vendors them unmodified (Apache-2.0).
//
//   node scripts/generate-handler-permissions.js <schema-dir> <source-repo> <commit> [AWS::New::Type ...]
//
// The types are those already in the file plus any named. A type whose schema has no handlers (a legacy,
// non-provisionable type) is refused: describe it in handler-permissions-overrides.yaml instead.
'use strict';
const fs = require('fs');
const path = require('path');

const out = path.join(__dirname, '..', 'packages', 'core', 'data', 'handler-permissions.json');
const [dir, repo, commit, ...added] = process.argv.slice(2);
if (!dir || !repo || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
  console.error('usage: generate-handler-permissions.js <schema-dir> <owner/repo> <40-hex commit> [AWS::New::Type ...]');
  process.exit(2);
}
const previous = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')).types : {};
const types = [...new Set([...Object.keys(previous), ...added])].sort();
const fileOf = (type) => `aws-${type.split('::').slice(1).join('-').toLowerCase()}.json`;
const result = {};
for (const type of types) {
  const file = path.join(dir, fileOf(type));
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (schema.typeName !== type) throw new Error(`${file} describes ${schema.typeName}, not ${type}`);
  if (!schema.handlers) throw new Error(`${file} has no handlers: describe ${type} in handler-permissions-overrides.yaml`);
  const ops = (op) => (schema.handlers[op] ? [...schema.handlers[op].permissions].sort() : null);
  // No update handler: every change replaces the resource (create, then delete).
  result[type] = { schema: path.basename(file), create: ops('create'), update: ops('update'), delete: ops('delete') };
}
const data = {
  source: `CloudFormation registry schemas (handlers.<create|update|delete>.permissions) as vendored by ${repo} at ${commit}`,
  repo,
  commit,
  types: result,
};
fs.writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
console.log(`${types.length} types written to ${path.relative(process.cwd(), out)}`);
