// Turns iam-simulate's RequestAnalysis into one-line reasons, and digs out the input errors it
// records inside statement explains instead of reporting them.
import { getDenialReasons, type RequestAnalysis } from '@cloud-copilot/iam-simulate';

type StatementAnalysis = NonNullable<RequestAnalysis['identityAnalysis']>['denyStatements'][number];
type ControlAnalysis = NonNullable<RequestAnalysis['scpAnalysis']>;

const statementName = (s: StatementAnalysis) => {
  const sid = s.statement.sid();
  return sid ? `Sid "${sid}"` : `#${s.statement.index()}`;
};

/** Why a request was denied: explicit Deny statements if any, otherwise the missing Allows. */
export function denialReasons(a: RequestAnalysis, action: string): string[] {
  const explicit: string[] = [];
  const implicit: string[] = [];
  // getDenialReasons does not say which OU/account level an SCP or RCP statement sits at, so walk those ourselves.
  const controls: [string, ControlAnalysis | undefined][] = [
    ['SCP', a.scpAnalysis],
    ['RCP', a.rcpAnalysis],
  ];
  for (const [label, control] of controls) {
    for (const level of control?.ouAnalysis ?? []) {
      for (const s of level.denyStatements) {
        explicit.push(`${label} "${s.policyId}" statement ${statementName(s)} at ${level.orgIdentifier} denies ${action}`);
      }
      if (level.result === 'ImplicitlyDenied') {
        implicit.push(`no ${label} at ${level.orgIdentifier} allows ${action} (a level without an Allow denies implicitly)`);
      }
    }
  }
  for (const d of getDenialReasons(a)) {
    if (d.policyType === 'scp' || d.policyType === 'rcp') continue;
    if (d.denialType === 'Explicit') {
      const stmt = d.statementId ? `Sid "${d.statementId}"` : `#${d.statementIndex}`;
      const policy = d.policyIdentifier ? ` "${d.policyIdentifier}"` : '';
      explicit.push(`${d.policyType} policy${policy} statement ${stmt} denies ${action}`);
    } else if (d.policyType === 'identity') {
      implicit.push(`no identity policy allows ${action}`);
    } else if (d.policyType === 'resource') {
      implicit.push(`the resource policy does not allow ${action}`);
    } else {
      implicit.push(`${d.policyType} policy does not allow ${action}`);
    }
  }
  // getDenialReasons says nothing when there is no resource policy at all, yet cross-account and
  // AWS service principal requests need one.
  const resourceResult = a.resourceAnalysis?.result;
  if (!a.sameAccount && (resourceResult === undefined || resourceResult === 'NotApplicable')) {
    implicit.push(`no resource policy: a request from another account or an AWS service needs one to allow ${action}`);
  }
  const reasons = a.result === 'ExplicitlyDenied' ? explicit : implicit;
  return reasons.length > 0 ? reasons : [`iam-simulate result ${a.result}`];
}

/**
 * The Sids of the SCP and RCP statements that explicitly deny the request (statements without a Sid as
 * #<index>), so a test case can require that the statement it is about is among them.
 */
export function denyingStatements(a: RequestAnalysis): string[] {
  const sids: string[] = [];
  for (const control of [a.scpAnalysis, a.rcpAnalysis]) {
    for (const level of control?.ouAnalysis ?? []) {
      for (const s of level.denyStatements) sids.push(s.statement.sid() ?? `#${s.statement.index()}`);
    }
  }
  return sids;
}

/**
 * Errors iam-simulate found while evaluating conditions (e.g. request value 'maybe' is not a boolean,
 * '10.0.0/8' is not a valid CIDR block). It records them in the explain and treats the condition as
 * not matching, which would turn bad input into an Allowed or Denied.
 */
export function conditionErrors(a: RequestAnalysis): string[] {
  const statements: StatementAnalysis[] = [];
  for (const part of [a.identityAnalysis, a.resourceAnalysis]) {
    if (part) statements.push(...part.allowStatements, ...part.denyStatements, ...part.unmatchedStatements);
  }
  for (const control of [a.scpAnalysis, a.rcpAnalysis]) {
    for (const level of control?.ouAnalysis ?? []) {
      statements.push(...level.allowStatements, ...level.denyStatements, ...level.unmatchedStatements);
    }
  }
  const errors = new Set<string>();
  for (const s of statements) {
    for (const condition of s.explain.conditions ?? []) {
      for (const value of [condition.values].flat()) {
        for (const e of value.errors ?? []) {
          // An unresolvable ${policy variable} never matching is AWS behaviour, not an input error.
          if (e.includes('will never match')) continue;
          errors.add(`"${s.policyId}" statement ${statementName(s)}, ${condition.operator} ${condition.conditionKeyValue}: ${e}`);
        }
      }
    }
  }
  return [...errors];
}
