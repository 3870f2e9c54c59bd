import type { DeployedResource, DeploymentSite } from './deployment-requests';
import { StackSetsBuild } from './model';

/**
 * What a Guard Hook does in the account each time it runs (the documented minimum of "Prepare to create a Guard
 * Hook", and the bundle key): read its pinned rule bundle from the bundle bucket of the delegated administrator,
 * write its report to the log bucket. As its execution role, under the member account's SCPs and the bucket
 * account's RCPs.
 */
export const HOOK_RUNTIME_ACTIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:GenerateDataKey',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:ListBucket',
  's3:PutObject',
];

export function hookRuntimeCalls(
  template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  resources: ReadonlyMap<string, readonly DeployedResource[]>,
  deployment: StackSetsBuild,
  accountId: string,
): Pick<DeploymentSite, 'principalArn' | 'principal' | 'calls'> | undefined {
  const hooks = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::CloudFormation::GuardHook');
  if (!hooks.length) return undefined;
  const roleIds = new Set(hooks.map((h) => ((h.Properties?.ExecutionRole as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt'] ?? [])[0]));
  const roles = (resources.get('AWS::IAM::Role') ?? []).filter((r) => roleIds.has(r.logicalId)).flatMap((r) => r.arns.role ?? []);
  const objects: string[] = [];
  const buckets = new Set<string>();
  for (const h of hooks) {
    const uri = (h.Properties?.RuleLocation as { Uri?: unknown } | undefined)?.Uri;
    const m = typeof uri === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
    if (m) {
      buckets.add(m[1]);
      objects.push(`arn:aws:s3:::${m[1]}/${m[2]}`);
    }
    // A report's key is the hook's to choose: a made-up one stands for it.
    if (typeof h.Properties?.LogBucket === 'string') objects.push(`arn:aws:s3:::${h.Properties.LogBucket}/A1B2C3D4E5F6`);
  }
  const known = objects.length === hooks.length * 2 && buckets.size > 0;
  return {
    // One role for all the hooks of an instance; without its ARN, a name no exemption names.
    principalArn: roles.length === 1 ? roles[0] : `arn:aws:iam::${accountId}:role/tarmac-hook-role-unknown`,
    principal: 'the Guard Hook execution role',
    calls: {
      actions: HOOK_RUNTIME_ACTIONS,
      by: 'reading the rule bundles and writing reports',
      resourceAccountId: deployment.delegatedAdmin.accountId,
      endpointRegion: deployment.delegatedAdmin.region,
      ...(known ? { arns: { object: [...new Set(objects)].sort(), bucket: [...buckets].sort().map((b) => `arn:aws:s3:::${b}`) } } : {}),
    },
  };
}
