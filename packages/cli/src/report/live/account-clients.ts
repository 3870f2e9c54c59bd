import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';

/** The reader role's temporary credentials in one account (AssumeRole's Credentials, as the SDK takes them). */
export interface AccountCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** The clients that read one account in one region, signed with the reader role's credentials. */
export interface AccountClients {
  readonly cloudFormation: CloudFormationClient;
  readonly config: ConfigServiceClient;
  readonly securityHub: SecurityHubClient;
}

/** Builds an account's clients for a region; injected, so tests pass their own (or count what is built). */
export type AccountClientFactory = (credentials: AccountCredentials, region: string) => AccountClients;

export interface AccountClientOptions {
  /** Send every request here instead of AWS (e.g. localstack). */
  readonly endpointUrl?: string;
}

/** Real SDK clients: the credentials are fixed ones (the assumed role's), never the default chain's. */
export function createAccountClientFactory(opts: AccountClientOptions = {}): AccountClientFactory {
  return (credentials, region) => {
    const base = { region, credentials, ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}) };
    return {
      cloudFormation: new CloudFormationClient(base),
      config: new ConfigServiceClient(base),
      securityHub: new SecurityHubClient(base),
    };
  };
}
