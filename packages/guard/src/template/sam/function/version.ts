import { Context } from '../context';
import { logicalIdHash } from '../hash';
import { NotExpanded } from '../model';
import { prop, propertyPath } from '../properties';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, getAtt, ref } from '../values';

export interface Alias {
  readonly logicalId: string;
  readonly name: string;
}

/** AutoPublishAlias, resolved as SAM does (a string, or a Ref to a parameter with a Default). */
export function aliasOf(ctx: Context, r: SamResource): Alias | undefined {
  const value = prop(r, 'AutoPublishAlias');
  if (value === undefined) return undefined;
  const name = ctx.resolveParameter(value);
  const path = propertyPath(r, 'AutoPublishAlias');
  if (typeof name !== 'string') throw new NotExpanded(path, 'AutoPublishAlias is neither a string nor a Ref to a parameter with a default');
  // SAM names the alias resource after the alias, spelling out the two punctuation marks alias names allow.
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new NotExpanded(path, `the alias name ${name} is not one SAM accepts`);
  return { logicalId: `${r.logicalId}Alias${name.replace(/_/g, 'U').replace(/-/g, 'D')}`, name };
}

/**
 * The version SAM publishes on every code change (`<Function>Version<hash>`, kept on deletion by default)
 * and the alias pointing at it. The hash is of the code and MemorySize, or the AutoPublishCodeSha256 given.
 */
export function addVersionAndAlias(ctx: Context, r: SamResource, unit: Unit, fn: Dict, alias: Alias, attributes: Dict, updatePolicy?: Dict): void {
  const sha = codeSha256(ctx, r);
  const hashed = dict([...Object.entries(fn.Code as Dict), ['MemorySize', fn.MemorySize]]);
  const versionId = `${r.logicalId}Version${sha !== undefined ? sha.slice(0, 10) : logicalIdHash(hashed)}`;
  const deletionPolicy = prop(r, 'VersionDeletionPolicy') ?? r.resource.DeletionPolicy ?? 'Retain';
  unit.add(
    versionId,
    'AWS::Lambda::Version',
    dict([
      ['Description', clone(prop(r, 'VersionDescription'))],
      ['FunctionName', ref(r.logicalId)],
    ]),
    { ...attributes, DeletionPolicy: clone(deletionPolicy) },
  );
  unit.add(
    alias.logicalId,
    'AWS::Lambda::Alias',
    dict([
      ['Name', alias.name],
      ['FunctionName', ref(r.logicalId)],
      ['FunctionVersion', getAtt(versionId, 'Version')],
      ['ProvisionedConcurrencyConfig', clone(prop(r, 'ProvisionedConcurrencyConfig'))],
    ]),
    dict([...Object.entries(attributes), ['UpdatePolicy', updatePolicy]]),
  );
}

/** AutoPublishCodeSha256 as SAM resolves it; SAM also appends it to the function's Description. */
export function codeSha256(ctx: Context, r: SamResource): string | undefined {
  const value = prop(r, 'AutoPublishCodeSha256');
  if (value === undefined) return undefined;
  const sha = ctx.resolveParameter(value);
  if (typeof sha !== 'string')
    throw new NotExpanded(propertyPath(r, 'AutoPublishCodeSha256'), 'AutoPublishCodeSha256 is neither a string nor a Ref to a parameter with a default');
  return sha;
}

export function describedWithSha(description: unknown, sha: string): unknown {
  if (description === undefined) return sha;
  if (typeof description === 'string') return `${description} ${sha}`;
  return { 'Fn::Join': [' ', [clone(description), sha]] };
}
