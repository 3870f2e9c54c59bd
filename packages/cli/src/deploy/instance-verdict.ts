import type { CallAs } from './clients';
import type { InstanceStatus, InstanceVerdict } from './model';

/**
 * How an instance counts. A suspended account is skipped by AWS, not failed; an INOPERABLE instance is
 * excluded from every later update until someone removes it; an OUTDATED one did not get this version.
 */
export function verdictOf(instance: InstanceStatus): InstanceVerdict {
  const detailed = instance.detailedStatus;
  if (detailed === 'SKIPPED_SUSPENDED_ACCOUNT') return 'skipped';
  if (instance.status === 'INOPERABLE' || detailed === 'INOPERABLE') return 'inoperable';
  if (detailed === 'FAILED' || detailed === 'CANCELLED' || detailed === 'FAILED_IMPORT') return 'failed';
  if (instance.status !== 'CURRENT') return 'outdated';
  return 'ok';
}

/** Whether instances leave a deploy or status clean: every one CURRENT, or skipped for a suspended account. */
export function allCurrent(instances: readonly InstanceStatus[]): boolean {
  return instances.every((i) => ['ok', 'skipped'].includes(verdictOf(i)));
}

/**
 * AWS's advice for an INOPERABLE instance (StackInstance.Status in the CloudFormation API reference): delete
 * the instance with RetainStacks true, then delete the stack in the account by hand. INTERSECTION narrows
 * the OU target to the one account, so no other account's instance is touched.
 */
export function inoperableAdvice(stackSet: string, instance: InstanceStatus, callAs: CallAs): string {
  const targets = instance.ou
    ? `OrganizationalUnitIds=${instance.ou},Accounts=${instance.account},AccountFilterType=INTERSECTION`
    : `Accounts=${instance.account}`;
  return (
    `${stackSet} ${instance.account} ${instance.region} is INOPERABLE: a DeleteStackInstances operation failed and left the stack unstable, and StackSets excludes it from updates. ` +
    `AWS recommends deleting the instance while retaining the stack, then deleting the stack in account ${instance.account} by hand:\n` +
    `  aws cloudformation delete-stack-instances --stack-set-name ${stackSet} --deployment-targets ${targets} --regions ${instance.region} --retain-stacks --call-as ${callAs}\n` +
    `then run tarmac deploy again.`
  );
}
