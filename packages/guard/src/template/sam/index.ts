import { checkAttributes } from './attributes';
import { Context } from './context';
import { generatedTypes } from './generated-types';
import { translateFunction } from './function';
import { layerLogicalId, translateLayerVersion } from './layer-version';
import { renameReferences } from './references';
import { translateSimpleTable } from './simple-table';
import { translateStateMachine } from './state-machine';
import { declaredEvents, implicitApi } from './api/implicit';
import { translateRestApi } from './api/rest-api';
import { IMPLICIT_REST_API } from './api/routes';
import { translateHttpApi } from './http-api/http-api';
import { IMPLICIT_HTTP_API } from './http-api/routes';
import { NotExpanded, ServerlessExpansion, SourcedResource, UncheckedResource } from './model';
import { propertiesOf } from './properties';
import { SamResource, Unit } from './unit';
import { Dict, clone, deepEqual, isObject } from './values';

export type { SourcedResource, UncheckedResource, ServerlessExpansion } from './model';
export { SAM_GENERATED_TYPES } from './generated-types';

const PREFIX = 'AWS::Serverless::';
type Translator = (ctx: Context, r: SamResource) => Unit[];

/** SAM resource types Tarmac expands; any other AWS::Serverless:: type is reported whole as not checkable. */
const TRANSLATORS: Readonly<Record<string, Translator>> = {
  'AWS::Serverless::Function': translateFunction,
  'AWS::Serverless::SimpleTable': translateSimpleTable,
  'AWS::Serverless::LayerVersion': translateLayerVersion,
  'AWS::Serverless::Api': translateRestApi,
  'AWS::Serverless::StateMachine': translateStateMachine,
  'AWS::Serverless::HttpApi': translateHttpApi,
};

/**
 * Expands what the SAM transform (AWS::Serverless-2016-10-31) would generate, for the resources and
 * properties Tarmac has proven against the SAM translator's output. Every SAM resource is either replaced
 * by what SAM generates for it, or reported in `unchecked` (in parts where SAM's output is separable: an
 * event, a role); other resources are returned unchanged, in order.
 *
 * root: the parsed template (Globals, Parameters...); resources: after Fn::ForEach expansion.
 */
export function expandServerless(root: Readonly<Record<string, unknown>>, resources: readonly SourcedResource[]): ServerlessExpansion {
  const isSam = (r: SourcedResource) => isObject(r.resource) && typeof r.resource.Type === 'string' && r.resource.Type.startsWith(PREFIX);
  const embedded = resources.filter((r) => isObject(r.resource) && Object.hasOwn(r.resource, 'Connectors'));
  if (!resources.some(isSam) && embedded.length === 0) return { resources: [...resources], unchecked: [] };

  const ctx = new Context(root, new Map(resources.filter((r) => isObject(r.resource)).map((r) => [r.logicalId, r.resource])));
  const units = new Map<SourcedResource, Unit[]>();
  const sam = new Map<SourcedResource, SamResource | Unit[]>(resources.filter(isSam).map((r) => [r, prepare(ctx, r)]));
  for (const [source, r] of sam) {
    if (Array.isArray(r)) units.set(source, r);
    else if (r.type === 'AWS::Serverless::LayerVersion') renameLayer(ctx, r);
  }
  for (const r of sam.values()) {
    if (Array.isArray(r)) continue;
    if (r.type === 'AWS::Serverless::Api') ctx.restApis.push(r);
    if (r.type === 'AWS::Serverless::HttpApi') ctx.httpApis.push(r);
  }
  ctx.declared.set('Api', declaredEvents(resources.filter(isSam), 'Api', 'RestApiId', IMPLICIT_REST_API));
  ctx.declared.set('HttpApi', declaredEvents(resources.filter(isSam), 'HttpApi', 'ApiId', IMPLICIT_HTTP_API));
  // Functions and state machines first: their Api events add routes to the APIs translated after them.
  const order = [...sam.entries()].filter(([, r]) => !Array.isArray(r)).sort(([a], [b]) => rank(a) - rank(b));
  const extra: Unit[] = [];
  for (const [source, r] of order) {
    if (rank(source) === 1 && extra.length === 0) extra.push(...implicitApis(ctx));
    units.set(source, translate(ctx, r as SamResource));
  }
  if (extra.length === 0) extra.push(...implicitApis(ctx));
  // SAM's implicit API replaces a resource with its logical ID: neither is known for sure.
  for (const api of extra) {
    const replaced = resources.find((r) => r.logicalId === api.owner.logicalId);
    for (const unit of (replaced && units.get(replaced)) ?? [])
      unit.fail(new NotExpanded(replaced!.sourcePath, `SAM replaces ${replaced!.logicalId} with the API it adds for events that name no API`));
  }

  failCollisions(
    resources.filter((r) => !isSam(r)),
    [...resources.flatMap((r) => units.get(r) ?? []), ...extra],
  );
  const out: SourcedResource[] = [];
  const unchecked: UncheckedResource[] = [];
  const emitted = new Map<string, SourcedResource>();
  const emit = (parts: readonly Unit[]) => {
    for (const unit of parts) {
      const problem = unit.unchecked();
      if (problem) {
        unchecked.push(problem);
        continue;
      }
      for (const generated of unit.resources) {
        // A resource several parts generate alike (a custom domain shared by APIs) is one resource.
        if (emitted.has(generated.logicalId)) continue;
        const r = renamed(generated, ctx.renames);
        emitted.set(generated.logicalId, r);
        out.push(r);
      }
    }
  };
  for (const r of resources) {
    const parts = units.get(r);
    if (parts) emit(parts);
    else out.push(r);
  }
  emit(extra);
  unchecked.push(...embedded.flatMap(embeddedConnectors));
  return { resources: out, unchecked };
}

