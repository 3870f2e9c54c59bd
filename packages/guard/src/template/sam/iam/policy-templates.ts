import { Dict, sub } from '../values';

/**
 * SAM policy templates Tarmac expands, each written from its entry in the AWS SAM Developer Guide's policy
 * template list (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html,
 * read from its source in awsdocs/aws-sam-developer-guide, doc_source/serverless-policy-template-list.md as of 2023-04-03).
 * The first group below is also proven equal to the SAM translator's output by the corpus
 * (test/corpus/sam-corpus.test.ts); the corpus has no case for the others, whose statements are the
 * documented ones (policy-templates.test.ts holds each as the documentation writes it). Any other template
 * name, and a documented template whose statements the documentation leaves in doubt (CodeCommitCrudPolicy
 * and CodeCommitReadPolicy list actions twice), is reported as not checkable.
 * Each template names its parameters and builds its statements from the values the author gave.
 */
interface PolicyTemplate {
  readonly parameters: readonly string[];
  statements(value: (parameter: string) => unknown): Dict[];
}

/** `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest>` with one template variable. */
const regional = (service: string, rest: string, variable: string, value: unknown): Dict =>
  sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`, { [variable]: value });

/** `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest>` without variables. */
const inAccount = (service: string, rest: string): Dict => sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`);

const tableResources = (value: unknown): Dict[] => [
  regional('dynamodb', 'table/${tableName}', 'tableName', value),
  regional('dynamodb', 'table/${tableName}/index/*', 'tableName', value),
];

const allow = (action: unknown, resource: unknown): Dict => ({ Effect: 'Allow', Action: action, Resource: resource });

/** A template without parameters: one statement allowing `actions` on every resource. */
const onAnyResource = (...actions: string[]): PolicyTemplate => ({ parameters: [], statements: () => [allow(actions, '*')] });

/** A template with one parameter and one statement allowing `action` on `resource(value)`. */
const onOne = (parameter: string, action: unknown, resource: (value: unknown) => unknown): PolicyTemplate => ({
  parameters: [parameter],
  statements: (v) => [allow(action, resource(v(parameter)))],
});

const table =
  (suffix: string) =>
  (value: unknown): Dict =>
    regional('dynamodb', `table/\${tableName}${suffix}`, 'tableName', value);
const bucket = (suffix: string, value: unknown): Dict => sub(`arn:\${AWS::Partition}:s3:::\${bucketName}${suffix}`, { bucketName: value });
const bucketAndObjects = (value: unknown): Dict[] => [bucket('', value), bucket('/*', value)];
const cluster = (value: unknown): Dict => regional('elasticmapreduce', 'cluster/${clusterId}', 'clusterId', value);
const collection = (value: unknown): Dict => regional('rekognition', 'collection/${collectionId}', 'collectionId', value);
const deliveryStream = (value: unknown): Dict => regional('firehose', 'deliverystream/${deliveryStreamName}', 'deliveryStreamName', value);
const identity = (value: unknown): Dict => regional('ses', 'identity/${identityName}', 'identityName', value);
const kmsKey = (value: unknown): Dict => regional('kms', 'key/${keyId}', 'keyId', value);
const ssmParameters = (rest: string): PolicyTemplate => ({
  parameters: ['ParameterName'],
  statements: (v) => [
    allow(['ssm:DescribeParameters'], '*'),
    allow(['ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'], regional('ssm', rest, 'parameterName', v('ParameterName'))),
  ],
});

