import { isIntrinsic, pointerReachesIntrinsic } from './intrinsics';

describe('isIntrinsic', () => {
  test.each([
    ['Ref', { Ref: 'Algo' }],
    ['Ref to a pseudo parameter', { Ref: 'AWS::NoValue' }],
    ['Condition', { Condition: 'IsProd' }],
    ['Fn::If', { 'Fn::If': ['IsProd', 'aws:kms', 'AES256'] }],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'shared-key-arn' }],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['Key', 'Arn'] }],
    ['Fn::Sub', { 'Fn::Sub': '${AWS::StackName}-bucket' }],
    ['Fn::Join', { 'Fn::Join': ['', ['a', { Ref: 'B' }]] }],
  ])('%s is an intrinsic', (_name, value) => {
    expect(isIntrinsic(value)).toBe(true);
  });

  test.each([
    ['a string', 'aws:kms'],
    ['a string that names a function', 'Fn::If'],
    ['a number', 0],
    ['a boolean', false],
    ['null', null],
    ['undefined', undefined],
    ['an empty map', {}],
    ['a list holding an intrinsic', [{ Ref: 'Algo' }]],
    ['a map of properties', { SSEAlgorithm: 'aws:kms' }],
    ['a two-key map with Ref', { Ref: 'Algo', Extra: 1 }],
    ['a two-key map of functions', { 'Fn::If': [], 'Fn::Sub': '' }],
    ['a key that only starts like Ref', { Reference: 'x' }],
    ['a key that only looks like a function', { 'Fn:If': [] }],
    ['a lower-case ref', { ref: 'x' }],
  ])('%s is not an intrinsic', (_name, value) => {
    expect(isIntrinsic(value)).toBe(false);
  });
});

describe('pointerReachesIntrinsic', () => {
  const template = {
    Parameters: { Algo: { Type: 'String' } },
    Resources: {
      Literal: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } },
      },
      Referenced: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: { Ref: 'Algo' } } }] } },
      },
      Conditional: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: { 'Fn::If': ['IsProd', { ServerSideEncryptionConfiguration: [] }, { Ref: 'AWS::NoValue' }] },
          VersioningConfiguration: { Status: 'Suspended' },
        },
      },
      Imported: { Type: 'AWS::S3::Bucket', Properties: { 'Fn::ImportValue': 'bucket-props' } },
      'Slash/Key': { Type: 'AWS::S3::Bucket', Properties: { 'a/b': { Ref: 'Algo' }, 'c~d': { Ref: 'Algo' }, 'a~1b': 'literal' } },
    },
  };
  const sse = (id: string) => `/Resources/${id}/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm`;

  test('a literal value is not an intrinsic, nor are its parents', () => {
    expect(pointerReachesIntrinsic(template, sse('Literal'))).toBe(false);
    expect(pointerReachesIntrinsic(template, '/Resources/Literal/Properties/BucketEncryption')).toBe(false);
    expect(pointerReachesIntrinsic(template, '/Resources/Literal/Properties')).toBe(false);
  });

  test('the value at the pointer is a Ref', () => {
    expect(pointerReachesIntrinsic(template, sse('Referenced'))).toBe(true);
    // The map that holds the Ref is not itself one.
    expect(
      pointerReachesIntrinsic(template, '/Resources/Referenced/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault'),
    ).toBe(false);
  });

  test('a pointer past a Ref (the engine looked for a key under it) reaches the Ref', () => {
    expect(pointerReachesIntrinsic(template, `${sse('Referenced')}/Nested/Deeper`)).toBe(true);
  });

  test('an Fn::If at a parent property: the property itself, its branches and paths under it', () => {
    expect(pointerReachesIntrinsic(template, '/Resources/Conditional/Properties/BucketEncryption')).toBe(true);
    expect(pointerReachesIntrinsic(template, '/Resources/Conditional/Properties/BucketEncryption/Fn::If/1/ServerSideEncryptionConfiguration')).toBe(true);
    expect(pointerReachesIntrinsic(template, '/Resources/Conditional/Properties/BucketEncryption/ServerSideEncryptionConfiguration')).toBe(true);
  });

  test('a sibling of an intrinsic is judged on its own', () => {
    expect(pointerReachesIntrinsic(template, '/Resources/Conditional/Properties/VersioningConfiguration/Status')).toBe(false);
    expect(pointerReachesIntrinsic(template, '/Resources/Conditional/Properties')).toBe(false);
  });

  test('a whole Properties map that is an Fn::ImportValue', () => {
    expect(pointerReachesIntrinsic(template, '/Resources/Imported/Properties')).toBe(true);
    expect(pointerReachesIntrinsic(template, '/Resources/Imported/Properties/BucketEncryption')).toBe(true);
  });

  test('paths that do not exist, or go through a literal, are not intrinsics', () => {
    expect(pointerReachesIntrinsic(template, '/Resources/Missing/Properties')).toBe(false);
    expect(pointerReachesIntrinsic(template, '/Resources/Literal/Properties/NotThere/Deeper')).toBe(false);
    expect(pointerReachesIntrinsic(template, `${sse('Literal')}/Deeper`)).toBe(false);
    expect(pointerReachesIntrinsic(template, '/Resources/Literal/Properties/BucketEncryption/ServerSideEncryptionConfiguration/7')).toBe(false);
  });

  test('only values inside a resource count: a logical ID named Ref or Condition is no intrinsic', () => {
    expect(pointerReachesIntrinsic({ Ref: 'Algo' }, '')).toBe(false);
    const named = { Resources: { Condition: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'raw' } } } };
    expect(pointerReachesIntrinsic(named, '/Resources/Condition/Properties/BucketName')).toBe(false);
    expect(pointerReachesIntrinsic({ Resources: { Ref: { Type: 'AWS::S3::Bucket' } } }, '/Resources/Ref/Properties')).toBe(false);
  });

  test('~1 and ~0 are unescaped as in RFC 6901 (~1 before ~0)', () => {
    expect(pointerReachesIntrinsic(template, '/Resources/Slash~1Key/Properties/a~1b')).toBe(true);
    expect(pointerReachesIntrinsic(template, '/Resources/Slash~1Key/Properties/c~0d')).toBe(true);
    // ~01 is the key "~1", not "/": here "a~1b" is a literal key, "a/b" a Ref.
    expect(pointerReachesIntrinsic(template, '/Resources/Slash~1Key/Properties/a~01b')).toBe(false);
  });
});
