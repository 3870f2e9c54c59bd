import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { UsageError } from '../usage-error';
import { EngineContext, call } from './context';

/**
 * Refuses, before anything is read or changed, credentials of any account but `expected` (sts:GetCallerIdentity):
 * `refusal` says why that account matters, given whom the credentials belong to.
 */
export async function assertCallerAccount(ctx: EngineContext, expected: string, refusal: (account: string, arn: string) => string): Promise<void> {
  const who = await call(ctx, 'sts:GetCallerIdentity', () => ctx.clients.sts.send(new GetCallerIdentityCommand({})));
  if (who.Account !== expected) throw new UsageError(refusal(who.Account ?? '?', who.Arn ?? 'unknown principal'));
}
