import { Context } from '../context';
import { NotExpanded, SourcedResource } from '../model';
import { SamResource } from '../unit';
import { Dict, Path, dict, get, isObject } from '../values';

/** An Api/HttpApi event as written: who declares it and which API it names (undefined: the implicit one). */
export interface DeclaredEvent {
  readonly owner: SourcedResource;
  readonly name: string;
  readonly path: Path;
  /** The API it names, or the implicit API when it names none. */
  readonly apiId: string;
  /** No Path: the default route of an HTTP API. */
  readonly defaultRoute: boolean;
}

/**
 * The events of a type declared by functions and state machines, read from the template as written (so an
 * API knows the routes it should get even when the function declaring one could not be expanded).
 */
export function declaredEvents(resources: readonly SourcedResource[], eventType: string, apiProperty: string, implicitId: string): DeclaredEvent[] {
  const out: DeclaredEvent[] = [];
  for (const owner of resources) {
    if (owner.resource.Type !== 'AWS::Serverless::Function' && owner.resource.Type !== 'AWS::Serverless::StateMachine') continue;
    const events = get(owner.resource.Properties, 'Events');
    if (!isObject(events)) continue;
    for (const [name, event] of Object.entries(events)) {
      if (!isObject(event) || event.Type !== eventType) continue;
      const api = get(event.Properties, apiProperty);
      const apiId = api === undefined ? implicitId : typeof api === 'string' ? api : isObject(api) && typeof api.Ref === 'string' ? api.Ref : '';
      out.push({ owner, name, path: [...owner.sourcePath, 'Properties', 'Events', name], apiId, defaultRoute: get(event.Properties, 'Path') === undefined });
    }
  }
  return out;
}

/**
 * The API SAM adds for events that name none (ServerlessRestApi, ServerlessHttpApi): the type's Globals
 * apply to it, and it keeps the strongest DeletionPolicy and UpdateReplacePolicy of the resources whose
 * events created it. It has no place in the template; it points at the first such event.
 */
export function implicitApi(ctx: Context, logicalId: string, type: string, events: readonly DeclaredEvent[], properties: Dict): SamResource {
  const attribute = (name: string) => {
    const values = events.map((e) => e.owner.resource[name]).filter((v) => v !== undefined);
    return values.includes('Retain') ? 'Retain' : values[0];
  };
  const resource = dict([
    ['Type', type],
    ['Properties', properties],
    ['DeletionPolicy', attribute('DeletionPolicy')],
    ['UpdateReplacePolicy', attribute('UpdateReplacePolicy')],
  ]);
  const sourcePath = events[0].path;
  const sam: SamResource = { logicalId, type, resource, properties: {}, sourcePath };
  if (ctx.resource(logicalId))
    throw new NotExpanded(sourcePath, `SAM would add ${logicalId} for this event, but the template already has a resource with that logical ID`);
  return { ...sam, properties: ctx.globals.apply(type, properties, undefined, sourcePath) };
}

/** The reason an API lacks a route an event declares for it, if one does. */
export function missingRoute(declared: readonly DeclaredEvent[], apiId: string, expanded: (e: DeclaredEvent) => boolean): NotExpanded | undefined {
  const missing = declared.find((e) => e.apiId === apiId && !expanded(e));
  return (
    missing && new NotExpanded(missing.path, `event ${missing.name} of ${missing.owner.logicalId} is not expanded by Tarmac, and it adds a route to ${apiId}`)
  );
}
