import * as fs from 'fs';
import * as path from 'path';
import { narrowDocument, readsResourcesOnlyByType, stringLiterals } from './narrow-document';

describe('readsResourcesOnlyByType', () => {
  test.each([
    ['a type filter', "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]"],
    ['a hook type filter through a variable', 'let b = Resources.*[ ResourceType == %T ]'],
    [
      'a multi-line filter whose first conjunct is the type',
      'let k = Resources.*[\n    Type == %T\n    Properties.KeySpec not exists or\n    Properties.KeySpec == "X"\n]',
    ],
    ['a disjunction of types', 'let p = Resources.*[\n    Type == %A or\n    Type == %B\n]'],
    ['a type list', "let p = Resources.*[ Type in ['AWS::S3::Bucket', 'AWS::SQS::Queue'] ]"],
    ['a keyed lookup', 'let r = %doc.Resources[ keys == %resource_key ]'],
    ['an existence check', 'rule t { Resources exists }'],
    ['a comment that would not be allowed as code', '# Resources.*.Properties\nrule t { Resources exists }'],
    ['an ARN regex that is not a type', 'let P = /^arn:aws[a-z0-9\\-]*:iam::\\d{12}:.+/\nrule t { Resources exists }'],
  ])('narrowable: %s', (_name, text) => {
    expect(readsResourcesOnlyByType(text)).toBe(true);
  });

  test.each([
    ['every resource', 'let all = Resources.*'],
    ['every resource through a variable', 'let all = Resources\nrule t { %all.*.Properties exists }'],
    ['a filter on properties, not type', 'let x = Resources.*[ Properties.Bucket exists ]'],
    ['a type or a property', "let x = Resources.*[ Type == 'AWS::S3::Bucket' or Properties.Bucket exists ]"],
    ['a negated type', "let x = Resources.*[ Type != 'AWS::S3::Bucket' ]"],
    ['a type regex through a variable', 'let T = /AWS::S3::.*/\nlet x = Resources.*[ Type == %T ]'],
    ['a literal key lookup', "let x = Resources[ keys == 'MyBucket' ]"],
    ['a property named Resources', 'rule t { EncryptionConfig[*] { some Resources[*] == "secrets" } }'],
    ['an unclosed filter', "let x = Resources.*[ Type == 'AWS::S3::Bucket'"],
    ['the root read with a wildcard', 'let d = this\nrule t { %d.*.* { Properties.X exists } }'],
    ['the root read with a filter', "let d = this\nrule t { %d[ Type == 'AWS::S3::Bucket' ] exists }"],
    ['a lookup by a key bound to a pattern', 'let k = /Bucket/\nlet r = Resources[ keys == %k ]\nrule t { %r.Properties exists }'],
    [
      'a lookup by a computed key',
      "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\nlet k = regex_replace(%b.Properties.Name, 'x', 'y')\nrule t { Resources[ keys == %k ].Properties exists }",
    ],
    ['the legacy shape with a pattern', 'let d = this\nlet l = %d[ keys == /::/ ]\nrule t { %l.*.resourceProperties exists }'],
    ['the whole Resources map passed to a function', 'let n = count(Resources)\nrule t { %n > 1 }'],
  ])('not narrowable: %s', (_name, text) => {
    expect(readsResourcesOnlyByType(text)).toBe(false);
  });

  test.each([
    ['a lookup by a logical ID read from a typed resource', 'keyed-lookup.guard'],
    ['the legacy hook shape by a literal type', 'catalog-style.guard'],
    ['Control Tower utility rules on the root', 'control-tower-style.guard'],
  ])('narrowable fixture: %s', (_name, fixture) => {
    expect(readsResourcesOnlyByType(fs.readFileSync(path.join(__dirname, '..', 'rules', '__fixtures__', 'dispatch', fixture), 'utf8'))).toBe(true);
  });
});

describe('narrowDocument', () => {
  const doc = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: { KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } },
          LoggingConfiguration: { DestinationBucketName: { Ref: 'Logs' } },
        },
      },
      Key: { Type: 'AWS::KMS::Key', Properties: { Description: { 'Fn::Sub': '${Alias} key' } } },
      Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/x' } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } },
      Named: { Type: 'AWS::SSM::Parameter', Properties: { Value: 'v' } },
    },
    Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
  };

  test('keeps the named types and every resource they reach by Ref, GetAtt or Sub; stubs the rest with their Type', () => {
    const narrowed = narrowDocument(doc, new Set(['AWS::S3::Bucket'])) as typeof doc;
    const r = narrowed.Resources;
    expect(r.Bucket).toBe(doc.Resources.Bucket);
    expect(r.Key).toBe(doc.Resources.Key); // GetAtt from the bucket
    expect(r.Alias).toBe(doc.Resources.Alias); // Sub from the key: reached transitively
    expect(r.Logs).toBe(doc.Resources.Logs); // Ref from the bucket
    expect(r.Topic).toBe(doc.Resources.Topic); // Ref from Outputs
    expect(r.Queue).toEqual({ Type: 'AWS::SQS::Queue' });
    expect(r.Named).toEqual({ Type: 'AWS::SSM::Parameter' });
    expect(narrowed.Outputs).toBe(doc.Outputs);
    expect(Object.keys(r)).toEqual(Object.keys(doc.Resources));
  });

  test('a logical ID named in a rule stays whole', () => {
    const narrowed = narrowDocument(doc, new Set(['AWS::S3::Bucket']), stringLiterals("let x = 'Named' # 'Queue' is only a comment")) as typeof doc;
    expect(narrowed.Resources.Named).toBe(doc.Resources.Named);
    expect(narrowed.Resources.Queue).toEqual({ Type: 'AWS::SQS::Queue' });
  });

  test('returns the document itself when nothing can be stubbed', () => {
    expect(narrowDocument(doc, new Set(Object.values(doc.Resources).map((r) => r.Type)))).toBe(doc);
  });
});
