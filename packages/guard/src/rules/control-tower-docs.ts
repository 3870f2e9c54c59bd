const REFERENCE = 'https://docs.aws.amazon.com/controltower/latest/controlreference';

/**
 * The Control Tower Controls Reference has one page per service, named by a slug that is not always the
 * service part of the control ID (CT.ELASTICFILESYSYSTEM.PR.1 is on efs-rules.html). The slugs are those of
 * the guide's proactive-controls pages; a service missing here links to the proactive controls index.
 */
const PAGE_OF_SERVICE: Readonly<Record<string, string>> = {
  ACM: 'acm',
  APIGATEWAY: 'api-gateway',
  APPSYNC: 'appsync',
  ATHENA: 'athena',
  AUTOSCALING: 'ec2-auto-scaling',
  CLOUDFRONT: 'cloudfront',
  CLOUDTRAIL: 'cloudtrail',
  CLOUDWATCH: 'cloudwatch',
  CODEBUILD: 'codebuild',
  DAX: 'dax',
  DMS: 'dms',
  DOCUMENTDB: 'documentdb',
  DYNAMODB: 'dynamodb',
  EC2: 'ec2',
  ECR: 'ecr',
  ECS: 'ecs',
  EKS: 'eks',
  ELASTICACHE: 'elasticache',
  ELASTICBEANSTALK: 'ebs',
  ELASTICFILESYSYSTEM: 'efs',
  ELASTICLOADBALANCING: 'elb',
  EMR: 'emr',
  GLUE: 'glue',
  GUARDDUTY: 'guard-duty',
  IAM: 'iam',
  KINESIS: 'kinesis',
  KMS: 'kms',
  LAMBDA: 'lambda',
  MQ: 'mq',
  MSK: 'msk',
  NEPTUNE: 'neptune',
  'NETWORK-FIREWALL': 'network-firewall',
  OPENSEARCH: 'opensearch',
  RDS: 'rds',
  REDSHIFT: 'redshift',
  S3: 's3',
  SAGEMAKER: 'sagemaker',
  SQS: 'sqs',
  STEPFUNCTIONS: 'stepfunctions',
  WAF: 'waf',
  'WAF-REGIONAL': 'waf-regional',
  WAFV2: 'wafv2',
};

/** The AWS documentation of a Control Tower proactive control: its service page, at the control's section. */
export function controlTowerDocsUrl(id: string): string {
  const service = /^CT\.([A-Z0-9-]+)\.PR\.\d+$/.exec(id)?.[1];
  const page = service && Object.hasOwn(PAGE_OF_SERVICE, service) ? PAGE_OF_SERVICE[service] : undefined;
  if (!page) return `${REFERENCE}/proactive-controls.html`;
  return `${REFERENCE}/${page}-rules.html#${id.toLowerCase().replace(/\./g, '-')}-description`;
}
