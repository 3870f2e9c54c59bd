import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CATALOG_PACKAGE_FORMAT, catalogBundleIdentity, loadCatalog } from '@tarmac/core';
import { Aspects, CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MandatoryTags } from '../mandatory-tags';
import { newApp } from './synth';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const TAGS = { team: 'data', project: 'lake', env: 'prod', domain: 'curated', 'cost-center': 'cc-42' };

function stackWithTags(values: Record<string, string> = TAGS): Stack {
  const app = newApp();
  Aspects.of(app).add(new MandatoryTags(values, { policies: POLICIES }));
  return new Stack(app, 'Data');
}

function tagsOf(stack: Stack, type: string): Record<string, string>[] {
  return Object.values(Template.fromStack(stack).findResources(type)).map((r) =>
    Object.fromEntries(((r.Properties?.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])),
  );
}

test('every taggable resource gets the mandatory tags', () => {
  const stack = stackWithTags();
  new s3.Bucket(stack, 'Raw');
  new sqs.Queue(stack, 'Orders');
  new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  for (const type of ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::IAM::Role']) expect(tagsOf(stack, type)).toEqual([TAGS]);
});

test('a tag set lower in the tree or in the resource props is never overwritten', () => {
  const stack = stackWithTags();
  const viaTags = new s3.Bucket(stack, 'Curated');
  Tags.of(viaTags).add('domain', 'serving');
  new s3.CfnBucket(stack, 'Raw', { tags: [{ key: 'team', value: 'ingest' }] });
  const [curated, raw] = ['Curated', 'Raw'].map(
    (id) => Template.fromStack(stack).toJSON().Resources[Object.keys(Template.fromStack(stack).toJSON().Resources).find((k) => k.startsWith(id))!],
  );
  const tags = (r: { Properties: { Tags: { Key: string; Value: string }[] } }) => Object.fromEntries(r.Properties.Tags.map((t) => [t.Key, t.Value]));
  expect(tags(curated)).toEqual({ ...TAGS, domain: 'serving' });
  expect(tags(raw)).toEqual({ ...TAGS, team: 'ingest' });
});

test('a value tags.yaml does not allow is refused when the aspect is created, with the allowed values', () => {
  expect(() => new MandatoryTags({ ...TAGS, env: 'production' }, { policies: POLICIES })).toThrow(
    /env = 'production' is not allowed: expected one of dev, staging, prod \(.*tags\.yaml\)/,
  );
  expect(() => new MandatoryTags({ ...TAGS, 'cost-center': '42' }, { policies: POLICIES })).toThrow(
    /expected a value matching \^cc-\[0-9\]\{2,6\}\$ \(for example cc-4200\)/,
  );
});

test('a key that is not a mandatory tag is refused with a suggestion', () => {
  expect(() => new MandatoryTags({ costcenter: 'cc-42' }, { policies: POLICIES })).toThrow(/'costcenter' is not a mandatory tag; did you mean 'cost-center'\?/);
});

test('a wrong value set lower in the tree fails synthesis, naming the construct and the allowed values', () => {
  const stack = stackWithTags();
  const bucket = new s3.Bucket(stack, 'Raw');
  Tags.of(bucket).add('env', 'qa');
  expect(() => Template.fromStack(stack)).toThrow(/\[Data\/Raw\/Resource\] tag env = 'qa' is not allowed: expected one of dev, staging, prod/);
});

test('a token value cannot be judged at synth and is left to the deployed checks', () => {
  const stack = stackWithTags({ team: 'data' });
  const env = new CfnParameter(stack, 'Env');
  const bucket = new s3.Bucket(stack, 'Raw');
  Tags.of(bucket).add('env', env.valueAsString);
  expect(tagsOf(stack, 'AWS::S3::Bucket')).toEqual([{ team: 'data', env: expect.anything() }]);
});

test('resources that take no tags are left alone', () => {
  const stack = stackWithTags();
  const role = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  expect(Object.values(policies).map((p) => p.Properties.Tags)).toEqual([undefined]);
});

test('{ catalog } picks an installed catalog package by name, as --catalog does, from where the app runs', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-app-'));
  const root = path.join(project, 'node_modules', '@acme', 'controls');
  fs.cpSync(POLICIES, path.join(root, 'policies'), { recursive: true });
  const tags = path.join(root, 'policies', 'tags.yaml');
  fs.writeFileSync(tags, fs.readFileSync(tags, 'utf8').replace('values: [dev, staging, prod]', 'values: [dev, staging, prod, qa]'));
  fs.writeFileSync(path.join(root, 'policies', 'catalog.yaml'), 'name: "@acme/controls"\nversion: 1.0.0\ndescription: test\n');
  const identity = catalogBundleIdentity(loadCatalog(path.join(root, 'policies')));
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: '@acme/controls', version: '1.0.0', tarmac: { catalog: CATALOG_PACKAGE_FORMAT, policies: 'policies', rules: 'rules', identity } }),
  );
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', devDependencies: { '@acme/controls': '1.0.0' } }));
  const cwd = process.cwd();
  try {
    process.chdir(project);
    expect(() => new MandatoryTags({ ...TAGS, env: 'qa' }, { catalog: '@acme/controls' })).not.toThrow();
    expect(() => new MandatoryTags({ ...TAGS, env: 'qa' }, { catalog: '@acme/other' })).toThrow(
      /catalog package @acme\/other is not installed here \(expected npm i -D @acme\/other\)/,
    );
  } finally {
    process.chdir(cwd);
  }
  // The same values against the repository's catalog, which does not allow qa.
  expect(() => new MandatoryTags({ ...TAGS, env: 'qa' }, { policies: POLICIES })).toThrow(/env/);
});
