import * as fs from 'fs';
import * as path from 'path';
import { MandatoryTag } from '../catalog/model';
import { parseSource } from '../yaml-source';
import { compileTagPolicy, enforcedForData, tagValuesForPattern, validateEnforcedFor } from './tag-policy';

const TAGS_YAML = path.resolve(__dirname, '..', '..', '..', '..', 'policies', 'tags.yaml');

describe('compileTagPolicy', () => {
  test('the bundled tag set: values become tag_value, regex patterns AWS cannot express get none', () => {
    const tags = parseSource(fs.readFileSync(TAGS_YAML, 'utf8'), TAGS_YAML).value as { tags: MandatoryTag[] };
    expect(compileTagPolicy(tags.tags, ['ec2:instance', 's3:bucket'])).toEqual({
      tags: {
        team: { tag_key: { '@@assign': 'team' }, enforced_for: { '@@assign': ['ec2:instance', 's3:bucket'] } },
        project: { tag_key: { '@@assign': 'project' }, enforced_for: { '@@assign': ['ec2:instance', 's3:bucket'] } },
        env: {
          tag_key: { '@@assign': 'env' },
          tag_value: { '@@assign': ['dev', 'staging', 'prod'] },
          enforced_for: { '@@assign': ['ec2:instance', 's3:bucket'] },
        },
        domain: {
          tag_key: { '@@assign': 'domain' },
          tag_value: { '@@assign': ['raw', 'curated', 'serving', 'inference', 'platform'] },
          enforced_for: { '@@assign': ['ec2:instance', 's3:bucket'] },
        },
        'cost-center': { tag_key: { '@@assign': 'cost-center' }, enforced_for: { '@@assign': ['ec2:instance', 's3:bucket'] } },
      },
    });
  });

  test('policy key is the lower-cased key, tag_key keeps the casing; no enforced_for when the list is empty', () => {
    const tags: MandatoryTag[] = [
      { key: 'CostCenter', description: 'x', pattern: '^cc-.*$' },
      { key: 'Stage', description: 'x', pattern: '^(dev|prod)$' },
    ];
    expect(compileTagPolicy(tags, [])).toEqual({
      tags: {
        costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['cc-*'] } },
        stage: { tag_key: { '@@assign': 'Stage' }, tag_value: { '@@assign': ['dev', 'prod'] } },
      },
    });
  });

  test('duplicate enforced_for entries are written once', () => {
    const doc = compileTagPolicy([{ key: 'env', description: 'x', values: ['dev'] }], ['ec2:instance', 'ec2:instance']);
    expect(doc.tags.env.enforced_for).toEqual({ '@@assign': ['ec2:instance'] });
  });

  test('two keys that differ only in case are refused', () => {
    const tags: MandatoryTag[] = [
      { key: 'Env', description: 'x', values: ['a'] },
      { key: 'env', description: 'x', values: ['b'] },
    ];
    expect(() => compileTagPolicy(tags, [])).toThrow(/'Env' and 'env' differ only in case/);
  });
});

describe('tagValuesForPattern', () => {
  test.each([
    ['^cc-.*$', ['cc-*']],
    ['^.*@example\\.com$', ['*@example.com']],
    ['^(dev|staging|prod)$', ['dev', 'staging', 'prod']],
    ['^(?:a.*|b)$', ['a*', 'b']],
    ['^exact$', ['exact']],
  ])('%s maps to %j', (pattern, expected) => {
    expect(tagValuesForPattern(pattern)).toEqual(expected);
  });

  test.each([
    '^[a-z][a-z0-9-]{1,38}[a-z0-9]$', // character classes and counts
    '^cc-[0-9]{2,6}$',
    '^.*@.*\\.com$', // two wildcards: AWS allows one per value
    '^cc-.+$', // one-or-more has no AWS form
    'cc-.*', // unanchored
    '^\\d+$',
    '^(a)|(b)$',
  ])('%s has no exact tag_value', (pattern) => {
    expect(tagValuesForPattern(pattern)).toBeUndefined();
  });
});

describe('validateEnforcedFor', () => {
  const doc = parseSource('enforced_for:\n  - ec2:ALL_SUPPORTED\n  - ec2:instnce\n  - s3:*\n  - s3:bucket\n  - s3:bucket\n', 'org/tag.yaml');
  const values = (doc.value as { enforced_for: string[] }).enforced_for;
  const errors = validateEnforcedFor(values, (i) => doc.locate(['enforced_for', i]));

  test('a typo is reported at its line with a suggestion; ALL_SUPPORTED is accepted where AWS lists it', () => {
    const messages = errors.map((e) => e.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(
      /^org\/tag\.yaml:3:5: unknown enforced_for resource type 'ec2:instnce'; did you mean ec2:instance\? \(expected a resource type that supports tag policy enforcement/,
    );
    expect(messages[0]).toContain('orgs_manage_policies_supported-resources-enforcement.html');
  });

  test('the old <service>:* form points to <service>:ALL_SUPPORTED', () => {
    expect(errors[1].message).toMatch(/^org\/tag\.yaml:4:5: unknown enforced_for resource type 's3:\*'; did you mean s3:ALL_SUPPORTED\?/);
  });

  test('a repeated value is reported', () => {
    expect(errors[2].message).toBe("org/tag.yaml:6:5: duplicate enforced_for resource type 's3:bucket'");
  });

  test('a type AWS supports for reporting only is refused', () => {
    const [error] = validateEnforcedFor(['iam:role'], () => ({ file: 'x' }));
    expect(error.message).toMatch(/unknown enforced_for resource type 'iam:role'/);
  });
});

describe('tag-policy-enforced-for.json', () => {
  test('names its AWS source and holds a sorted, duplicate-free list', () => {
    const data = enforcedForData();
    expect(data.source).toBe('https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_supported-resources-enforcement.html');
    expect(data.retrieved).toBe('2026-11-23');
    expect(data.resourceTypes).toEqual([...new Set(data.resourceTypes)].sort());
    for (const t of data.resourceTypes) expect(t).toMatch(/^[a-z0-9-]+:[A-Za-z0-9_/:-]+$/);
    expect(data.resourceTypes).toEqual(expect.arrayContaining(['ec2:instance', 'ec2:ALL_SUPPORTED', 's3:bucket', 'secretsmanager:ALL_SUPPORTED']));
    // Reporting-only rows are not enforceable.
    expect(data.resourceTypes).not.toContain('rds:db');
    expect(data.resourceTypes).not.toContain('glue:job');
  });
});
