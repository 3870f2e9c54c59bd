import { EventSpec, EventTarget } from '../events/target';
import { Unit } from '../unit';
import { Dict } from '../values';

/** What an HttpApi event adds to the OpenAPI document of its HTTP API. */
export interface HttpRoute {
  /** Undefined for the default route ($default). */
  readonly path: string | undefined;
  /** Lower case; `any` for every method. */
  readonly method: string;
  readonly integration: Dict;
  /** The event's RouteSettings, which SAM adds to the stage's settings for the route. */
  readonly routeSettings: unknown;
  /** The event's Auth, read against the API's Auth when the API is translated. */
  readonly auth: unknown;
  readonly event: EventSpec;
  readonly target: EventTarget;
  readonly unit: Unit;
}

export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';
