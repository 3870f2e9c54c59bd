import { AwsCallError, describeError, errorName } from './aws-errors';
import { AwsClients, CallAs, createClients } from './clients';
import type { EngineContext } from './context';
import type { Desired } from './desired';
import { Progress, liveProgress, plainProgress } from './progress';
import { DEFAULT_RETRY, RetryPolicy } from './retry';

/** Options plan, deploy and status share (main.ts's awsOptions). */
export interface AwsCommandOptions {
  out: string;
  policies?: string;
  format: 'text' | 'json';
  region?: string;
  endpointUrl?: string;
  callAs?: CallAs;
  /** The day exemptions are judged on (YYYY-MM-DD, UTC); the clock's day without it. */
  at?: string;
}

/** What tests replace: the clients, how long to wait, where progress goes. */
export interface CommandDeps {
  readonly clients?: AwsClients;
  readonly retry?: Partial<RetryPolicy>;
  readonly progress?: Progress;
}

/** The stack sets live in the delegated admin's home region unless --region says otherwise. */
export function regionFor(opts: AwsCommandOptions, desired: Desired): string | undefined {
  return opts.region ?? desired.delegatedAdmin?.region;
}

export function engineContext(opts: AwsCommandOptions, desired: Desired, deps: CommandDeps, withProgress: boolean): EngineContext {
  const region = regionFor(opts, desired);
  const stderr = process.stderr;
  const progress = deps.progress ?? (!withProgress ? plainProgress(() => {}) : stderr.isTTY ? liveProgress(stderr) : plainProgress((s) => stderr.write(s)));
  return {
    clients: deps.clients ?? createClients({ ...(region ? { region } : {}), ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}) }),
    callAs: opts.callAs ?? 'DELEGATED_ADMIN',
    retry: { ...DEFAULT_RETRY, ...deps.retry },
    progress,
  };
}

/**
 * An AWS call that failed before anything was changed (credentials, permissions, a region without the
 * stack sets) is bad input for the person running the command: said in one line, exit 2. Anything else
 * (input errors, usage errors, bugs) goes on to main's report.
 */
export async function exitOnAwsError(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    const hint =
      errorName(err) === 'CredentialsProviderError'
        ? ' (credentials come from the standard AWS SDK chain: AWS_PROFILE, environment variables, SSO, instance roles)'
        : '';
    process.stderr.write(`tarmac: ${describeError(err)}${hint}\n`);
    return 2;
  }
}
