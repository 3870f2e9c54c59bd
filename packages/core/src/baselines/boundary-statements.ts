/**
 * The organization's permissions boundary as the account baseline deploys it (policies/permissions-boundary.yaml
 * with its statements). The catalog only parses the statements, because it is loaded on the pre-commit path;
 * their IAM names are checked here, on the organization path, which loads the IAM catalog anyway.
 */

import { Catalog, PermissionsBoundaryPolicy } from '../catalog/model';
import { InputError } from '../errors';
import { validateStatement } from '../org/iam-validation';
import { readSourceFile } from '../yaml-source';
import { PermissionsBoundaryDocument } from './model';

/** The boundary's own ARN, account-independent: the policy variable is resolved by IAM in each account. */
export function boundaryArn(boundary: Pick<PermissionsBoundaryPolicy, 'name' | 'path'>): string {
  return `arn:aws:iam::\${aws:PrincipalAccount}:policy${boundary.path}${boundary.name}`;
}

/**
 * The boundary document the account baseline deploys, or the problems that stop it: no
 * permissions-boundary.yaml, no statements, or an iam:PermissionsBoundary condition naming another policy
 * (after a rename, that would deny creating any role with the boundary it now has). `usedAt` is where the
 * account baseline is asked for, for the message when the file is missing.
 */
export function permissionsBoundaryDocument(catalog: Catalog, usedAt: InputError['location']): PermissionsBoundaryDocument | InputError[] {
  const boundary = catalog.permissionsBoundary;
  if (!boundary) {
    return [
      new InputError(
        usedAt,
        'the account baseline deploys the permissions boundary, but there is no policies/permissions-boundary.yaml',
        'policies/permissions-boundary.yaml with name, path, description and statements',
      ),
    ];
  }
  if (!boundary.statements?.length) {
    return [
      new InputError(
        { file: boundary.file, line: 1 },
        'the permissions boundary has no statements, so the account baseline cannot create it',
        'statements: the policy document the boundary deploys (an Allow of what identity policies grant, and the Denys that stop escalation)',
      ),
    ];
  }
  const own = boundaryArn(boundary);
  const doc = readSourceFile(boundary.file);
  const problems: InputError[] = [];
  boundary.statements.forEach((statement, i) => {
    for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
      const value = block['iam:PermissionsBoundary'];
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, j) => {
        if (v === own) return;
        const at = doc.locate(['statements', i, 'Condition', operator, 'iam:PermissionsBoundary', ...(Array.isArray(value) ? [j] : [])]);
        problems.push(new InputError(at, `iam:PermissionsBoundary ${JSON.stringify(v)} is not this boundary's own ARN`, own));
      });
    }
  });
  if (problems.length) return problems;
  return { name: boundary.name, path: boundary.path, description: boundary.description, statements: boundary.statements };
}

/**
 * Every misspelt action, condition key or operator in the boundary's statements, at its line. Nothing when
 * the catalog has no boundary or no statements (permissionsBoundaryDocument reports that where it matters).
 */
export async function permissionsBoundaryProblems(catalog: Catalog): Promise<InputError[]> {
  const boundary = catalog.permissionsBoundary;
  if (!boundary?.statements?.length) return [];
  const doc = readSourceFile(boundary.file);
  const problems: InputError[] = [];
  for (const [i, statement] of boundary.statements.entries()) {
    // A boundary, like an SCP, is an identity-side policy without Principal: the SCP rules fit it.
    problems.push(...(await validateStatement(statement, 'scp', (p) => doc.locate(['statements', i, ...p]))));
  }
  return problems;
}
