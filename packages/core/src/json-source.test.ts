import { InputError } from './errors';
import { parseJsonSource } from './json-source';
import { parseSource } from './yaml-source';

const TEMPLATE = `{
  "Resources": {
    "Bucket": {
      "Type": "AWS::S3::Bucket",
      "Properties": { "Tags": [ { "Key": "team", "Value": "data" } ] }
    }
  }
}
`;

describe('parseJsonSource', () => {
  test('reads strict JSON with the line and column of every key and array item', () => {
    const doc = parseJsonSource(TEMPLATE, 't.json')!;
    expect(doc.value).toEqual(JSON.parse(TEMPLATE));
    expect(doc.locate(['Resources', 'Bucket'])).toEqual({ file: 't.json', line: 3, column: 5 });
    expect(doc.locate(['Resources', 'Bucket', 'Properties', 'Tags', 0, 'Value'])).toEqual({ file: 't.json', line: 5, column: 50 });
  });

  test('an absent path is located at its nearest ancestor', () => {
    const doc = parseJsonSource(TEMPLATE, 't.json')!;
    expect(doc.locate(['Resources', 'Bucket', 'Properties', 'BucketEncryption', 'X'])).toEqual({ file: 't.json', line: 5, column: 7 });
    expect(doc.locate([])).toEqual({ file: 't.json', line: 1, column: 1 });
  });

  test('CRLF line endings count lines the same way', () => {
    const doc = parseJsonSource(TEMPLATE.replace(/\n/g, '\r\n'), 't.json')!;
    expect(doc.locate(['Resources', 'Bucket', 'Type'])).toEqual({ file: 't.json', line: 4, column: 7 });
  });

  test('a duplicate key is an error at the second occurrence', () => {
    const text = '{\n  "Resources": {\n    "B": { "Type": "AWS::S3::Bucket" },\n    "B": { "Type": "AWS::SQS::Queue" }\n  }\n}';
    expect(() => parseJsonSource(text, 'd.json')).toThrow(InputError);
    expect(() => parseJsonSource(text, 'd.json')).toThrow(/^d\.json:4:5: duplicate key: B/);
  });

  test.each([
    ['a YAML flow mapping', '{Resources: {B: {Type: AWS::S3::Bucket}}}'],
    ['a trailing comma', '{"Resources": {},}'],
    ['malformed JSON', '{"Resources": {"B": }'],
  ])('%s is not strict JSON: left to the YAML reader', (_name, text) => {
    expect(parseJsonSource(text, 'x.json')).toBeUndefined();
  });

  test('a // or /* */ comment is an error where it is: read as YAML, the file would fail somewhere else', () => {
    expect(() => parseJsonSource('{"Resources": {} // note\n}', 'x.json')).toThrow(/^x\.json:1:18: JSON does not allow comments/);
    expect(() => parseJsonSource('{\n/* note */ "Resources": {}}', 'x.json')).toThrow(/^x\.json:2:1: JSON does not allow comments/);
  });
});

describe('parseSource picks the reader', () => {
  test('strict JSON and YAML give the same value and locations for the same document', () => {
    const yaml = parseSource('Resources:\n  B:\n    Type: AWS::S3::Bucket\n', 'y.yaml');
    const json = parseSource('{"Resources":\n  {"B":\n    {"Type": "AWS::S3::Bucket"}}}\n', 'j.json');
    expect(json.value).toEqual(yaml.value);
    expect(json.locate(['Resources', 'B', 'Type']).line).toBe(yaml.locate(['Resources', 'B', 'Type']).line);
  });

  test('a YAML flow mapping still parses; malformed JSON still gets the YAML reader’s message', () => {
    expect(parseSource('{Resources: {B: {Type: AWS::S3::Bucket}}}', 'f.yaml').value).toEqual({ Resources: { B: { Type: 'AWS::S3::Bucket' } } });
    expect(() => parseSource('{"Resources": {"B": }', 'm.json')).toThrow(/^m\.json:1:\d+: malformed YAML\/JSON/);
  });
});
