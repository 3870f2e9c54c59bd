import { InputError } from '@tarmac/core';
import { parseTemplate } from './parse-template';

const parse = (text: string | Uint8Array, file = 't.yaml') => parseTemplate(typeof text === 'string' ? Buffer.from(text) : text, file);
const errorOf = (text: string | Uint8Array): InputError => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

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

  test('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
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
});
