import { MandatoryTag } from './model';

/** Why a value is not allowed for a mandatory tag (what is expected instead), or undefined when it is. */
export function tagValueProblem(tag: MandatoryTag, value: string): string | undefined {
  if (tag.values && !tag.values.includes(value)) return `expected one of ${tag.values.join(', ')}`;
  if (tag.pattern !== undefined && !new RegExp(tag.pattern).test(value)) {
    return `expected a value matching ${tag.pattern}${tag.example ? ` (for example ${tag.example})` : ''}`;
  }
  return undefined;
}
