import { expand } from './__tests__/expand';

const TEMPLATE = `
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    Timeout: 30
    Environment: {Variables: {STAGE: prod, LOG: info}}
    Tags: {team: a}
    Layers: [arn:aws:lambda:eu-west-1:1:layer:common:1]
    VpcConfig: {SecurityGroupIds: [sg-global], SubnetIds: [subnet-1]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Timeout: 5
      Environment: {Variables: {LOG: debug}}
      Tags: {owner: b}
      Layers: [arn:aws:lambda:eu-west-1:1:layer:mine:1]
      VpcConfig: {SecurityGroupIds: [sg-local]}
`;

describe('Globals', () => {
  test('scalars are overridden, maps merged key by key, lists concatenated with the global items first', () => {
    const fn = expand(TEMPLATE).byId.get('Fn')!.Properties;
    expect(fn.Runtime).toBe('python3.12');
    expect(fn.Handler).toBe('app.handler');
    expect(fn.Timeout).toBe(5);
    expect(fn.Environment).toEqual({ Variables: { STAGE: 'prod', LOG: 'debug' } });
    expect(fn.Tags).toEqual([
      { Key: 'lambda:createdBy', Value: 'SAM' },
      { Key: 'team', Value: 'a' },
      { Key: 'owner', Value: 'b' },
    ]);
    expect(fn.Layers).toEqual(['arn:aws:lambda:eu-west-1:1:layer:common:1', 'arn:aws:lambda:eu-west-1:1:layer:mine:1']);
    expect(fn.VpcConfig).toEqual({ SecurityGroupIds: ['sg-global', 'sg-local'], SubnetIds: ['subnet-1'] });
  });

  test('IgnoreGlobals: all of them, or the properties named', () => {
    const all = expand(
      TEMPLATE.replace('    Properties:\n      CodeUri', '    IgnoreGlobals: "*"\n    Properties:\n      Handler: h\n      Runtime: nodejs20.x\n      CodeUri'),
    ).byId.get('Fn')!.Properties;
    expect([all.Runtime, all.Environment, all.Layers]).toEqual(['nodejs20.x', { Variables: { LOG: 'debug' } }, ['arn:aws:lambda:eu-west-1:1:layer:mine:1']]);
    const some = expand(TEMPLATE.replace('    Properties:\n      CodeUri', '    IgnoreGlobals: [Layers]\n    Properties:\n      CodeUri')).byId.get(
      'Fn',
    )!.Properties;
    expect([some.Runtime, some.Layers]).toEqual(['python3.12', ['arn:aws:lambda:eu-west-1:1:layer:mine:1']]);
  });

  test('a global property Tarmac does not know makes every resource of that type unchecked', () => {
    const t = expand(TEMPLATE.replace('    Timeout: 30', '    Timeout: 30\n    Colour: blue'));
    expect(t.resources).toEqual([]);
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'Fn', sourcePath: ['Globals', 'Function', 'Colour'] })]);
  });

  test('a Globals section for a type Tarmac does not know makes every SAM resource unchecked', () => {
    const t = expand(TEMPLATE.replace('Globals:\n', 'Globals:\n  Gizmo: {Size: 1}\n'));
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'Fn', sourcePath: ['Globals', 'Gizmo'] })]);
  });
});
