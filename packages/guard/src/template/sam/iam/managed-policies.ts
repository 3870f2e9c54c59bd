/**
 * AWS managed policy names SAM turns into ARNs when `Policies` names one (`- AmazonS3ReadOnlyAccess`), with
 * the path each lives under (AWS Managed Policy Reference Guide). Deliberately a short list of the ones
 * functions and state machines commonly use: a name that is not here is reported as not checkable rather
 * than guessed, because a wrong path would hide e.g. AdministratorAccess from the controls.
 */
const BY_PATH: Readonly<Record<string, readonly string[]>> = {
  '': [
    'AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess',
    'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'AmazonDynamoDBFullAccess', 'AmazonDynamoDBReadOnlyAccess',
    'AmazonSQSFullAccess', 'AmazonSQSReadOnlyAccess', 'AmazonSNSFullAccess', 'AmazonSNSReadOnlyAccess',
    'AmazonKinesisFullAccess', 'AmazonKinesisReadOnlyAccess', 'AmazonEC2FullAccess', 'AmazonEC2ReadOnlyAccess',
    'AmazonRDSFullAccess', 'AmazonRDSReadOnlyAccess', 'AmazonRDSDataFullAccess', 'AmazonSSMReadOnlyAccess',
    'AmazonSSMFullAccess', 'AmazonEventBridgeFullAccess', 'AmazonEventBridgeReadOnlyAccess', 'AmazonSESFullAccess',
    'AmazonAPIGatewayInvokeFullAccess', 'AmazonAPIGatewayAdministrator', 'AWSLambda_FullAccess', 'AWSLambda_ReadOnlyAccess',
    'AWSStepFunctionsFullAccess', 'AWSStepFunctionsReadOnlyAccess', 'AWSXrayWriteOnlyAccess', 'AWSXRayDaemonWriteAccess',
    'AWSXrayReadOnlyAccess', 'AWSXrayFullAccess', 'CloudWatchFullAccess', 'CloudWatchReadOnlyAccess', 'CloudWatchLogsFullAccess',
    'CloudWatchLogsReadOnlyAccess', 'CloudWatchLambdaInsightsExecutionRolePolicy', 'SecretsManagerReadWrite',
    'AWSKeyManagementServicePowerUser', 'AmazonCognitoPowerUser', 'AmazonCognitoReadOnly', 'AWSCloudFormationReadOnlyAccess',
    'AmazonTextractFullAccess', 'AmazonRekognitionReadOnlyAccess', 'AmazonRekognitionFullAccess', 'ComprehendFullAccess',
    'AmazonPollyReadOnlyAccess', 'AmazonPollyFullAccess', 'TranslateReadOnly', 'AmazonAthenaFullAccess', 'AWSGlueConsoleFullAccess',
    'AmazonElastiCacheFullAccess', 'AmazonElastiCacheReadOnlyAccess', 'AmazonECS_FullAccess', 'AmazonEC2ContainerRegistryReadOnly',
    'AmazonEC2ContainerRegistryFullAccess', 'AmazonEC2ContainerRegistryPowerUser', 'AWSCodeCommitReadOnly',
    'AmazonKinesisFirehoseFullAccess', 'AmazonKinesisFirehoseReadOnlyAccess', 'AWSLambdaManagedEC2ResourceOperator',
  ],
  'service-role/': [
    'AWSLambdaBasicExecutionRole', 'AWSLambdaBasicDurableExecutionRolePolicy', 'AWSLambdaVPCAccessExecutionRole',
    'AWSLambdaKinesisExecutionRole', 'AWSLambdaDynamoDBExecutionRole', 'AWSLambdaSQSQueueExecutionRole',
    'AWSLambdaMSKExecutionRole', 'AWSLambdaRole', 'AWSLambdaENIManagementAccess', 'AWSCodeDeployRoleForLambda',
    'AWSCodeDeployRole', 'AmazonAPIGatewayPushToCloudWatchLogs', 'AWSIoTRuleActions', 'AWSAppSyncPushToCloudWatchLogs',
  ],
  'job-function/': ['ViewOnlyAccess', 'SystemAdministrator', 'NetworkAdministrator', 'DatabaseAdministrator', 'DataScientist', 'SupportUser', 'Billing'],
};

const ARNS = new Map<string, string>(
  Object.entries(BY_PATH).flatMap(([path, names]) => names.map((n) => [n, `arn:aws:iam::aws:policy/${path}${n}`] as const)),
);

/** The ARN SAM writes for an AWS managed policy name (aws partition), or undefined when Tarmac does not know the name. */
export function managedPolicyArn(name: string): string | undefined {
  return ARNS.get(name);
}
