import { apiYaml, expand, functionYaml, generatedApi } from './__tests__/expand';

const lambdaUri = (arn: string) => ({ 'Fn::Sub': `arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${arn}}/invocations` });
const proxy = (arn: string) => ({ type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(arn) });
const fn = (events: string) => functionYaml(`      Events:\n${events}`);
const restApi = (properties: string, id?: string) => apiYaml('AWS::Serverless::Api', properties, { id });

describe('AWS::Serverless::Api and Api events', () => {
  test('an Api event without RestApiId creates ServerlessRestApi: its document, a deployment, the Prod stage and a permission', () => {
    const t = expand(
      `Resources:${fn(`        Get: {Type: Api, Properties: {Path: "/items/{id}", Method: get}}
        Any: {Type: Api, Properties: {Path: "/{proxy+}", Method: any}}`)}`,
    );
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('ServerlessRestApi')).toEqual(
      generatedApi('AWS::ApiGateway::RestApi', {
        swagger: '2.0',
        paths: {
          '/items/{id}': { get: { 'x-amazon-apigateway-integration': proxy('Fn.Arn'), responses: {} } },
          '/{proxy+}': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': proxy('Fn.Arn'), responses: {} } },
        },
      }),
    );
    const deployment = t.ids.find((id) => /^ServerlessRestApiDeployment[0-9a-f]{10}$/.test(id))!;
    expect(t.byId.get(deployment)).toEqual({
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { Description: expect.stringMatching(/^RestApi deployment id: [0-9a-f]{40}$/), RestApiId: { Ref: 'ServerlessRestApi' }, StageName: 'Stage' },
    });
    expect(t.byId.get('ServerlessRestApiProdStage')).toEqual({
      Type: 'AWS::ApiGateway::Stage',
      Properties: { DeploymentId: { Ref: deployment }, RestApiId: { Ref: 'ServerlessRestApi' }, StageName: 'Prod' },
    });
    expect(t.byId.get('FnGetPermissionProd')).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'Fn' },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Sub': [
            'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/GET/items/*',
            { __ApiId__: { Ref: 'ServerlessRestApi' }, __Stage__: '*' },
          ],
        },
      },
    });
    expect(t.byId.get('FnAnyPermissionProd')!.Properties.SourceArn['Fn::Sub'][0]).toMatch(/\$\{__Stage__\}\/\*\/\*$/);
  });

  test('an explicit API: stage settings the Stage controls read, endpoint type, and the API Globals', () => {
    const t = expand(`
Globals:
  Api:
    TracingEnabled: true
    MethodSettings: [{HttpMethod: "*", ResourcePath: "/*", LoggingLevel: INFO, MetricsEnabled: true}]
Resources:${restApi(`      StageName: prod
      Name: orders
      EndpointConfiguration: REGIONAL
      AccessLogSetting: {DestinationArn: !GetAtt Logs.Arn, Format: $context.requestId}
      CacheClusterEnabled: true
      CacheClusterSize: '0.5'
      Variables: {env: prod}
      Tags: {team: a}`)}
${fn('        Post: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /orders, Method: post}}')}`);
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('Api')!.Properties).toEqual({
      Body: expect.objectContaining({ paths: { '/orders': { post: { 'x-amazon-apigateway-integration': proxy('Fn.Arn'), responses: {} } } } }),
      Name: 'orders',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      Parameters: { endpointConfigurationTypes: 'REGIONAL' },
    });
    expect(t.byId.get('ApiprodStage')!.Properties).toEqual({
      DeploymentId: { Ref: t.ids.find((id) => id.startsWith('ApiDeployment')) },
      RestApiId: { Ref: 'Api' },
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'INFO', MetricsEnabled: true }],
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['Logs', 'Arn'] }, Format: '$context.requestId' },
      CacheClusterEnabled: true,
      CacheClusterSize: '0.5',
      Variables: { env: 'prod' },
      Tags: [{ Key: 'team', Value: 'a' }],
    });
    expect(t.ids).toContain('FnPostPermissionprod');
  });

  test('a document in S3 is referenced, not read; events still get their permission', () => {
    const t = expand(`Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: !Ref Stage, DefinitionUri: s3://bucket/api.yaml}
${fn('        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /, Method: get}}')}`);
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('Api')!.Properties).toEqual({ BodyS3Location: { Bucket: 'bucket', Key: 'api.yaml' } });
    expect(t.byId.get('ApiStage')!.Properties.StageName).toEqual({ Ref: 'Stage' });
    expect(t.ids).toContain('FnGetPermissionStage');
  });

  test('Auth: authorizers become security definitions, methods get the default authorizer or their own, Lambda authorizers a permission', () => {
    const t = expand(`Resources:${restApi(`      StageName: prod
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users: {UserPoolArn: !GetAtt Pool.Arn, AuthorizationScopes: [read]}
          Token: {FunctionArn: !GetAtt AuthFn.Arn, Identity: {ReauthorizeEvery: 0}}`)}
${fn(`        A: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}
        B: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /b, Method: get, Auth: {Authorizer: Token}}}
        C: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /c, Method: get, Auth: {Authorizer: NONE, ApiKeyRequired: true}}}
        D: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /d, Method: get, Auth: {Authorizer: AWS_IAM}}}`)}`);
    expect(t.unchecked).toEqual([]);
    const body = t.byId.get('Api')!.Properties.Body;
    expect(body.paths['/a'].get.security).toEqual([{ Users: ['read'] }]);
    expect(body.paths['/b'].get.security).toEqual([{ Token: [] }]);
    expect(body.paths['/c'].get.security).toEqual([{ NONE: [] }, { api_key: [] }]);
    expect(body.paths['/d'].get.security).toEqual([{ AWS_IAM: [] }]);
    expect(body.paths['/d'].get['x-amazon-apigateway-integration'].credentials).toBe('arn:aws:iam::*:user/*');
    expect(body.securityDefinitions).toEqual({
      Users: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [{ 'Fn::GetAtt': ['Pool', 'Arn'] }] },
      },
      Token: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'token',
          authorizerUri: {
            'Fn::Sub': [
              'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations',
              { __FunctionArn__: { 'Fn::GetAtt': ['AuthFn', 'Arn'] } },
            ],
          },
          authorizerResultTtlInSeconds: 0,
        },
      },
      AWS_IAM: { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' },
      api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
    });
    expect(t.byId.get('ApiTokenAuthorizerPermission')!.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['AuthFn', 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Sub': ['arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: { Ref: 'Api' } }] },
    });
  });

  test("Cors: an OPTIONS method on each path, allowing the path's methods", () => {
    const t = expand(`
Globals:
  Api:
    Cors: "'https://example.com'"
Resources:${fn('        Get: {Type: Api, Properties: {Path: /a, Method: get}}')}`);
    const options = t.byId.get('ServerlessRestApi')!.Properties.Body.paths['/a'].options;
    expect(options['x-amazon-apigateway-integration'].responses.default.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Origin': "'https://example.com'",
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
    });
    expect(options['x-amazon-apigateway-integration'].type).toBe('mock');
  });

  test('a custom domain: the domain, a mapping per base path, and Route 53 aliases shared by the APIs of a hosted zone', () => {
    const api = (id: string, domain: string, endpoint: string) =>
      restApi(
        `      StageName: prod
      Domain: {DomainName: ${domain}, CertificateArn: arn:aws:acm:us-east-1:1:certificate/c, EndpointConfiguration: ${endpoint}, BasePath: [/v1], Route53: {HostedZoneId: Z1}}`,
        id,
      );
    const t = expand(`Resources:${api('One', 'one.example.com', 'REGIONAL')}${api('Two', 'two.example.com', 'EDGE')}`);
    expect(t.unchecked).toEqual([]);
    const [one, two] = t.ids.filter((id) => id.startsWith('ApiGatewayDomainName'));
    expect(t.byId.get(one)).toEqual({
      Type: 'AWS::ApiGateway::DomainName',
      Properties: {
        DomainName: 'one.example.com',
        RegionalCertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      },
    });
    expect(t.byId.get(two)!.Properties).toEqual({
      DomainName: 'two.example.com',
      CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c',
      EndpointConfiguration: { Types: ['EDGE'] },
    });
    expect(t.byId.get('Onev1BasePathMapping')!.Properties).toEqual({
      BasePath: 'v1',
      DomainName: { Ref: one },
      RestApiId: { Ref: 'One' },
      Stage: { Ref: 'OneprodStage' },
    });
    const groups = t.ids.filter((id) => id.startsWith('RecordSetGroup'));
    expect(groups).toHaveLength(1);
    expect(t.byId.get(groups[0])!.Properties).toEqual({
      HostedZoneId: 'Z1',
      RecordSets: [
        {
          Name: 'one.example.com',
          Type: 'A',
          AliasTarget: { DNSName: { 'Fn::GetAtt': [one, 'RegionalDomainName'] }, HostedZoneId: { 'Fn::GetAtt': [one, 'RegionalHostedZoneId'] } },
        },
        { Name: 'two.example.com', Type: 'A', AliasTarget: { DNSName: { 'Fn::GetAtt': [two, 'DistributionDomainName'] }, HostedZoneId: 'Z2FDTNDATAQYW2' } },
      ],
    });
  });

  describe('what is not expanded', () => {
    test('an API property Tarmac does not model makes the API unchecked; the function and its permission are checked', () => {
      const t = expand(`Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod, Models: {Order: {type: object}}}
${fn('        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /, Method: get}}')}`);
      expect(t.ids).toEqual(['Fn', 'FnRole', 'FnGetPermissionprod']);
      expect(t.unchecked).toEqual([
        expect.objectContaining({ logicalId: 'Api', type: 'AWS::Serverless::Api', sourcePath: ['Resources', 'Api', 'Properties', 'Models'] }),
      ]);
      expect(t.unchecked[0].mayCreate).toEqual(expect.arrayContaining(['AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::DomainName']));
    });

    test('an event whose route Tarmac cannot add makes the API it would add to unchecked too', () => {
      const t = expand(`Resources:${fn('        Get: {Type: Api, Properties: {Path: /, Method: get, RequestModel: {Model: M}}}')}`);
      expect(t.ids).toEqual(['Fn', 'FnRole']);
      expect(t.unchecked.map((u) => [u.logicalId, u.sourcePath.join('.')])).toEqual([
        ['Fn', 'Resources.Fn.Properties.Events.Get.Properties.RequestModel'],
        ['ServerlessRestApi', 'Resources.Fn.Properties.Events.Get'],
      ]);
    });

    test('a function Tarmac cannot expand makes unchecked the API its events add routes to', () => {
      const t = expand(`Resources:${fn('        Get: {Type: Api, Properties: {Path: /, Method: get}}')}\n      Colour: blue\n`);
      expect(t.resources).toEqual([]);
      expect(t.unchecked.map((u) => u.logicalId)).toEqual(['Fn', 'ServerlessRestApi']);
    });

    test('two events with the same route', () => {
      const t = expand(
        `Resources:${fn(`        A: {Type: Api, Properties: {Path: /, Method: get}}
        B: {Type: Api, Properties: {Path: /, Method: GET}}`)}`,
      );
      expect(t.uncheckedOf('ServerlessRestApi')).toHaveLength(1);
    });
  });
});
