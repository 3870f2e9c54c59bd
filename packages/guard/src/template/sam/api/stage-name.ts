import { Dict, get } from '../values';

/**
 * The stage part of names SAM derives from an API's StageName (`<Api><Stage>Stage`, the Api event's
 * `Permission<Stage>`): the name when it is a literal, `Stage` otherwise; the implicit API's is Prod.
 */
export function stageOf(api: Readonly<Dict> | undefined): string {
  if (!api) return 'Prod';
  const name = get(api.Properties, 'StageName');
  return typeof name === 'string' ? name : 'Stage';
}

/** The stage resource: `<Api><StageName>Stage`, or `<Api>Stage` when the name is not a literal. */
export function stageLogicalId(apiId: string, api: Readonly<Dict>): string {
  const name = get(api.Properties, 'StageName');
  return `${apiId}${typeof name === 'string' ? name : ''}Stage`;
}
