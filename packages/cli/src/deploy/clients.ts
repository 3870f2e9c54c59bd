import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

/**
 * Cost Explorer's API has one endpoint in the aws partition, in us-east-1, where the billing stack lives too
 * (ADR 0007).
 */
export const BILLING_REGION = 'us-east-1';

/** The AWS clients the engine talks through; injected, so tests pass mocked ones. */
export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly s3: S3Client;
  readonly organizations: OrganizationsClient;
  /** In BILLING_REGION: the cost allocation tag check of `--management`. */
  readonly costExplorer: CostExplorerClient;
  /** Who the credentials are: `--management` refuses any account but the management account. */
  readonly sts: STSClient;
  /** CloudFormation in another region, for a plain stack that does not live where the stack sets do. */
  cloudFormationIn(region: string): CloudFormationClient;
}

export interface ClientOptions {
  /** Default: the SDK's region chain (AWS_REGION, the profile). The commands pass the delegated admin's home region. */
  readonly region?: string;
  /** Send every request here instead of AWS (e.g. localstack). */
  readonly endpointUrl?: string;
}

/**
 * Clients from the standard AWS SDK credential and region chain: Tarmac never reads credentials itself.
 * Organizations is a global service; the SDK's endpoint rules send it to the partition's endpoint.
 */
export function createClients(opts: ClientOptions): AwsClients {
  const endpoint = opts.endpointUrl ? { endpoint: opts.endpointUrl } : {};
  const base = { region: opts.region, ...endpoint };
  const cloudFormation = new CloudFormationClient(base);
  const byRegion = new Map<string, CloudFormationClient>();
  return {
    cloudFormation,
    // Emulators serve buckets by path, not by virtual host.
    s3: new S3Client({ ...base, ...(opts.endpointUrl ? { forcePathStyle: true } : {}) }),
    organizations: new OrganizationsClient(base),
    costExplorer: new CostExplorerClient({ ...endpoint, region: BILLING_REGION }),
    // STS answers GetCallerIdentity in any region; without a configured one, the billing region will do.
    sts: new STSClient({ ...endpoint, region: opts.region ?? BILLING_REGION }),
    cloudFormationIn(region: string) {
      if (!region || region === opts.region) return cloudFormation;
      if (!byRegion.has(region)) byRegion.set(region, new CloudFormationClient({ ...base, region }));
      return byRegion.get(region)!;
    },
  };
}
