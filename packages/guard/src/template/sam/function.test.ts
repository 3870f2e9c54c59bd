import { BASIC_EXECUTION, CREATED_BY, expand, functionYaml, lambdaTrust } from './__tests__/expand';

const FN = `
Transform: AWS::Serverless-2016-10-31
Resources:${functionYaml()}`;

describe('AWS::Serverless::Function', () => {
  test('a minimal function becomes the function and its execution role, tagged by SAM', () => {
    const t = expand(FN);
    expect(t.unchecked).toEqual([]);
    expect(t.ids).toEqual(['Fn', 'FnRole']);
    expect(t.byId.get('Fn')).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: 'bucket', S3Key: 'code.zip' },
        Handler: 'index.handler',
        Runtime: 'nodejs20.x',
        Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] },
        Tags: [CREATED_BY],
      },
    });
    expect(t.byId.get('FnRole')).toEqual({
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: lambdaTrust, ManagedPolicyArns: [BASIC_EXECUTION], Tags: [CREATED_BY] },
    });
  });

  test('an admin inline policy and a public function URL expand into what the Lambda and IAM controls block', () => {
    const t = expand(
      `Resources:${functionYaml(
        `      Policies:
      - Statement:
        - Effect: Allow
          Action: "*"
          Resource: "*"
      FunctionUrlConfig:
        AuthType: NONE
`,
        { code: 'InlineCode: "exports.handler = async () => 1"' },
      )}`,
    );
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('Fn')!.Properties.Code).toEqual({ ZipFile: 'exports.handler = async () => 1' });
    expect(t.byId.get('FnRole')!.Properties.Policies).toEqual([
      { PolicyName: 'FnRolePolicy0', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
    ]);
    expect(t.byId.get('FnUrl')).toEqual({ Type: 'AWS::Lambda::Url', Properties: { AuthType: 'NONE', TargetFunctionArn: { Ref: 'Fn' } } });
    expect(t.byId.get('FnUrlPublicPermissions')).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunctionUrl', FunctionName: { Ref: 'Fn' }, FunctionUrlAuthType: 'NONE', Principal: '*' },
    });
    expect(t.byId.get('FnURLInvokeAllowPublicAccess')).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'Fn' }, InvokedViaFunctionUrl: true, Principal: '*' },
    });
  });

  test('a URL with IAM authentication gets no public permission', () => {
    const t = expand(`${FN}      FunctionUrlConfig: {AuthType: AWS_IAM, InvokeMode: RESPONSE_STREAM, Cors: {AllowOrigins: ["https://example.com"]}}\n`);
    expect(t.byId.get('FnUrl')!.Properties).toEqual({
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      Cors: { AllowOrigins: ['https://example.com'] },
      TargetFunctionArn: { Ref: 'Fn' },
    });
    expect(t.ids).toEqual(['Fn', 'FnUrl', 'FnRole']);
  });

  test("role settings: boundary, trust policy, path, and the function tags after SAM's own", () => {
    const t = expand(`${FN}      PermissionsBoundary: arn:aws:iam::111111111111:policy/boundary
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: edgelambda.amazonaws.com}, Action: sts:AssumeRole}]}
      RolePath: /app/
      Tags: {CostCenter: '42', Owner: !Ref AWS::StackName}
`);
    const role = t.byId.get('FnRole')!.Properties;
    expect(role.PermissionsBoundary).toBe('arn:aws:iam::111111111111:policy/boundary');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'edgelambda.amazonaws.com' });
    expect(role.Path).toBe('/app/');
    const tags = [CREATED_BY, { Key: 'CostCenter', Value: '42' }, { Key: 'Owner', Value: { Ref: 'AWS::StackName' } }];
    expect(role.Tags).toEqual(tags);
    expect(t.byId.get('Fn')!.Properties.Tags).toEqual(tags);
  });

  test('a Role given means no generated role', () => {
    const t = expand(`${FN}      Role: !GetAtt Existing.Arn\n`);
    expect(t.ids).toEqual(['Fn']);
    expect(t.byId.get('Fn')!.Properties.Role).toEqual({ 'Fn::GetAtt': ['Existing', 'Arn'] });
  });

  test('tracing, VPC access and a dead-letter queue add to the function and to its role', () => {
    const t = expand(`${FN}      Tracing: Active
      VpcConfig: {SecurityGroupIds: [sg-1], SubnetIds: [subnet-1]}
      DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dlq.Arn}
      Environment: {Variables: {TABLE: t}}
      KmsKeyArn: arn:aws:kms:eu-west-1:111111111111:key/k
      Layers: [arn:aws:lambda:eu-west-1:111111111111:layer:l:1]
      MemorySize: 256
      Timeout: 10
`);
    const fn = t.byId.get('Fn')!.Properties;
    expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.VpcConfig).toEqual({ SecurityGroupIds: ['sg-1'], SubnetIds: ['subnet-1'] });
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } });
    expect(fn.Environment).toEqual({ Variables: { TABLE: 't' } });
    expect(fn.KmsKeyArn).toBe('arn:aws:kms:eu-west-1:111111111111:key/k');
    expect(fn.Layers).toEqual(['arn:aws:lambda:eu-west-1:111111111111:layer:l:1']);
    expect([fn.MemorySize, fn.Timeout]).toEqual([256, 10]);
    const role = t.byId.get('FnRole')!.Properties;
    expect(role.ManagedPolicyArns).toEqual([
      BASIC_EXECUTION,
      'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'DeadLetterQueuePolicy',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Dlq', 'Arn'] } }] },
      },
    ]);
  });

  test('Tracing: Disabled is no tracing at all', () => {
    const t = expand(`${FN}      Tracing: Disabled\n`);
    expect(t.byId.get('Fn')!.Properties.TracingConfig).toBeUndefined();
    expect(t.byId.get('FnRole')!.Properties.ManagedPolicyArns).toEqual([BASIC_EXECUTION]);
  });

  test('AutoPublishAlias publishes a version (kept on deletion) and an alias that events and the URL use', () => {
    const t = expand(`${FN}      AutoPublishAlias: live
      VersionDescription: v1
      FunctionUrlConfig: {AuthType: AWS_IAM}
`);
    const version = t.ids.find((id) => /^FnVersion[0-9a-f]{10}$/.test(id))!;
    expect(t.byId.get(version)).toEqual({
      Type: 'AWS::Lambda::Version',
      DeletionPolicy: 'Retain',
      Properties: { Description: 'v1', FunctionName: { Ref: 'Fn' } },
    });
    expect(t.byId.get('FnAliaslive')).toEqual({
      Type: 'AWS::Lambda::Alias',
      Properties: { Name: 'live', FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] } },
    });
    expect(t.byId.get('FnUrl')!.Properties.TargetFunctionArn).toEqual({ Ref: 'FnAliaslive' });
  });

  test('the version is named after its code, so new code publishes a new version', () => {
    const id = (code: string) => expand(FN.replace('s3://bucket/code.zip', code) + '      AutoPublishAlias: live\n').ids.find((i) => i.startsWith('FnVersion'));
    expect(id('s3://bucket/a.zip')).not.toEqual(id('s3://bucket/b.zip'));
    expect(id('s3://bucket/a.zip')).toEqual(id('s3://bucket/a.zip'));
  });

  test('code locations: versioned S3 URI, {Bucket, Key, Version}, container image, and a local path awaiting sam package', () => {
    const code = (props: string) =>
      expand(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
${props}`).byId.get('Fn')!.Properties.Code;
    expect(code('      CodeUri: s3://b/k.zip?versionId=3\n      Handler: h\n      Runtime: python3.12')).toEqual({
      S3Bucket: 'b',
      S3Key: 'k.zip',
      S3ObjectVersion: '3',
    });
    expect(code('      CodeUri: {Bucket: b, Key: k, Version: "2"}\n      Handler: h\n      Runtime: python3.12')).toEqual({
      S3Bucket: 'b',
      S3Key: 'k',
      S3ObjectVersion: '2',
    });
    expect(code('      ImageUri: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1\n      PackageType: Image')).toEqual({
      ImageUri: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1',
    });
    expect(code('      CodeUri: src/\n      Handler: h\n      Runtime: python3.12')).toEqual({ S3Bucket: '<sam package bucket>', S3Key: 'src/' });
  });

  test('resource attributes: the function keeps them all, what it generates gets Condition and the deletion policies', () => {
    const t = expand(`
Conditions:
  On: !Equals [a, a]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: On
    DependsOn: Table
    DeletionPolicy: Delete
    Metadata: {BuildMethod: esbuild}
    Properties:
      CodeUri: s3://b/k
      Handler: h
      Runtime: nodejs20.x
`);
    expect(t.byId.get('Fn')).toMatchObject({ Condition: 'On', DependsOn: 'Table', DeletionPolicy: 'Delete', Metadata: { BuildMethod: 'esbuild' } });
    const role = t.byId.get('FnRole')!;
    expect([role.Condition, role.DeletionPolicy, role.DependsOn, role.Metadata]).toEqual(['On', 'Delete', undefined, undefined]);
  });

  describe('what is not expanded is reported, never dropped', () => {
    test.each([
      ['an unknown property', '      Colour: blue\n', ['Resources', 'Fn', 'Properties', 'Colour']],
      ['a property Tarmac does not model', '      CapacityProviderConfig: {Arn: arn}\n', ['Resources', 'Fn', 'Properties', 'CapacityProviderConfig']],
      [
        'a DeploymentPreference option Tarmac does not model',
        '      AutoPublishAlias: live\n      DeploymentPreference: {Type: AllAtOnce, PassthroughCondition: true}\n',
        ['Resources', 'Fn', 'Properties', 'DeploymentPreference', 'PassthroughCondition'],
      ],
      [
        'an alias name from an intrinsic SAM cannot resolve',
        '      AutoPublishAlias: !Sub "${AWS::Region}"\n',
        ['Resources', 'Fn', 'Properties', 'AutoPublishAlias'],
      ],
      ['Tags as an intrinsic', '      Tags: !Ref TagMap\n', ['Resources', 'Fn', 'Properties', 'Tags']],
      [
        'FunctionUrlConfig as an intrinsic',
        '      FunctionUrlConfig: !If [C, {AuthType: NONE}, !Ref AWS::NoValue]\n',
        ['Resources', 'Fn', 'Properties', 'FunctionUrlConfig'],
      ],
      ['Events as an intrinsic', '      Events: !If [C, {}, {}]\n', ['Resources', 'Fn', 'Properties', 'Events']],
      ['a Role that may be absent', '      Role: !If [C, arn:aws:iam::1:role/r, !Ref AWS::NoValue]\n', ['Resources', 'Fn', 'Properties', 'Role']],
      ['PropagateTags (tags SAM copies to what it generates)', '      PropagateTags: true\n', ['Resources', 'Fn', 'Properties', 'PropagateTags']],
    ])('%s makes the function and everything it generates unchecked', (_what, props, path) => {
      const t = expand(FN + props);
      expect(t.resources).toEqual([]);
      expect(t.unchecked).toHaveLength(1);
      expect(t.unchecked[0]).toMatchObject({ logicalId: 'Fn', type: 'AWS::Serverless::Function', sourcePath: path });
      expect(t.unchecked[0].mayCreate).toEqual(
        expect.arrayContaining(['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Lambda::Url', 'AWS::Lambda::Permission']),
      );
    });

    test('Properties that are not a map', () => {
      const t = expand('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: [a]\n');
      expect(t.unchecked).toMatchObject([{ logicalId: 'Fn', sourcePath: ['Resources', 'Fn', 'Properties'] }]);
    });

    test('a gradual deployment: a CodeDeploy deployment group, the shared application and service role, and the alias update policy', () => {
      const t = expand(`${FN}      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery1Minute
        Alarms: [!Ref ErrorsAlarm]
        Hooks: {PreTraffic: !Ref PreTrafficHook}
`);
      expect(t.unchecked).toEqual([]);
      expect(t.byId.get('ServerlessDeploymentApplication')).toEqual({ Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } });
      expect(t.byId.get('CodeDeployServiceRole')!.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda']);
      expect(t.byId.get('FnDeploymentGroup')!.Properties).toEqual({
        ApplicationName: { Ref: 'ServerlessDeploymentApplication' },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] },
        DeploymentConfigName: { 'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: 'Linear10PercentEvery1Minute' }] },
        DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
        ServiceRoleArn: { 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] },
        AlarmConfiguration: { Alarms: [{ Name: { Ref: 'ErrorsAlarm' } }], Enabled: true },
      });
      expect(t.byId.get('FnAliaslive')!.UpdatePolicy).toEqual({
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: 'ServerlessDeploymentApplication' },
          DeploymentGroupName: { Ref: 'FnDeploymentGroup' },
          BeforeAllowTrafficHook: { Ref: 'PreTrafficHook' },
        },
      });
    });

    test('functions share the CodeDeploy application and service role', () => {
      const second = FN.split('Resources:')[1].replace(/Fn:/, 'Other:');
      const t = expand(
        `${FN}      AutoPublishAlias: live\n      DeploymentPreference: {Type: AllAtOnce}\n${second}      AutoPublishAlias: live\n      DeploymentPreference: {Type: AllAtOnce}\n`,
      );
      expect(t.unchecked).toEqual([]);
      expect(t.ids.filter((id) => id === 'ServerlessDeploymentApplication' || id === 'CodeDeployServiceRole')).toEqual([
        'ServerlessDeploymentApplication',
        'CodeDeployServiceRole',
      ]);
      expect(t.ids).toEqual(expect.arrayContaining(['FnDeploymentGroup', 'OtherDeploymentGroup']));
    });

    test('a DeploymentPreference that is disabled generates nothing and is expanded', () => {
      const t = expand(`${FN}      DeploymentPreference: {Enabled: false}\n`);
      expect(t.unchecked).toEqual([]);
      expect(t.ids).toEqual(['Fn', 'FnRole']);
    });
  });
});
