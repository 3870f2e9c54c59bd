import { expand } from './__tests__/expand';

describe('AWS::Serverless::SimpleTable', () => {
  test('an on-demand table keyed by id, or by the PrimaryKey given, with the settings controls read', () => {
    const t = expand(`
Globals:
  SimpleTable:
    SSESpecification: {SSEEnabled: true}
Resources:
  Minimal:
    Type: AWS::Serverless::SimpleTable
  Complete:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: orders
      PrimaryKey: {Name: orderId, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      Tags: {team: a}
`);
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('Minimal')).toEqual({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
      },
    });
    expect(t.byId.get('Complete')!.Properties).toEqual({
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      TableName: 'orders',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      Tags: [{ Key: 'team', Value: 'a' }],
    });
  });

  test('a PrimaryKey type DynamoDB does not have is reported', () => {
    const t = expand('Resources:\n  T:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {PrimaryKey: {Name: id, Type: Boolean}}\n');
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'T', mayCreate: ['AWS::DynamoDB::Table'] })]);
  });
});

describe('AWS::Serverless::LayerVersion', () => {
  test('a layer version named after its content, kept on deletion unless RetentionPolicy says Delete; references follow the new name', () => {
    const t = expand(`
Parameters:
  Retention: {Type: String, Default: delete}
Resources:
  Libs:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: s3://bucket/libs.zip
      CompatibleRuntimes: [python3.12]
      RetentionPolicy: !Ref Retention
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: h
      Runtime: python3.12
      Layers: [!Ref Libs]
`);
    expect(t.unchecked).toEqual([]);
    const layerId = t.ids.find((id) => /^Libs[0-9a-f]{10}$/.test(id))!;
    expect(t.byId.get(layerId)).toEqual({
      Type: 'AWS::Lambda::LayerVersion',
      DeletionPolicy: 'Delete',
      Properties: { Content: { S3Bucket: 'bucket', S3Key: 'libs.zip' }, LayerName: 'Libs', CompatibleRuntimes: ['python3.12'] },
    });
    expect(t.byId.get('Fn')!.Properties.Layers).toEqual([{ Ref: layerId }]);
  });

  test('a name that depends on the deployment region cannot be resolved as SAM does: reported', () => {
    const t = expand('Resources:\n  L:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: s3://b/k, LayerName: !Ref AWS::Region}\n');
    expect(t.resources).toEqual([]);
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'L', sourcePath: ['Resources', 'L', 'Properties', 'LayerName'] })]);
  });
});
