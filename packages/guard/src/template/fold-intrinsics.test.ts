import { IntrinsicFolder, alternativeResources } from './fold-intrinsics';

const template = {
  Parameters: {
    Stage: { Type: 'String', Default: 'prod', AllowedValues: ['dev', 'prod'] },
    Days: { Type: 'String', Default: '' },
    Subnets: { Type: 'CommaDelimitedList', Default: 'a, b' },
    Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/aws/ami/latest' },
    NoDefault: { Type: 'String' },
  },
  Mappings: { Env: { prod: { Cidr: '10.0.0.0/8' } } },
  Conditions: {
    Never: { 'Fn::Equals': ['a', 'b'] },
    Always: { 'Fn::Not': [{ Condition: 'Never' }] },
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    ProdOrNever: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'Never' }] },
    Loop: { 'Fn::Not': [{ Condition: 'Loop' }] },
  },
};
const fold = (value: unknown) => new IntrinsicFolder(template).fold(value);

describe('IntrinsicFolder: what the template alone decides', () => {
  test.each([
    ['Fn::If on a condition of literals', { 'Fn::If': ['Never', 'private', '0.0.0.0/0'] }, '0.0.0.0/0'],
    ['Fn::If on a condition built from conditions', { 'Fn::If': ['Always', 'yes', 'no'] }, 'yes'],
    ['Fn::If with equal branches on an unknown condition', { 'Fn::If': ['IsProd', { A: 1 }, { A: 1 }] }, { A: 1 }],
    ['Fn::If with branches equal but for key order', { 'Fn::If': ['IsProd', { A: 1, B: [2] }, { B: [2], A: 1 }] }, { A: 1, B: [2] }],
    ['Fn::Select over a literal list', { 'Fn::Select': [1, ['a', 'b']] }, 'b'],
    ['Fn::Select with a string index', { 'Fn::Select': ['0', ['alias/aws/sqs']] }, 'alias/aws/sqs'],
    ['Fn::Join over literals', { 'Fn::Join': ['-', ['a', 1, true]] }, 'a-1-true'],
    ['Fn::Sub without variables', { 'Fn::Sub': 'optional' }, 'optional'],
    ['Fn::Sub with its own literal variables', { 'Fn::Sub': ['${A}-${!B}', { A: 'x' }] }, 'x-${B}'],
    ['Fn::FindInMap with literal keys', { 'Fn::FindInMap': ['Env', 'prod', 'Cidr'] }, '10.0.0.0/8'],
    ['nested folds', { 'Fn::Select': [0, [{ 'Fn::If': ['Never', 'x', { 'Fn::Join': ['', ['0.0.0.0/', '0']] }] }]] }, '0.0.0.0/0'],
  ])('%s', (_name, value, expected) => {
    expect(fold(value)).toEqual(expected);
  });

  test('AWS::NoValue removes the property or list item, as CloudFormation does', () => {
    expect(fold({ A: { 'Fn::If': ['Never', 1, { Ref: 'AWS::NoValue' }] }, B: [1, { Ref: 'AWS::NoValue' }, 2] })).toEqual({ B: [1, 2] });
  });

  test.each([
    ['a parameter', { Ref: 'Stage' }],
    ['a pseudo parameter', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b' }],
    ['an attribute', { 'Fn::GetAtt': ['Key', 'Arn'] }],
    ['Fn::If on a condition that reads a parameter, branches differing', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['Fn::If on a condition that reads itself', { 'Fn::If': ['Loop', 'a', 'b'] }],
    ['Fn::If on an undefined condition', { 'Fn::If': ['Missing', 'a', 'b'] }],
    ['Fn::Select out of range', { 'Fn::Select': [5, ['a']] }],
    ['Fn::FindInMap with an unknown key', { 'Fn::FindInMap': ['Env', { Ref: 'Stage' }, 'Cidr'] }],
  ])('what a deployment decides stays as written: %s', (_name, value) => {
    expect(fold(value)).toEqual(value);
  });

  test('a map keyed by __proto__ keeps its key', () => {
    expect(Object.keys(fold(JSON.parse('{"__proto__": {"Fn::Sub": "x"}}')) as object)).toEqual(['__proto__']);
  });
});

describe('alternativeResources: the same resources under other deployments', () => {
  const resources = {
    Log: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: { Ref: 'Days' }, Other: { Ref: 'NoDefault' }, Ami: { Ref: 'Ami' }, Subnets: { Ref: 'Subnets' } },
    },
    Db: { Type: 'AWS::RDS::DBInstance', Properties: { 'Fn::If': ['IsProd', { PubliclyAccessible: true }, { Ref: 'AWS::NoValue' }] } },
  };
  const worlds = alternativeResources(template, resources) as Record<string, Record<string, { Properties?: unknown }>>;

  test('conditions that depend on the deployment true, then false, with parameters unknown', () => {
    expect(worlds.conditionsTrue.Db.Properties).toEqual({ PubliclyAccessible: true });
    expect(worlds.conditionsFalse.Db).toEqual({ Type: 'AWS::RDS::DBInstance' });
    expect(worlds.conditionsTrue.Log).toEqual(resources.Log);
  });

  test('parameters at their defaults (lists split), conditions decided by them; SSM parameters and those without a default stay', () => {
    expect(worlds.parameterDefaults.Log.Properties).toEqual({ RetentionInDays: '', Other: { Ref: 'NoDefault' }, Ami: { Ref: 'Ami' }, Subnets: ['a', 'b'] });
    expect(worlds.parameterDefaults.Db.Properties).toEqual({ PubliclyAccessible: true });
  });

  test('a world that reads as the written template is left out; a template without parameters or conditions has none', () => {
    const onlyDefaults = alternativeResources(template, { L: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'Days' } } } });
    expect(
      Object.entries(onlyDefaults)
        .filter(([, r]) => r)
        .map(([w]) => w),
    ).toEqual(['parameterDefaults']);
    expect(alternativeResources({}, { B: { Type: 'AWS::S3::Bucket', Properties: { A: 1 } } })).toEqual({});
  });
});
