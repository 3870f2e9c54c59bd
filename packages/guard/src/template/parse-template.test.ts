import { InputError, InputErrors } from '@tarmac/core';
import { parseTemplate } from './parse-template';

const parse = (text: string | Uint8Array, file = 't.yaml') => parseTemplate(typeof text === 'string' ? Buffer.from(text) : text, file);
const errorsOf = (text: string | Uint8Array): InputError[] => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof InputError) return [e];
    if (e instanceof InputErrors) return [...e.errors];
    throw e;
  }
  throw new Error('expected an InputError');
};
const errorOf = (text: string | Uint8Array): InputError => errorsOf(text)[0];

describe('parseTemplate', () => {
  test('expands YAML short forms to their long JSON forms', () => {
    const t = parse(`Resources:
  Key: { Type: AWS::KMS::Key }
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "raw-\${AWS::Region}"
      KmsKey: !GetAtt Key.Arn
      Other: !If [IsProd, !Ref Key, !Ref "AWS::NoValue"]
`);
    const props = (t.document.Resources as any).Bucket.Properties;
    expect(props.KmsKey).toEqual({ 'Fn::GetAtt': ['Key', 'Arn'] });
    expect(props.BucketName).toEqual({ 'Fn::Sub': 'raw-${AWS::Region}' });
    expect(props.Other).toEqual({ 'Fn::If': ['IsProd', { Ref: 'Key' }, { Ref: 'AWS::NoValue' }] });
    expect([...t.types].sort()).toEqual(['AWS::KMS::Key', 'AWS::S3::Bucket']);
  });

  test('accepts a UTF-8 BOM and CRLF line endings, and keeps line numbers', () => {
    const t = parse('\ufeffResources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n    Properties:\r\n      QueueName: q\r\n');
    expect(t.resources).toEqual([{ logicalId: 'Q', type: 'AWS::SQS::Queue' }]);
    expect(t.locate(['Resources', 'Q', 'Properties', 'QueueName']).line).toBe(5);
  });

  test('locates properties in JSON templates', () => {
    const t = parse('{\n "Resources": {\n  "B": {\n   "Type": "AWS::S3::Bucket",\n   "Properties": { "BucketName": "x" }\n  }\n }\n}', 't.json');
    expect(t.locate(['Resources', 'B', 'Properties'])).toMatchObject({ file: 't.json', line: 5 });
  });

  test('expands Fn::ForEach loops and maps their resources to the loop line', () => {
    const t = parse(`Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Tables:
    - Name
    - [Orders, Users]
    - Table\${Name}:
        Type: AWS::DynamoDB::Table
        Properties: { TableName: !Ref Name }
`);
    expect(t.resources.map((r) => r.logicalId)).toEqual(['TableOrders', 'TableUsers']);
    expect((t.document.Resources as any).TableUsers.Properties.TableName).toBe('Users');
    expect(t.locate(['Resources', 'TableUsers', 'Properties']).line).toBe(8);
  });

  test.each([
    ['an empty file', '', /empty/],
    ['whitespace only', '  \n\n', /empty/],
    ['binary junk', Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02]), /not a text file/],
    ['malformed YAML', 'Resources:\n  B: [unclosed\n', /malformed/],
    ['malformed JSON', '{"Resources": {"B": }', /malformed/],
    ['a duplicate key', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::SQS::Queue\n', /duplicate key/],
    ['Resources that is a list', 'Resources:\n  - Type: AWS::S3::Bucket\n', /Resources is a list/],
    ['a resource without Type', 'Resources:\n  B:\n    Properties: {}\n', /resource B has no Type/],
    ['a top-level list', '- a\n- b\n', /not a CloudFormation template/],
    ['no Resources section', 'Description: hello\n', /no Resources section/],
  ])('rejects %s with a located InputError', (_name, text, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.location.file).toBe('t.yaml');
  });

  test('names the line of a resource without Type', () => {
    expect(errorOf('Resources:\n  A: { Type: AWS::S3::Bucket }\n  B:\n    Properties: {}\n').location.line).toBe(3);
  });

  test.each(['properties', 'PROPERTIES', 'Property', 'Properties ', 'Propertes', 'Pr\u043Eperties', 'dependsOn'])(
    'a resource attribute spelled %j is an error at its line: Guard would read it as the attribute, CloudFormation refuses it',
    (key) => {
      const e = errorOf(`Resources:\n  Ingress:\n    Type: AWS::EC2::SecurityGroupIngress\n    ${JSON.stringify(key)}: { IpProtocol: tcp }\n`);
      const meant = key === 'dependsOn' ? 'DependsOn' : 'Properties';
      expect([e.location.line, e.problem]).toEqual([
        4,
        `resource Ingress has the attribute ${JSON.stringify(key)}, which CloudFormation refuses; did you mean ${meant}?`,
      ]);
    },
  );

  test('other keys on a resource are left to CloudFormation (Version on old custom resources, SAM Connectors)', () => {
    const t = parse('Resources:\n  R:\n    Type: Custom::Thing\n    Version: "1.0"\n    Connectors: {}\n    Properties: { ServiceToken: arn }\n');
    expect(t.resources.map((r) => r.logicalId)).toEqual(['R']);
  });

  test('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill('*' + String.fromCharCode(96 + i))
          .join(',')}]`,
      );
    bomb.push('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: { Tags: *i }');
    expect(errorOf(bomb.join('\n')).message).toMatch(/alias/);
  });

  test('reports very deep nesting as an input error, not a crash', () => {
    const deep = '{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":' + '['.repeat(20000) + ']'.repeat(20000) + '}}}';
    const e = errorOf(deep);
    expect(e.message).toMatch(/^t\.yaml:1: document is nested too deeply/);
  });

  test('refuses very deep block nesting too', () => {
    const lines = ['Resources:', '  B:', '    Type: AWS::S3::Bucket', '    Properties:'];
    for (let i = 0; i < 600; i++) lines.push(' '.repeat(6 + 2 * i) + `k${i}:`);
    expect(errorOf(lines.join('\n') + ' x\n').message).toMatch(/nested too deeply/);
  });

  test('brackets inside quoted strings and comments do not count as nesting', () => {
    const t = parse(`Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: "${'['.repeat(600)}"\n      # ${'{'.repeat(600)}\n`);
    expect(t.resources).toHaveLength(1);
  });

  test('parses a template of 5,000 resources', () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) resources[`Queue${i}`] = { Type: 'AWS::SQS::Queue', Properties: { QueueName: `q${i}` } };
    const t = parse(JSON.stringify({ Resources: resources }), 'big.json');
    expect(t.resources).toHaveLength(5000);
  });

  test('keeps null properties (the engines must cope with them)', () => {
    const t = parse('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: null\n');
    expect((t.document.Resources as any).B.Properties.BucketName).toBeNull();
  });

  test('logical IDs named like Object.prototype members are resources like any other', () => {
    const t = parse('Resources:\n  constructor:\n    Type: AWS::S3::Bucket\n  toString:\n    Type: AWS::SQS::Queue\n  __proto__:\n    Type: AWS::SNS::Topic\n');
    expect(t.resources.map((r) => r.logicalId)).toEqual(['constructor', 'toString', '__proto__']);
    expect(Object.keys(JSON.parse(JSON.stringify(t.document)).Resources)).toEqual(['constructor', 'toString', '__proto__']);
    expect(t.locate(['Resources', '__proto__']).line).toBe(6);
  });

  test('a JSON __proto__ resource survives into the document the engines read', () => {
    const t = parse('{"Resources": {"__proto__": {"Type": "AWS::S3::Bucket"}}}', 't.json');
    expect(JSON.parse(JSON.stringify(t.document)).Resources.__proto__).toEqual({ Type: 'AWS::S3::Bucket' });
  });

  test('an escaped key is the key it spells', () => {
    const t = parse('{"Re\\u0073ources": {"B": {"Typ\\u0065": "AWS::S3::Bucket"}}}', 't.json');
    expect(t.resources).toEqual([{ logicalId: 'B', type: 'AWS::S3::Bucket' }]);
  });

  test.each([
    ['lower case', 'aws::s3::bucket', /unknown resource type "aws::s3::bucket" in an AWS namespace; did you mean AWS::S3::Bucket\?/],
    ['a Cyrillic A', '\u0410WS::S3::Bucket', /is not a valid resource type name.*did you mean AWS::S3::Bucket\?/],
    ['a trailing space', '"AWS::S3::Bucket "', /"AWS::S3::Bucket " is not a valid resource type name.*did you mean AWS::S3::Bucket\?/],
    ['a zero-width space', '"AWS::S3::\u200bBucket"', /is not a valid resource type name/],
    ['a misspelt AWS type', 'AWS::S3::Buckets', /unknown resource type "AWS::S3::Buckets".*did you mean AWS::S3::Bucket\?/],
    ['a SAM type without the SAM transform', 'AWS::Serverless::Function', /exists only under Transform: AWS::Serverless-2016-10-31/],
  ])('a type that only looks like an AWS type (%s) is an error at its line', (_name, type, message) => {
    const e = errorOf(`Resources:\n  Ok:\n    Type: AWS::SQS::Queue\n  B:\n    Type: ${type}\n`);
    expect(e.message).toMatch(message);
    expect(e.location).toMatchObject({ file: 't.yaml', line: 5 });
  });

  test('every bad resource of a template is reported at once', () => {
    const errors = errorsOf('Resources:\n  A:\n    Type: aws::s3::bucket\n  B:\n    Properties: {}\n  C:\n    Type: AWS::SQS::Queues\n');
    expect(errors.map((e) => e.location.line)).toEqual([3, 4, 7]);
  });

  test.each([
    'MyOrg::Foo::Bar',
    'MyOrg::Foo::Bar::MODULE',
    'Custom::Thing',
    'Custom::my-thing_v2@x',
    'AWS::CloudFormation::CustomResource',
    'Alexa::ASK::Skill',
  ])('third-party, module and custom resource types stay allowed: %s', (type) => {
    expect(parse(`Resources:\n  X:\n    Type: ${type}\n`).types).toEqual(new Set([type]));
  });

  test.each([
    ['resources', 'resources:\n  B:\n    Type: AWS::S3::Bucket\n'],
    ['Resource', 'AWSTemplateFormatVersion: "2010-09-09"\nResource:\n  B:\n    Type: AWS::S3::Bucket\n'],
    ['RESOURCES', '{"RESOURCES": {"B": {"Type": "AWS::S3::Bucket"}}}'],
    ['Resorces', 'Resorces:\n  B:\n    Type: MyOrg::Foo::Bar\n'],
    ['resources', 'Resources: {}\nresources:\n  B:\n    Type: AWS::S3::Bucket\n'],
    ['Resources ', 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"Resources ":\n  B:\n    Type: AWS::S3::Bucket\n'],
  ])('a section named "%s" that holds resources is an error, beside Resources or not', (key, text) => {
    const e = errorOf(text);
    expect(e.message).toMatch(new RegExp(`^t\\.yaml:\\d+:\\d+: ${key} holds resources, but CloudFormation reads only Resources`));
  });

  test('numbers and booleans in tags become the strings CloudFormation makes of them', () => {
    const t = parse(
      'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [{Key: env, Value: 1}, {Key: 2, Value: true}, {Key: x, Value: {Ref: P}}]\n  P:\n    Type: AWS::SSM::Parameter\n    Properties: {Type: String, Value: v, Tags: {domain: false, n: 1.5}}\n',
    );
    const r = t.document.Resources as any;
    expect(r.Q.Properties.Tags).toEqual([
      { Key: 'env', Value: '1' },
      { Key: '2', Value: 'true' },
      { Key: 'x', Value: { Ref: 'P' } },
    ]);
    expect(r.P.Properties.Tags).toEqual({ domain: 'false', n: '1.5' });
  });

  test('a cyclic alias is an error at the alias, not a crash', () => {
    const e = errorOf('Resources:\n  B: &b {Type: AWS::S3::Bucket, Properties: {Tags: *b}}\n');
    expect(e.message).toMatch(/^t\.yaml:2:52: the alias \*b refers to a node that contains it/);
  });

  test('YAML merge keys are merged, as aws cloudformation package does, so rules see the merged properties', () => {
    const t = parse(
      'Metadata:\n  open: &open {PubliclyAccessible: true}\nResources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      <<: *open\n      Engine: mysql\n',
    );
    expect((t.document.Resources as any).Db.Properties).toEqual({ PubliclyAccessible: true, Engine: 'mysql' });
  });

  test.each([
    ['a // comment in JSON', '{\n  // note\n  "Resources": {}\n}', /^t\.yaml:2:3: JSON does not allow comments/],
    ['a second YAML document', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n---\nkind: Deployment\n', /^t\.yaml:4:1: a second YAML document starts here/],
  ])('%s is named where it is', (_name, text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  test('a template nested deeper than both engines read is an error at the deep value, on either engine', () => {
    const deep = (n: number) => `Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n      M: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(parse(deep(95)).resources).toHaveLength(1);
    expect(errorOf(deep(130)).message).toMatch(/^t\.yaml:5:\d+: the template nests more than 100 levels deep/);
  });

  test('an empty Properties map reads as no Properties, as CloudFormation provisions both alike', () => {
    const t = parse(
      'Resources:\n  I:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {}\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: q}\n',
    );
    expect(t.document.Resources).toEqual({ I: { Type: 'AWS::EC2::SecurityGroupIngress' }, Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } } });
  });
});
