import { MandatoryTag } from '../catalog/model';
import { compileRequiredTagsRules, REQUIRED_TAGS_RESOURCE_TYPES, unlistedRequiredTagsTypes } from './required-tags-rules';

const keys = (n: number): MandatoryTag[] => Array.from({ length: n }, (_, i) => ({ key: `k${i + 1}`, description: 'x', pattern: '^.+$' }));

describe('compileRequiredTagsRules', () => {
  test('values become a CSV tagNValue, pattern keys are checked for presence only, scope unset by default', () => {
    const tags: MandatoryTag[] = [
      { key: 'team', description: 'x', pattern: '^[a-z]+$' },
      { key: 'env', description: 'x', values: ['dev', 'staging', 'prod'] },
      { key: 'domain', description: 'x', values: ['raw', 'curated'] },
    ];
    expect(compileRequiredTagsRules(tags)).toEqual([
      {
        ConfigRuleName: 'tarmac-required-tags-1',
        Description: 'Checks that resources carry the mandatory tags team, env, domain.',
        Source: { Owner: 'AWS', SourceIdentifier: 'REQUIRED_TAGS' },
        InputParameters: { tag1Key: 'team', tag2Key: 'env', tag2Value: 'dev,staging,prod', tag3Key: 'domain', tag3Value: 'raw,curated' },
      },
    ]);
    expect(compileRequiredTagsRules(tags)[0]).not.toHaveProperty('Scope');
  });

  test('6 keys fit one rule', () => {
    const rules = compileRequiredTagsRules(keys(6));
    expect(rules.map((r) => r.ConfigRuleName)).toEqual(['tarmac-required-tags-1']);
    expect(rules[0].InputParameters).toEqual({ tag1Key: 'k1', tag2Key: 'k2', tag3Key: 'k3', tag4Key: 'k4', tag5Key: 'k5', tag6Key: 'k6' });
  });

  test('7 keys split 6 + 1, numbering restarts at tag1Key in each rule', () => {
    const rules = compileRequiredTagsRules(keys(7));
    expect(rules.map((r) => r.ConfigRuleName)).toEqual(['tarmac-required-tags-1', 'tarmac-required-tags-2']);
    expect(Object.keys(rules[0].InputParameters)).toHaveLength(6);
    expect(rules[1].InputParameters).toEqual({ tag1Key: 'k7' });
    expect(rules[1].Description).toBe('Checks that resources carry the mandatory tags k7 (part 2 of 2).');
  });

  test('12 keys split 6 + 6, deterministically', () => {
    const rules = compileRequiredTagsRules(keys(12));
    expect(rules).toHaveLength(2);
    expect(rules[1].InputParameters).toEqual({ tag1Key: 'k7', tag2Key: 'k8', tag3Key: 'k9', tag4Key: 'k10', tag5Key: 'k11', tag6Key: 'k12' });
    expect(compileRequiredTagsRules(keys(12))).toEqual(rules);
  });

  test('resource types become the scope of every rule, without duplicates', () => {
    const rules = compileRequiredTagsRules(keys(7), ['AWS::S3::Bucket', 'AWS::EC2::Instance', 'AWS::S3::Bucket']);
    for (const rule of rules) expect(rule.Scope).toEqual({ ComplianceResourceTypes: ['AWS::S3::Bucket', 'AWS::EC2::Instance'] });
  });

  test('no tags, no rules', () => {
    expect(compileRequiredTagsRules([])).toEqual([]);
  });

  test('a value with a comma cannot be written in the CSV parameter', () => {
    expect(() => compileRequiredTagsRules([{ key: 'owner', description: 'x', values: ['a,b'] }])).toThrow(/contains a comma/);
  });

  test('more than 100 scope types is refused', () => {
    const types = Array.from({ length: 101 }, (_, i) => `AWS::X::T${i}`);
    expect(() => compileRequiredTagsRules(keys(1), types)).toThrow(/at most 100 resource types/);
  });
});

describe('unlistedRequiredTagsTypes', () => {
  test('names types the required-tags page does not list', () => {
    expect(REQUIRED_TAGS_RESOURCE_TYPES).toContain('AWS::S3::Bucket');
    expect(unlistedRequiredTagsTypes(['AWS::S3::Bucket', 'AWS::Lambda::Function'])).toEqual(['AWS::Lambda::Function']);
  });
});
