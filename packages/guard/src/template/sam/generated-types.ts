/**
 * CloudFormation types SAM may generate for each SAM resource type, from the SAM documentation ("Generated
 * CloudFormation resources" for each type and event source). Resources SAM changes rather than creates
 * (the S3 bucket of an S3 event, the user pool of a Cognito event) are listed too: they may differ from
 * what the template says.
 */
const REST_API = [
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::DomainName',
  'AWS::ApiGateway::DomainNameV2',
  'AWS::ApiGateway::BasePathMapping',
  'AWS::ApiGateway::BasePathMappingV2',
  'AWS::ApiGateway::DomainNameAccessAssociation',
  'AWS::Route53::RecordSetGroup',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::Lambda::Permission',
];
const HTTP_API = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::DomainName',
  'AWS::ApiGatewayV2::ApiMapping',
  'AWS::Route53::RecordSetGroup',
  'AWS::Lambda::Permission',
];
const EVENT_SOURCES = [
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventSourceMapping',
  'AWS::SNS::Subscription',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::IAM::Role',
  'AWS::Logs::SubscriptionFilter',
  'AWS::IoT::TopicRule',
  'AWS::S3::Bucket',
  'AWS::Cognito::UserPool',
];

export const SAM_GENERATED_TYPES: Readonly<Record<string, readonly string[]>> = {
  'AWS::Serverless::Function': [
    'AWS::Lambda::Function',
    'AWS::IAM::Role',
    'AWS::Lambda::Version',
    'AWS::Lambda::Alias',
    'AWS::Lambda::Url',
    'AWS::Lambda::EventInvokeConfig',
    'AWS::SNS::Topic',
    'AWS::CodeDeploy::Application',
    'AWS::CodeDeploy::DeploymentGroup',
    ...EVENT_SOURCES,
    ...REST_API,
    ...HTTP_API,
  ],
  'AWS::Serverless::Api': REST_API,
  'AWS::Serverless::HttpApi': HTTP_API,
  'AWS::Serverless::SimpleTable': ['AWS::DynamoDB::Table'],
  'AWS::Serverless::LayerVersion': ['AWS::Lambda::LayerVersion'],
  'AWS::Serverless::StateMachine': [
    'AWS::StepFunctions::StateMachine',
    'AWS::IAM::Role',
    'AWS::StepFunctions::StateMachineVersion',
    'AWS::StepFunctions::StateMachineAlias',
    'AWS::Events::Rule',
    'AWS::Scheduler::Schedule',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
    ...REST_API,
  ],
  'AWS::Serverless::Application': ['AWS::CloudFormation::Stack'],
  'AWS::Serverless::Connector': ['AWS::IAM::ManagedPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::Lambda::Permission'],
  'AWS::Serverless::GraphQLApi': [
    'AWS::AppSync::GraphQLApi',
    'AWS::AppSync::GraphQLSchema',
    'AWS::AppSync::DataSource',
    'AWS::AppSync::FunctionConfiguration',
    'AWS::AppSync::Resolver',
    'AWS::AppSync::ApiKey',
    'AWS::AppSync::ApiCache',
    'AWS::AppSync::DomainName',
    'AWS::AppSync::DomainNameApiAssociation',
    'AWS::IAM::Role',
    'AWS::IAM::ManagedPolicy',
    'AWS::Lambda::Permission',
  ],
  'AWS::Serverless::WebSocketApi': [
    'AWS::ApiGatewayV2::Api',
    'AWS::ApiGatewayV2::Stage',
    'AWS::ApiGatewayV2::Route',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Authorizer',
    'AWS::ApiGatewayV2::Deployment',
    'AWS::ApiGatewayV2::DomainName',
    'AWS::ApiGatewayV2::ApiMapping',
    'AWS::Route53::RecordSetGroup',
    'AWS::Lambda::Permission',
    'AWS::IAM::Role',
  ],
  'AWS::Serverless::CapacityProvider': ['AWS::Lambda::CapacityProvider', 'AWS::IAM::Role'],
};

export function generatedTypes(samType: string): readonly string[] {
  return Object.hasOwn(SAM_GENERATED_TYPES, samType) ? SAM_GENERATED_TYPES[samType] : ['*'];
}
