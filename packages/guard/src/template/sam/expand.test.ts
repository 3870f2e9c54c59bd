import { SAM_GENERATED_TYPES, SourcedResource, expandServerless } from '.';
import { expand, functionYaml } from './__tests__/expand';

const deepFreeze = <T>(v: T): T => {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

describe('expandServerless', () => {
  const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket:
    Type: AWS::S3::Bucket${functionYaml('      Events:\n        Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: "s3:ObjectCreated:*"}}\n')}  Queue:
    Type: AWS::SQS::Queue
`;

  test('other resources are returned unchanged (the same objects), in order, with SAM resources replaced in place', () => {
    const t = expand(TEMPLATE);
    expect(t.ids).toEqual(['Bucket', 'Fn', 'FnRole', 'FnUploadPermission', 'Queue']);
    expect(t.resources[0]).toBe(t.input[0]);
    expect(t.resources[4]).toBe(t.input[2]);
    expect(t.resources[1].sourcePath).toEqual(['Resources', 'Fn']);
  });

  test('a template without SAM resources is returned as it is', () => {
    const input: SourcedResource[] = [{ logicalId: 'B', resource: { Type: 'AWS::S3::Bucket' }, sourcePath: ['Resources', 'B'] }];
    const out = expandServerless({ Resources: {} }, input);
    expect(out.unchecked).toEqual([]);
    expect(out.resources).toEqual(input);
    expect(out.resources[0]).toBe(input[0]);
  });

  test('the input is not changed, and the same input gives the same output', () => {
    const t = expand(TEMPLATE);
    const root = deepFreeze({ Resources: {} });
    const input = deepFreeze(t.input.map((r) => ({ ...r })));
    const first = expandServerless(root, input);
    expect(expandServerless(root, input)).toEqual(first);
    expect(JSON.stringify(first)).toEqual(JSON.stringify(expandServerless(root, input)));
  });

  test('generated resources share no object with the input or with each other', () => {
    const t = expand(TEMPLATE.replace('      Handler:', '      AutoPublishAlias: live\n      Handler:'));
    const seen = new Set<object>();
    const inputs = new Set<object>();
    const collect = (v: unknown, into: Set<object>) => {
      if (v && typeof v === 'object') {
        into.add(v);
        Object.values(v).forEach((x) => collect(x, into));
      }
    };
    t.input.forEach((r) => collect(r.resource, inputs));
    for (const r of t.resources.filter((x) => !t.input.some((i) => i.resource === x.resource))) {
      const own = new Set<object>();
      collect(r.resource, own);
      for (const o of own) {
        expect(inputs.has(o)).toBe(false);
        expect(seen.has(o)).toBe(false);
        seen.add(o);
      }
    }
  });

  test('logical IDs and keys named like Object.prototype members stay ordinary', () => {
    const t = expand(`
Resources:${functionYaml(
      `      Environment: {Variables: {__proto__: x, constructor: y}}
      Tags: {toString: z}
      Events:
        constructor: {Type: Api, Properties: {Path: /__proto__, Method: get}}
`,
      { id: '__proto__' },
    )}  constructor:
    Type: AWS::Serverless::SimpleTable
  toString:
    Type: AWS::Serverless::Api
    Properties:
      StageName: __proto__
      Variables: {hasOwnProperty: v}
`);
    expect(t.unchecked).toEqual([]);
    expect(t.ids).toEqual(
      expect.arrayContaining([
        '__proto__',
        '__proto__Role',
        '__proto__constructorPermissionProd',
        'constructor',
        'toString',
        'toString__proto__Stage',
        'ServerlessRestApi',
      ]),
    );
    const fn = t.byId.get('__proto__')!;
    expect(Object.getPrototypeOf(fn.Properties.Environment.Variables)).toBe(Object.prototype);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(['__proto__', 'constructor']);
    expect(fn.Properties.Environment.Variables.constructor).toBe('y');
    expect(fn.Properties.Tags).toContainEqual({ Key: 'toString', Value: 'z' });
    expect(Object.keys(t.byId.get('ServerlessRestApi')!.Properties.Body.paths)).toEqual(['/__proto__']);
    expect(t.byId.get('toString__proto__Stage')!.Properties.Variables).toEqual({ hasOwnProperty: 'v' });
    expect(t.byId.get('constructor')!.Type).toBe('AWS::DynamoDB::Table');
  });

  test('a SAM type Tarmac does not expand is unchecked whole, with the types SAM documents for it', () => {
    const t = expand(`
Resources:
  App:
    Type: AWS::Serverless::Application
    Properties: {Location: {ApplicationId: arn:aws:serverlessrepo:us-east-1:1:applications/a, SemanticVersion: 1.0.0}}
  Gadget:
    Type: AWS::Serverless::Gadget
`);
    expect(t.resources).toEqual([]);
    expect(t.unchecked).toEqual([
      {
        logicalId: 'App',
        type: 'AWS::Serverless::Application',
        sourcePath: ['Resources', 'App'],
        reason: 'AWS::Serverless::Application is not expanded by Tarmac',
        mayCreate: SAM_GENERATED_TYPES['AWS::Serverless::Application'],
      },
      {
        logicalId: 'Gadget',
        type: 'AWS::Serverless::Gadget',
        sourcePath: ['Resources', 'Gadget'],
        reason: 'AWS::Serverless::Gadget is not expanded by Tarmac',
        mayCreate: ['*'],
      },
    ]);
  });

  test('connectors embedded in any resource are reported (each becomes an AWS::Serverless::Connector)', () => {
    const t = expand(`Resources:
  Queue:
    Type: AWS::SQS::Queue
    Connectors:
      ToFn: {Properties: {Destination: {Id: Fn}, Permissions: [Write]}}
`);
    expect(t.ids).toEqual(['Queue']);
    expect(t.unchecked).toEqual([
      expect.objectContaining({ logicalId: 'QueueToFn', type: 'AWS::Serverless::Connector', sourcePath: ['Resources', 'Queue', 'Connectors', 'ToFn'] }),
    ]);
  });

  test('a resource attribute SAM does not know is reported', () => {
    const t = expand('Resources:\n  T:\n    Type: AWS::Serverless::SimpleTable\n    CreationPolicy: {}\n');
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'T', sourcePath: ['Resources', 'T', 'CreationPolicy'] })]);
  });

  test('a generated logical ID the template already uses: the generating part is reported, the written resource kept', () => {
    const t = expand(`${TEMPLATE}  FnRole:\n    Type: AWS::SNS::Topic\n`);
    expect(t.ids).toEqual(['Bucket', 'Fn', 'FnUploadPermission', 'Queue', 'FnRole']);
    expect(t.byId.get('FnRole')!.Type).toBe('AWS::SNS::Topic');
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'Fn', reason: 'SAM would generate FnRole, a logical ID the template already uses' })]);
  });

  test('every SAM type has the CloudFormation types it may generate', () => {
    for (const [type, generated] of Object.entries(SAM_GENERATED_TYPES)) {
      expect(type).toMatch(/^AWS::Serverless::/);
      expect(generated.length).toBeGreaterThan(0);
      for (const g of generated) expect(g).toMatch(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/);
    }
  });
});
