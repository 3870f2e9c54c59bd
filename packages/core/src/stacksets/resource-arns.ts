/** Where a resource is deployed: what its ARN is made of besides its name. */
export interface ArnContext {
  readonly accountId: string;
  readonly region: string;
  /** The stack's name: `StackSet-<stack set>-<uuid>` for a stack set instance. */
  readonly stackName: string;
}

/**
 * The ARNs a template's resource will have, and those of the resources its handlers act on besides it, by IAM
 * resource type (`role`, `policy`, `bucket`...: the Service Authorization Reference's names): what the self-check
 * needs to tell a Deny that names resources (protect these roles) from one that does not name these. A resource
 * type left out could not be known (another CloudFormation type, or a name computed at deploy time), and the caller
 * then takes such a statement to name them. A name the template leaves out is CloudFormation's generated one,
 * `<stack>-<logical ID>-<random>` ("Name type" in the CloudFormation User Guide), with a made-up random part: no
 * policy should name that part.
 */
export function resourceArns(type: string, logicalId: string, properties: Record<string, unknown> | undefined, at: ArnContext): Record<string, string[]> {
  const p = properties ?? {};
  const literal = (key: string): string | undefined | null => (p[key] === undefined ? undefined : typeof p[key] === 'string' ? p[key] : null);
  const named = (key: string, max: number) => {
    const name = literal(key);
    return name === null ? undefined : (name ?? `${at.stackName.slice(0, max - 34)}-${logicalId.slice(0, 20)}-A1B2C3D4E5F6`);
  };
  // Names listed in a property (a managed policy's Roles): none when absent, unknown when any is computed.
  const listed = (key: string, arn: (name: string) => string) => {
    const value = p[key] ?? [];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map(arn) : undefined;
  };
  const iam = (kind: string, path: string | null | undefined, name: string | undefined) =>
    path === null || name === undefined ? undefined : [`arn:aws:iam::${at.accountId}:${kind}${path ?? '/'}${name}`];
  const known = (entries: Record<string, string[] | undefined>) =>
    Object.fromEntries(Object.entries(entries).filter((e): e is [string, string[]] => e[1] !== undefined));
  switch (type) {
    case 'AWS::IAM::Role':
      return known({ role: iam('role', literal('Path'), named('RoleName', 64)) });
    case 'AWS::IAM::ManagedPolicy':
      return known({
        policy: iam('policy', literal('Path'), named('ManagedPolicyName', 128)),
        role: listed('Roles', (n) => `arn:aws:iam::${at.accountId}:role/${n}`),
        user: listed('Users', (n) => `arn:aws:iam::${at.accountId}:user/${n}`),
        group: listed('Groups', (n) => `arn:aws:iam::${at.accountId}:group/${n}`),
      });
    case 'AWS::S3::Bucket': {
      const name = named('BucketName', 63);
      return known({ bucket: name === undefined ? undefined : [`arn:aws:s3:::${name.toLowerCase()}`] });
    }
    case 'AWS::KMS::Alias': {
      const name = literal('AliasName');
      return known({ alias: typeof name === 'string' ? [`arn:aws:kms:${at.region}:${at.accountId}:${name}`] : undefined });
    }
    default:
      return {};
  }
}