/** The APIs SAM adds for Api and HttpApi events that name none. */
function implicitApis(ctx: Context): Unit[] {
  return [
    ...implicit(ctx, 'Api', IMPLICIT_REST_API, 'AWS::Serverless::Api', { StageName: 'Prod' }, translateRestApi),
    ...implicit(ctx, 'HttpApi', IMPLICIT_HTTP_API, 'AWS::Serverless::HttpApi', {}, translateHttpApi),
  ];
}

function implicit(ctx: Context, eventType: string, logicalId: string, type: string, properties: Dict, translator: Translator): Unit[] {
  const events = (ctx.declared.get(eventType) ?? []).filter((e) => e.apiId === logicalId);
  if (events.length === 0) return [];
  try {
    const api = implicitApi(ctx, logicalId, type, events, properties);
    (type === 'AWS::Serverless::Api' ? ctx.restApis : ctx.httpApis).push(api);
    return translator(ctx, api);
  } catch (err) {
    if (!(err instanceof NotExpanded)) throw err;
    const unit = new Unit({ logicalId, type, resource: {}, properties, sourcePath: events[0].path }, events[0].path, generatedTypes(type), logicalId);
    unit.fail(err);
    return [unit];
  }
}

function rank(r: SourcedResource): number {
  return r.resource.Type === 'AWS::Serverless::Function' || r.resource.Type === 'AWS::Serverless::StateMachine' ? 0 : 1;
}

/** Translates one SAM resource; a NotExpanded that escapes its parts makes the whole resource unchecked. */
function translate(ctx: Context, r: SamResource): Unit[] {
  try {
    return TRANSLATORS[r.type](ctx, r);
  } catch (err) {
    if (!(err instanceof NotExpanded)) throw err;
    const unit = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
    unit.fail(err);
    return [unit];
  }
}

/** The SAM resource with its Globals applied, or (when that fails) the unit that reports it whole. */
function prepare(ctx: Context, source: SourcedResource): SamResource | Unit[] {
  const type = source.resource.Type as string;
  const written: SamResource = { logicalId: source.logicalId, type, resource: source.resource, properties: {}, sourcePath: source.sourcePath };
  try {
    if (!Object.hasOwn(TRANSLATORS, type)) throw new NotExpanded(source.sourcePath, `${type} is not expanded by Tarmac`);
    checkAttributes(written);
    const properties = ctx.globals.apply(type, propertiesOf(source.resource, source.sourcePath), source.resource.IgnoreGlobals, source.sourcePath);
    return { ...written, properties };
  } catch (err) {
    if (!(err instanceof NotExpanded)) throw err;
    const unit = new Unit(written, source.sourcePath, generatedTypes(type), source.logicalId);
    unit.fail(err);
    return [unit];
  }
}

function renameLayer(ctx: Context, r: SamResource): void {
  try {
    ctx.renames.set(r.logicalId, layerLogicalId(ctx, r));
  } catch (err) {
    if (!(err instanceof NotExpanded)) throw err; // the layer's own translation reports it
  }
}

/** A generated resource as returned: references to renamed resources followed, and no object shared with another. */
function renamed(r: SourcedResource, renames: ReadonlyMap<string, string>): SourcedResource {
  const resource = clone(renameReferences(r.resource, renames)) as Dict;
  const dependsOn = resource.DependsOn;
  const rename = (id: unknown) => (typeof id === 'string' ? (renames.get(id) ?? id) : id);
  if (dependsOn !== undefined) resource.DependsOn = Array.isArray(dependsOn) ? dependsOn.map(rename) : rename(dependsOn);
  return { ...r, resource };
}

/**
 * SAM overwrites a resource whose logical ID it generates; Tarmac reports the generating part instead, so
 * neither the written resource nor the generated one is lost.
 */
function failCollisions(written: readonly SourcedResource[], units: readonly Unit[]): void {
  const taken = new Map<string, SourcedResource | undefined>(written.map((r) => [r.logicalId, undefined]));
  for (const unit of units) {
    if (unit.problem()) continue;
    // Generating the very same resource as another part (shared by design) is no clash.
    const clash = unit.resources.find((r) => taken.has(r.logicalId) && !deepEqual(taken.get(r.logicalId)?.resource, r.resource));
    if (clash) {
      unit.fail(new NotExpanded(clash.sourcePath, `SAM would generate ${clash.logicalId}, a logical ID the template already uses`));
      continue;
    }
    for (const r of unit.resources) taken.set(r.logicalId, r);
  }
}

/** Connectors embedded in a resource: SAM turns each into an AWS::Serverless::Connector, which Tarmac does not expand. */
function embeddedConnectors(r: SourcedResource): UncheckedResource[] {
  const connectors = r.resource.Connectors;
  const path = [...r.sourcePath, 'Connectors'];
  const mayCreate = generatedTypes('AWS::Serverless::Connector');
  if (!isObject(connectors)) {
    return [{ logicalId: r.logicalId, type: 'AWS::Serverless::Connector', sourcePath: path, reason: 'Connectors is not a map', mayCreate }];
  }
  return Object.keys(connectors as Dict).map((key) => ({
    logicalId: `${r.logicalId}${key}`,
    type: 'AWS::Serverless::Connector',
    sourcePath: [...path, key],
    reason: `the connector ${key} of ${r.logicalId} is not expanded by Tarmac`,
    mayCreate,
  }));
}
