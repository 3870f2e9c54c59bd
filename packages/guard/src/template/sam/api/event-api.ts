import { EventInput, propertyPath } from '../events/target';
import { NotExpanded } from '../model';
import { clone, isObject } from '../values';

/**
 * The logical ID of the API an Api or HttpApi event names in `key` (a Ref, or the ID itself), which must be
 * an API of `type` in this template; without `key`, the `implicit` API SAM creates.
 */
export function eventApiId({ ctx, event }: EventInput, key: 'RestApiId' | 'ApiId', type: string, implicit: string): string {
  const given = event.properties[key];
  if (given === undefined) return implicit;
  const id = typeof given === 'string' ? given : isObject(given) && typeof given.Ref === 'string' ? given.Ref : undefined;
  if (id === undefined || ctx.typeOf(id) !== type) {
    throw new NotExpanded(propertyPath(event, key), `event ${event.name}: ${key} does not name an ${type} of this template`);
  }
  return id;
}

/** The API in an execute-api ARN: as the event wrote it, else a Ref to the API found. */
export function apiReference(given: unknown, apiId: string): unknown {
  return given === undefined ? { Ref: apiId } : clone(given);
}