const TEMPLATES: Readonly<Record<string, PolicyTemplate>> = {
  // Proven by the corpus.
  SQSPollerPolicy: {
    parameters: ['QueueName'],
    statements: (v) => [
      {
        Effect: 'Allow',
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:ChangeMessageVisibilityBatch',
          'sqs:DeleteMessage',
          'sqs:DeleteMessageBatch',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        Resource: regional('sqs', '${queueName}', 'queueName', v('QueueName')),
      },
    ],
  },
  SQSSendMessagePolicy: {
    parameters: ['QueueName'],
    statements: (v) => [{ Effect: 'Allow', Action: ['sqs:SendMessage*'], Resource: regional('sqs', '${queueName}', 'queueName', v('QueueName')) }],
  },
  LambdaInvokePolicy: {
    parameters: ['FunctionName'],
    statements: (v) => [
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: regional('lambda', 'function:${functionName}*', 'functionName', v('FunctionName')) },
    ],
  },
  DynamoDBCrudPolicy: {
    parameters: ['TableName'],
    statements: (v) => [
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:BatchGetItem',
          'dynamodb:DescribeTable',
          'dynamodb:ConditionCheckItem',
        ],
        Resource: tableResources(v('TableName')),
      },
    ],
  },
  DynamoDBWritePolicy: {
    parameters: ['TableName'],
    statements: (v) => [
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], Resource: tableResources(v('TableName')) },
    ],
  },
  StepFunctionsExecutionPolicy: {
    parameters: ['StateMachineName'],
    statements: (v) => [
      {
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: regional('states', 'stateMachine:${stateMachineName}', 'stateMachineName', v('StateMachineName')),
      },
    ],
  },
  EventBridgePutEventsPolicy: {
    parameters: ['EventBusName'],
    statements: (v) => [
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: regional('events', 'event-bus/${eventBusName}', 'eventBusName', v('EventBusName')) },
    ],
  },
  AWSSecretsManagerGetSecretValuePolicy: {
    parameters: ['SecretArn'],
    statements: (v) => [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: sub('${secretArn}', { secretArn: v('SecretArn') }) }],
  },
  AWSSecretsManagerRotationPolicy: {
    parameters: ['FunctionName'],
    statements: (v) => [
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Resource: sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*'),
        Condition: {
          StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': regional('lambda', 'function:${functionName}', 'functionName', v('FunctionName')) },
        },
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetRandomPassword'], Resource: '*' },
    ],
  },
  // Written from the documentation only: the corpus has no case for these.
  AcmGetCertificatePolicy: onOne('CertificateArn', ['acm:GetCertificate'], (v) => sub('${certificateArn}', { certificateArn: v })),
  AMIDescribePolicy: onAnyResource('ec2:DescribeImages'),
  AthenaQueryPolicy: {
    parameters: ['WorkGroupName'],
    statements: (v) => [
      allow(
        [
          'athena:ListWorkGroups',
          'athena:GetExecutionEngine',
          'athena:GetExecutionEngines',
          'athena:GetNamespace',
          'athena:GetCatalogs',
          'athena:GetNamespaces',
          'athena:GetTables',
          'athena:GetTable',
        ],
        '*',
      ),
      allow(
        [
          'athena:StartQueryExecution',
          'athena:GetQueryResults',
          'athena:DeleteNamedQuery',
          'athena:GetNamedQuery',
          'athena:ListQueryExecutions',
          'athena:StopQueryExecution',
          'athena:GetQueryResultsStream',
          'athena:ListNamedQueries',
          'athena:CreateNamedQuery',
          'athena:GetQueryExecution',
          'athena:BatchGetNamedQuery',
          'athena:BatchGetQueryExecution',
          'athena:GetWorkGroup',
        ],
        regional('athena', 'workgroup/${workgroupName}', 'workgroupName', v('WorkGroupName')),
      ),
    ],
  },
  CloudFormationDescribeStacksPolicy: { parameters: [], statements: () => [allow(['cloudformation:DescribeStacks'], inAccount('cloudformation', 'stack/*'))] },
  CloudWatchDashboardPolicy: onAnyResource('cloudwatch:GetDashboard', 'cloudwatch:ListDashboards', 'cloudwatch:PutDashboard', 'cloudwatch:ListMetrics'),
  CloudWatchDescribeAlarmHistoryPolicy: onAnyResource('cloudwatch:DescribeAlarmHistory'),
  CloudWatchPutMetricPolicy: onAnyResource('cloudwatch:PutMetricData'),
  CodePipelineLambdaExecutionPolicy: onAnyResource('codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'),
  CodePipelineReadOnlyPolicy: onOne('PipelineName', ['codepipeline:ListPipelineExecutions'], (v) =>
    regional('codepipeline', '${pipelinename}', 'pipelinename', v),
  ),
  ComprehendBasicAccessPolicy: onAnyResource(
    'comprehend:BatchDetectKeyPhrases',
    'comprehend:DetectDominantLanguage',
    'comprehend:DetectEntities',
    'comprehend:BatchDetectEntities',
    'comprehend:DetectKeyPhrases',
    'comprehend:DetectSentiment',
    'comprehend:BatchDetectDominantLanguage',
    'comprehend:BatchDetectSentiment',
  ),
  CostExplorerReadOnlyPolicy: onAnyResource(
    'ce:GetCostAndUsage',
    'ce:GetDimensionValues',
    'ce:GetReservationCoverage',
    'ce:GetReservationPurchaseRecommendation',
    'ce:GetReservationUtilization',
    'ce:GetTags',
  ),
  DynamoDBBackupFullAccessPolicy: {
    parameters: ['TableName'],
    statements: (v) => [
      allow(['dynamodb:CreateBackup', 'dynamodb:DescribeContinuousBackups'], table('')(v('TableName'))),
      allow(['dynamodb:DeleteBackup', 'dynamodb:DescribeBackup', 'dynamodb:ListBackups'], table('/backup/*')(v('TableName'))),
    ],
  },
  DynamoDBReadPolicy: onOne(
    'TableName',
    ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
    tableResources,
  ),
  DynamoDBReconfigurePolicy: onOne('TableName', ['dynamodb:UpdateTable'], table('')),
  DynamoDBRestoreFromBackupPolicy: {
    parameters: ['TableName'],
    statements: (v) => [
      allow(['dynamodb:RestoreTableFromBackup'], table('/backup/*')(v('TableName'))),
      allow(
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem'],
        table('')(v('TableName')),
      ),
    ],
  },
  DynamoDBStreamReadPolicy: {
    parameters: ['TableName', 'StreamName'],
    statements: (v) => [
      allow(
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/stream/${streamName}', {
          tableName: v('TableName'),
          streamName: v('StreamName'),
        }),
      ),
      allow(['dynamodb:ListStreams'], table('/stream/*')(v('TableName'))),
    ],
  },
  EC2CopyImagePolicy: onOne('ImageId', ['ec2:CopyImage'], (v) => regional('ec2', 'image/${imageId}', 'imageId', v)),
  EC2DescribePolicy: onAnyResource('ec2:DescribeRegions', 'ec2:DescribeInstances'),
  EcsRunTaskPolicy: onOne('TaskDefinition', ['ecs:RunTask'], (v) => regional('ecs', 'task-definition/${taskDefinition}', 'taskDefinition', v)),
  EFSWriteAccessPolicy: {
    parameters: ['FileSystem', 'AccessPoint'],
    statements: (v) => [
      {
        ...allow(
          ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          regional('elasticfilesystem', 'file-system/${FileSystem}', 'FileSystem', v('FileSystem')),
        ),
        Condition: {
          StringEquals: { 'elasticfilesystem:AccessPointArn': regional('elasticfilesystem', 'access-point/${AccessPoint}', 'AccessPoint', v('AccessPoint')) },
        },
      },
    ],
  },
  EKSDescribePolicy: onAnyResource('eks:DescribeCluster', 'eks:ListClusters'),
  ElasticMapReduceAddJobFlowStepsPolicy: onOne('ClusterId', 'elasticmapreduce:AddJobFlowSteps', cluster),
  ElasticMapReduceCancelStepsPolicy: onOne('ClusterId', 'elasticmapreduce:CancelSteps', cluster),
  ElasticMapReduceModifyInstanceFleetPolicy: onOne('ClusterId', ['elasticmapreduce:ModifyInstanceFleet', 'elasticmapreduce:ListInstanceFleets'], cluster),
  ElasticMapReduceModifyInstanceGroupsPolicy: onOne('ClusterId', ['elasticmapreduce:ModifyInstanceGroups', 'elasticmapreduce:ListInstanceGroups'], cluster),
  ElasticMapReduceSetTerminationProtectionPolicy: onOne('ClusterId', 'elasticmapreduce:SetTerminationProtection', cluster),
  ElasticMapReduceTerminateJobFlowsPolicy: onOne('ClusterId', 'elasticmapreduce:TerminateJobFlows', cluster),
  ElasticsearchHttpPostPolicy: onOne('DomainName', ['es:ESHttpPost', 'es:ESHttpPut'], (v) => regional('es', 'domain/${domainName}/*', 'domainName', v)),
  FilterLogEventsPolicy: onOne('LogGroupName', ['logs:FilterLogEvents'], (v) => regional('logs', 'log-group:${logGroupName}:log-stream:*', 'logGroupName', v)),
  FirehoseCrudPolicy: onOne(
    'DeliveryStreamName',
    [
      'firehose:CreateDeliveryStream',
      'firehose:DeleteDeliveryStream',
      'firehose:DescribeDeliveryStream',
      'firehose:PutRecord',
      'firehose:PutRecordBatch',
      'firehose:UpdateDestination',
    ],
    deliveryStream,
  ),
  FirehoseWritePolicy: onOne('DeliveryStreamName', ['firehose:PutRecord', 'firehose:PutRecordBatch'], deliveryStream),
  KinesisCrudPolicy: onOne(
    'StreamName',
    [
      'kinesis:AddTagsToStream',
      'kinesis:CreateStream',
      'kinesis:DecreaseStreamRetentionPeriod',
      'kinesis:DeleteStream',
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetShardIterator',
      'kinesis:IncreaseStreamRetentionPeriod',
      'kinesis:ListTagsForStream',
      'kinesis:MergeShards',
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'kinesis:SplitShard',
      'kinesis:RemoveTagsFromStream',
    ],
    (v) => regional('kinesis', 'stream/${streamName}', 'streamName', v),
  ),
  KinesisStreamReadPolicy: {
    parameters: ['StreamName'],
    statements: (v) => [
      allow(['kinesis:ListStreams', 'kinesis:DescribeLimits'], inAccount('kinesis', 'stream/*')),
      allow(
        ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator'],
        regional('kinesis', 'stream/${streamName}', 'streamName', v('StreamName')),
      ),
    ],
  },
  KMSDecryptPolicy: onOne('KeyId', 'kms:Decrypt', kmsKey),
  KMSEncryptPolicy: onOne('KeyId', 'kms:Encrypt', kmsKey),
  MobileAnalyticsWriteOnlyAccessPolicy: onAnyResource('mobileanalytics:PutEvents'),
  OrganizationsListAccountsPolicy: onAnyResource('organizations:ListAccounts'),
  PinpointEndpointAccessPolicy: onOne(
    'PinpointApplicationId',
    ['mobiletargeting:GetEndpoint', 'mobiletargeting:UpdateEndpoint', 'mobiletargeting:UpdateEndpointsBatch'],
    (v) => regional('mobiletargeting', 'apps/${pinpointApplicationId}/endpoints/*', 'pinpointApplicationId', v),
  ),
  PollyFullAccessPolicy: {
    parameters: ['LexiconName'],
    statements: (v) => [
      allow(['polly:GetLexicon', 'polly:DeleteLexicon'], [regional('polly', 'lexicon/${lexiconName}', 'lexiconName', v('LexiconName'))]),
      allow(['polly:DescribeVoices', 'polly:ListLexicons', 'polly:PutLexicon', 'polly:SynthesizeSpeech'], [inAccount('polly', 'lexicon/*')]),
    ],
  },
  RekognitionDetectOnlyPolicy: onAnyResource(
    'rekognition:DetectFaces',
    'rekognition:DetectLabels',
    'rekognition:DetectModerationLabels',
    'rekognition:DetectText',
  ),
  RekognitionFacesManagementPolicy: onOne(
    'CollectionId',
    ['rekognition:IndexFaces', 'rekognition:DeleteFaces', 'rekognition:SearchFaces', 'rekognition:SearchFacesByImage', 'rekognition:ListFaces'],
    collection,
  ),
  RekognitionFacesPolicy: onAnyResource('rekognition:CompareFaces', 'rekognition:DetectFaces'),
  RekognitionLabelsPolicy: onAnyResource('rekognition:DetectLabels', 'rekognition:DetectModerationLabels'),
  RekognitionNoDataAccessPolicy: onOne(
    'CollectionId',
    ['rekognition:CompareFaces', 'rekognition:DetectFaces', 'rekognition:DetectLabels', 'rekognition:DetectModerationLabels'],
    collection,
  ),
  RekognitionReadPolicy: onOne(
    'CollectionId',
    ['rekognition:ListCollections', 'rekognition:ListFaces', 'rekognition:SearchFaces', 'rekognition:SearchFacesByImage'],
    collection,
  ),
  RekognitionWriteOnlyAccessPolicy: onOne('CollectionId', ['rekognition:CreateCollection', 'rekognition:IndexFaces'], collection),
  Route53ChangeResourceRecordSetsPolicy: onOne('HostedZoneId', ['route53:ChangeResourceRecordSets'], (v) =>
    sub('arn:${AWS::Partition}:route53:::hostedzone/${HostedZoneId}', { HostedZoneId: v }),
  ),
  S3CrudPolicy: onOne(
    'BucketName',
    [
      's3:GetObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:PutObject',
      's3:PutObjectAcl',
      's3:GetLifecycleConfiguration',
      's3:PutLifecycleConfiguration',
      's3:DeleteObject',
    ],
    bucketAndObjects,
  ),
  S3FullAccessPolicy: {
    parameters: ['BucketName'],
    statements: (v) => [
      allow(
        [
          's3:GetObject',
          's3:GetObjectAcl',
          's3:GetObjectVersion',
          's3:PutObject',
          's3:PutObjectAcl',
          's3:DeleteObject',
          's3:DeleteObjectTagging',
          's3:DeleteObjectVersionTagging',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        [bucket('/*', v('BucketName'))],
      ),
      allow(['s3:ListBucket', 's3:GetBucketLocation', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'], [bucket('', v('BucketName'))]),
    ],
  },
  S3ReadPolicy: onOne(
    'BucketName',
    ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:GetLifecycleConfiguration'],
    bucketAndObjects,
  ),
  S3WritePolicy: onOne('BucketName', ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'], bucketAndObjects),
  SageMakerCreateEndpointConfigPolicy: onOne('EndpointConfigName', ['sagemaker:CreateEndpointConfig'], (v) =>
    regional('sagemaker', 'endpoint-config/${endpointConfigName}', 'endpointConfigName', v),
  ),
  SageMakerCreateEndpointPolicy: onOne('EndpointName', ['sagemaker:CreateEndpoint'], (v) =>
    regional('sagemaker', 'endpoint/${endpointName}', 'endpointName', v),
  ),
  ServerlessRepoReadWriteAccessPolicy: {
    parameters: [],
    statements: () => [
      allow(
        [
          'serverlessrepo:CreateApplication',
          'serverlessrepo:CreateApplicationVersion',
          'serverlessrepo:GetApplication',
          'serverlessrepo:ListApplications',
          'serverlessrepo:ListApplicationVersions',
        ],
        [inAccount('serverlessrepo', 'applications/*')],
      ),
    ],
  },
  SESBulkTemplatedCrudPolicy: onOne(
    'IdentityName',
    [
      'ses:GetIdentityVerificationAttributes',
      'ses:SendEmail',
      'ses:SendRawEmail',
      'ses:SendTemplatedEmail',
      'ses:SendBulkTemplatedEmail',
      'ses:VerifyEmailIdentity',
    ],
    identity,
  ),
  SESBulkTemplatedCrudPolicy_v2: {
    parameters: ['IdentityName', 'TemplateName'],
    statements: (v) => [
      allow(
        ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail', 'ses:SendBulkTemplatedEmail'],
        [identity(v('IdentityName')), regional('ses', 'template/${templateName}', 'templateName', v('TemplateName'))],
      ),
      allow(['ses:GetIdentityVerificationAttributes', 'ses:VerifyEmailIdentity'], '*'),
    ],
  },
  SESCrudPolicy: onOne('IdentityName', ['ses:GetIdentityVerificationAttributes', 'ses:SendEmail', 'ses:SendRawEmail', 'ses:VerifyEmailIdentity'], identity),
  SESEmailTemplateCrudPolicy: onAnyResource(
    'ses:CreateTemplate',
    'ses:GetTemplate',
    'ses:ListTemplates',
    'ses:UpdateTemplate',
    'ses:DeleteTemplate',
    'ses:TestRenderTemplate',
  ),
  SESSendBouncePolicy: onOne('IdentityName', ['ses:SendBounce'], identity),
  SNSCrudPolicy: onOne('TopicName', ['sns:ListSubscriptionsByTopic', 'sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Publish'], (v) =>
    regional('sns', '${topicName}*', 'topicName', v),
  ),
  SNSPublishMessagePolicy: onOne('TopicName', ['sns:Publish'], (v) => regional('sns', '${topicName}', 'topicName', v)),
  SSMParameterReadPolicy: ssmParameters('parameter/${parameterName}'),
  SSMParameterWithSlashPrefixReadPolicy: ssmParameters('parameter${parameterName}'),
  TextractDetectAnalyzePolicy: onAnyResource(
    'textract:DetectDocumentText',
    'textract:StartDocumentTextDetection',
    'textract:StartDocumentAnalysis',
    'textract:AnalyzeDocument',
  ),
  TextractGetResultPolicy: onAnyResource('textract:GetDocumentTextDetection', 'textract:GetDocumentAnalysis'),
  TextractPolicy: onAnyResource('textract:*'),
  VPCAccessPolicy: onAnyResource('ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DetachNetworkInterface'),
};

export function policyTemplate(name: string): PolicyTemplate | undefined {
  return Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
}
