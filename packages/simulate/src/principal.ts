// What kind of principal a request comes from, and the aws:Principal* keys AWS would put in
// its request context. iam-simulate fills in none of these itself: a condition on
// aws:PrincipalArn with the key missing silently evaluates as "key absent".

export type PrincipalKind = 'root' | 'user' | 'role' | 'federated-user' | 'service';

export interface PrincipalInfo {
  kind: PrincipalKind;
  /** Account from the ARN; undefined for AWS service principals. */
  accountId?: string;
  /** Role path starts with /aws-service-role/. */
  serviceLinked: boolean;
}

const IAM_ARN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/** `unsupported` explains what we cannot classify; the caller turns it into an input error. */
export function parsePrincipal(principal: string): PrincipalInfo | { unsupported: string } {
  if (SERVICE_PRINCIPAL.test(principal)) return { kind: 'service', serviceLinked: false };
  const m = IAM_ARN.exec(principal);
  if (!m) return { unsupported: `'${principal}' is neither an IAM/STS ARN nor an AWS service principal` };
  const [, service, accountId, resource] = m;
  if (service === 'iam' && resource === 'root') return { kind: 'root', accountId, serviceLinked: false };
  if (service === 'iam' && resource.startsWith('user/')) return { kind: 'user', accountId, serviceLinked: false };
  if (service === 'iam' && resource.startsWith('role/')) {
    return { kind: 'role', accountId, serviceLinked: resource.startsWith('role/aws-service-role/') };
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return { kind: 'federated-user', accountId, serviceLinked: false };
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    // A session ARN drops the role path, and both aws:PrincipalArn and the service-linked-role
    // exemption depend on it, so guessing would give silently wrong answers.
    return { unsupported: `pass the role ARN (arn:aws:iam::<account>:role/<path>/<name>) instead of the session ARN '${principal}'` };
  }
  return { unsupported: `unsupported principal ARN '${principal}'` };
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype
const PRINCIPAL_TYPE: Record<Exclude<PrincipalKind, 'service'>, string> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole', // roles act through sessions
  'federated-user': 'FederatedUser',
};

/** The principal keys AWS sets for this principal. orgId is omitted for principals outside the organization. */
export function principalContext(arn: string, info: PrincipalInfo, orgId: string | undefined): Record<string, string> {
  if (info.kind === 'service') {
    return { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': arn };
  }
  return {
    'aws:PrincipalArn': arn,
    'aws:PrincipalAccount': info.accountId!,
    'aws:PrincipalType': PRINCIPAL_TYPE[info.kind],
    'aws:PrincipalIsAWSService': 'false',
    ...(orgId ? { 'aws:PrincipalOrgID': orgId } : {}),
  };
}
