/**
 * Additions that change nothing about the failing resources: unrelated resources, Metadata, DependsOn,
 * DeletionPolicy, Outputs, a Description; and a Condition on a failing resource (which decides whether it
 * is created at all: no fix, so it must not pass).
 */
import { addToSection, define, freshId } from '../model';
import { Draft, pickFormat, resourceFamily } from '../mutant';

const UNRELATED: readonly Record<string, unknown>[] = [
  { Type: 'AWS::CloudFormation::WaitConditionHandle' },
  { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'unrelated' } },
  { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } },
  { Type: 'AWS::SNS::Topic' },
  {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } },
  },
];

export const additions = resourceFamily('additions', (ctx): Draft | undefined => {
  const { rng, doc, resources, logicalId: id, resource } = ctx;
  const variant = rng.pick([
    'unrelated-resources',
    'many-unrelated-resources',
    'metadata',
    'depends-on',
    'deletion-policy',
    'outputs',
    'description',
    'condition',
  ] as const);
  const draft = (description: string, preserving = true): Draft => ({
    variant,
    description: `${id}: ${description}`,
    doc,
    format: pickFormat(rng, doc),
    preserving,
  });
  switch (variant) {
    case 'unrelated-resources':
    case 'many-unrelated-resources': {
      const n = variant === 'unrelated-resources' ? rng.int(1, 20) : rng.int(150, 400);
      for (let i = 0; i < n; i++) define(resources, freshId(doc, 'Unrelated'), rng.pick(UNRELATED));
      return draft(`${n} unrelated resources added`);
    }
    case 'metadata':
      if ('Metadata' in resource) return undefined;
      resource.Metadata = { 'cfn-lint': { config: { ignore_checks: ['W3005'] } }, Note: 'Type: AWS::S3::Bucket', Properties: { BucketEncryption: 'aws:kms' } };
      return draft('Metadata added (mentioning a compliant BucketEncryption)');
    case 'depends-on': {
      const other = freshId(doc, 'Dependency');
      define(resources, other, { Type: 'AWS::CloudFormation::WaitConditionHandle' });
      resource.DependsOn = rng.chance(0.5) ? other : [other];
      return draft(`DependsOn ${other}`);
    }
    case 'deletion-policy':
      resource.DeletionPolicy = 'Retain';
      resource.UpdateReplacePolicy = 'Retain';
      return draft('DeletionPolicy and UpdateReplacePolicy Retain');
    case 'outputs':
      addToSection(doc, 'Outputs', freshId(doc, 'GenOutput'), { Value: { Ref: id } });
      return draft(`an Output referring to ${id}`);
    case 'description':
      doc.Description = 'Resources: none. This template has no AWS::S3::Bucket.';
      return draft('a Description that mentions Resources');
    case 'condition': {
      const stage = freshId(doc, 'GenStage');
      const cond = freshId(doc, 'GenCreate');
      addToSection(doc, 'Parameters', stage, { Type: 'String', Default: 'prod' });
      addToSection(doc, 'Conditions', cond, { 'Fn::Equals': [{ Ref: stage }, 'prod'] });
      resource.Condition = cond;
      return draft(`Condition ${cond} on the resource`, false);
    }
  }
});
