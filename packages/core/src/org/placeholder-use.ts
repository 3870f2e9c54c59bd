import { InputError, SourceLocation } from '../errors';
import { Organization } from './model';
import { PlaceholderUse } from './placeholders';

/** What a placeholder expands to: IAM actions, ARNs or plain text; one value or a list. */
interface PlaceholderSpec {
  readonly kind: 'action' | 'arn' | 'text';
  readonly list: boolean;
}

/** Every placeholder a statement may use (see target-values.ts for their values). */
export function placeholderSpecs(org: Organization, forEachTag: boolean): Map<string, PlaceholderSpec> {
  const specs = new Map<string, PlaceholderSpec>([
    ['org.id', { kind: 'text', list: false }],
    ['org.managementAccountId', { kind: 'text', list: false }],
    ['regions.home', { kind: 'text', list: false }],
    ['regions.allowed', { kind: 'text', list: true }],
    ['data.globalServiceActions', { kind: 'action', list: true }],
    ['roles', { kind: 'arn', list: true }],
    ...Object.keys(org.roles).map((key): [string, PlaceholderSpec] => [`roles.${key}`, { kind: 'arn', list: false }]),
  ]);
  if (forEachTag) {
    specs.set('tag.key', { kind: 'text', list: false });
    specs.set('tag.Name', { kind: 'text', list: false });
  }
  return specs;
}

/**
 * Placeholders are expanded after the statement is validated, so each may only stand where what it
 * expands to is valid without another check: Action and NotAction take only whole action lists (validated
 * data); Resource and NotResource whole ARNs or text inside an ARN; a list never sits inside a longer
 * string, a key or a Sid. Anything else is refused, so no unchecked value reaches a policy.
 */
export function misplacedPlaceholders(
  uses: readonly PlaceholderUse[],
  specs: ReadonlyMap<string, PlaceholderSpec>,
  locate: (path: (string | number)[]) => SourceLocation,
): InputError[] {
  const errors: InputError[] = [];
  for (const use of uses) {
    const spec = specs.get(use.name);
    const at = locate(use.path);
    if (!spec) {
      errors.push(new InputError(at, `unknown placeholder {{${use.name}}}`, `one of ${[...specs.keys()].map((k) => `{{${k}}}`).join(', ')}`));
      continue;
    }
    const field = String(use.path[0]);
    const actions = field === 'Action' || field === 'NotAction';
    if (actions !== (spec.kind === 'action') || (actions && !use.whole)) {
      errors.push(
        new InputError(
          at,
          `{{${use.name}}} cannot be used in ${field}`,
          actions ? 'a whole action list placeholder such as {{data.globalServiceActions}}' : 'action list placeholders only in Action or NotAction',
        ),
      );
    } else if ((field === 'Resource' || field === 'NotResource') && use.whole && spec.kind !== 'arn') {
      errors.push(
        new InputError(
          at,
          `{{${use.name}}} is not an ARN and cannot be a whole ${field} value`,
          'an ARN placeholder such as {{roles.platform}}, or text inside an ARN',
        ),
      );
    } else if (spec.list && (!use.whole || field === 'Sid')) {
      errors.push(new InputError(at, `{{${use.name}}} is a list and cannot be part of a longer string, a key or a Sid`, 'a placeholder that holds one value'));
    }
  }
  return errors;
}
