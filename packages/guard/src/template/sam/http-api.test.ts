import { apiYaml, expand, functionYaml, generatedApi } from './__tests__/expand';

const integration = {
  type: 'aws_proxy',
  httpMethod: 'POST',
  payloadFormatVersion: '2.0',
  uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations' },
};
const fn = (events: string) => functionYaml(`      Events:\n${events}`);

describe('AWS::Serverless::HttpApi and HttpApi events', () => {
  test('an HttpApi event without ApiId creates ServerlessHttpApi with an auto-deployed $default stage', () => {
    const t = expand(
      `Resources:${fn(`        Default: {Type: HttpApi}
        Get: {Type: HttpApi, Properties: {Path: "/users/{id}", Method: get}}`)}`,
    );
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('ServerlessHttpApi')).toEqual(
      generatedApi('AWS::ApiGatewayV2::Api', {
        openapi: '3.0.1',
        paths: {
          $default: { 'x-amazon-apigateway-any-method': { isDefaultRoute: true, responses: {}, 'x-amazon-apigateway-integration': integration } },
          '/users/{id}': { get: { parameters: [{ in: 'path', name: 'id', required: true }], responses: {}, 'x-amazon-apigateway-integration': integration } },
        },
        tags: [{ name: 'httpapi:createdBy', 'x-amazon-apigateway-tag-value': 'SAM' }],
      }),
    );
    expect(t.byId.get('ServerlessHttpApiApiGatewayDefaultStage')).toEqual({
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: { ApiId: { Ref: 'ServerlessHttpApi' }, AutoDeploy: true, StageName: '$default', Tags: { 'httpapi:createdBy': 'SAM' } },
    });
    // The default route's permission covers every route of the function on this API.
    expect(t.ids.filter((id) => id.endsWith('Permission'))).toEqual(['FnDefaultPermission']);
    expect(t.byId.get('FnDefaultPermission')!.Properties.SourceArn).toEqual({
      'Fn::Sub': [
        'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/*',
        { __ApiId__: { Ref: 'ServerlessHttpApi' }, __Stage__: '*' },
      ],
    });
  });

  test('an explicit HTTP API: JWT authorizer, stage settings, tags, CORS', () => {
    const t = expand(`Resources:${apiYaml(
      'AWS::Serverless::HttpApi',
      `      StageName: prod
      AccessLogSettings: {DestinationArn: !GetAtt Logs.Arn, Format: $context.requestId}
      DefaultRouteSettings: {ThrottlingBurstLimit: 10}
      Tags: {team: a}
      CorsConfiguration: {AllowOrigins: ["https://example.com"], AllowMethods: [GET]}
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt: {IdentitySource: $request.header.Authorization, JwtConfiguration: {Issuer: "https://id.example.com", Audience: [app]}, AuthorizationScopes: [read]}`,
    )}
${fn(`        Get: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /a, Method: GET}}
        Open: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /b, Method: GET, Auth: {Authorizer: NONE}}}`)}`);
    expect(t.unchecked).toEqual([]);
    const body = t.byId.get('Api')!.Properties.Body;
    expect(body.paths['/a'].get.security).toEqual([{ Jwt: ['read'] }]);
    expect(body.paths['/b'].get.security).toEqual([{ NONE: [] }]);
    expect(body.components).toEqual({
      securitySchemes: {
        Jwt: {
          type: 'oauth2',
          'x-amazon-apigateway-authorizer': {
            type: 'jwt',
            jwtConfiguration: { issuer: 'https://id.example.com', audience: ['app'] },
            identitySource: '$request.header.Authorization',
          },
        },
      },
    });
    expect(body['x-amazon-apigateway-cors']).toEqual({ allowOrigins: ['https://example.com'], allowMethods: ['GET'] });
    expect(body.tags).toEqual([
      { name: 'httpapi:createdBy', 'x-amazon-apigateway-tag-value': 'SAM' },
      { name: 'team', 'x-amazon-apigateway-tag-value': 'a' },
    ]);
    expect(t.byId.get('ApiprodStage')!.Properties).toEqual({
      ApiId: { Ref: 'Api' },
      AutoDeploy: true,
      StageName: 'prod',
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': ['Logs', 'Arn'] }, Format: '$context.requestId' },
      DefaultRouteSettings: { ThrottlingBurstLimit: 10 },
      Tags: { 'httpapi:createdBy': 'SAM', team: 'a' },
    });
    expect(t.ids).toEqual(expect.arrayContaining(['FnGetPermission', 'FnOpenPermission']));
  });

  test('an HTTP API property Tarmac does not model makes the API unchecked, not the function', () => {
    const t = expand(`Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties: {Domain: {DomainName: api.example.com, CertificateArn: arn:aws:acm:eu-west-1:1:certificate/c, EndpointConfiguration: EDGE}}
${fn('        Get: {Type: HttpApi, Properties: {ApiId: !Ref Api}}')}`);
    expect(t.ids).toEqual(['Fn', 'FnRole', 'FnGetPermission']);
    expect(t.unchecked).toEqual([
      expect.objectContaining({ logicalId: 'Api', sourcePath: ['Resources', 'Api', 'Properties', 'Domain', 'EndpointConfiguration'] }),
    ]);
  });
});
