import { EventSpec, EventTarget } from '../events/target';
import { Unit } from '../unit';
import { Dict } from '../values';

/** What an Api event adds to the OpenAPI document of its REST API. */
export interface RestRoute {
  readonly path: string;
  /** Lower case; `any` for every method. */
  readonly method: string;
  readonly integration: Dict;
  /** The method's responses (none for a Lambda proxy integration). */
  readonly responses: Dict;
  /** The event's Auth, read against the API's Auth when the API is translated. */
  readonly auth: unknown;
  readonly event: EventSpec;
  readonly target: EventTarget;
  /** The event's unit: the API is exact only if every route to it is. */
  readonly unit: Unit;
}

/** `ServerlessRestApi`: the API SAM adds for Api events that name none. */
export const IMPLICIT_REST_API = 'ServerlessRestApi';
