import { InputError } from '@tarmac/core';
import { parseTemplate } from './parse-template';

const parse = (text: string, file = 't.yaml') => parseTemplate(Buffer.from(text), file);
const parts = (text: string) => parse(text).unchecked.map((u) => ({ id: u.logicalId, transform: u.transform, mayCreate: u.mayCreate, line: u.location.line }));

describe('transforms Tarmac cannot run are reported, never dropped', () => {
  test('a macro named in Transform may change anything: the template is unchecked, its resources still checked', () => {
    const t = parse('Transform: [AWS::LanguageExtensions, MyMacro]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n');
    expect(t.unchecked.map((u) => ({ transform: u.transform, mayCreate: u.mayCreate, line: u.location.line, id: u.logicalId }))).toEqual([
      { transform: 'MyMacro', mayCreate: ['*'], line: 1, id: undefined },
    ]);
    expect(t.resources).toEqual([{ logicalId: 'B', type: 'AWS::S3::Bucket' }]);
  });

  test('AWS::Include at the top ({Name, Parameters}) is a macro like any other', () => {
    expect(parts('Transform:\n  Name: AWS::Include\n  Parameters: {Location: s3://b/k.yaml}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n')).toEqual([
      { id: undefined, transform: 'AWS::Include', mayCreate: ['*'], line: 1 },
    ]);
  });

  test('Fn::Transform under Resources adds resources Tarmac cannot see; it is not a resource without a Type', () => {
    const t = parse('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: {Location: s3://b/k.yaml}\n');
    expect(t.resources.map((r) => r.logicalId)).toEqual(['Q']);
    expect(t.unchecked.map((u) => [u.transform, u.mayCreate, u.location.line])).toEqual([['AWS::Include', ['*'], 4]]);
  });

  test('Fn::Transform inside a resource makes that resource unchecked for its own type', () => {
    expect(
      parts('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/p.yaml}}\n'),
    ).toEqual([{ id: 'B', transform: 'AWS::Include', mayCreate: ['AWS::S3::Bucket'], line: 5 }]);
  });

  test("a macro's own resource types are unchecked, not errors; without a macro they are errors", () => {
    const withMacro = 'Transform: S3Objects\nResources:\n  O:\n    Type: AWS::S3::Object\n';
    expect(parts(withMacro)).toEqual([
      { id: undefined, transform: 'S3Objects', mayCreate: ['*'], line: 1 },
      { id: 'O', transform: 'S3Objects', mayCreate: ['*'], line: 4 },
    ]);
    expect(() => parse(withMacro.replace('Transform: S3Objects\n', ''))).toThrow(/unknown resource type "AWS::S3::Object"/);
  });

  test.each([
    [
      'a module as the type, short form',
      'Resources:\n  Net:\n    Type: !Rain::Module network.yaml\n',
      [{ id: 'Net', transform: 'rain pkg', mayCreate: ['*'], line: 2 }],
    ],
    [
      'a module as the type, JSON',
      '{"Resources": {"Net": {"Type": {"Rain::Module": "network.yaml"}}}}',
      [{ id: 'Net', transform: 'rain pkg', mayCreate: ['*'], line: 1 }],
    ],
    [
      'an embedded file in a property',
      'Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ZipFile: !Rain::Embed index.py\n',
      [{ id: 'F', transform: 'rain pkg', mayCreate: ['AWS::Lambda::Function'], line: 6 }],
    ],
  ])("Rain's directives are content only rain pkg produces: %s", (_name, text, expected) => {
    expect(parts(text)).toEqual(expected);
  });

  test('an unknown YAML tag is an error at the tag, not its value read silently', () => {
    let error: unknown;
    try {
      parse('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Reff Name\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^t\.yaml:5:19: unknown YAML tag !Reff/);
  });

  test.each(['!!set {a, b}', '!!binary aGVsbG8=', '!!omap [{a: 1}]'])('a YAML 1.1 type tag (%s) is an error, not a value changed in reading', (value) => {
    expect(() => parse(`Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: ${value}\n`)).toThrow(/unknown YAML tag !!/);
  });

  test('Transform that names nothing is an error', () => {
    expect(() => parse('Transform: 42\nResources:\n  B:\n    Type: AWS::S3::Bucket\n')).toThrow(/^t\.yaml:1:\d+: Transform names no transform/);
  });
});
