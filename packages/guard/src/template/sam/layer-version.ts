import { mainAttributes } from './attributes';
import { Context } from './context';
import { s3Location } from './function/code';
import { generatedTypes } from './generated-types';
import { logicalIdHash } from './hash';
import { NotExpanded } from './model';
import { checkProperties, prop, propertyPath } from './properties';
import { SamResource, Unit } from './unit';
import { clone, dict } from './values';

const SUPPORTED = new Set(['ContentUri', 'LayerName', 'Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo', 'RetentionPolicy']);
/** SAM resolves parameters in these before translating (and hashing). */
const RESOLVED = ['LayerName', 'LicenseInfo', 'RetentionPolicy'];

/**
 * AWS::Serverless::LayerVersion: an AWS::Lambda::LayerVersion named `<logical ID><hash>`, so that every
 * change publishes a new version; SAM rewrites references to the layer to that name.
 */
export function translateLayerVersion(ctx: Context, r: SamResource): Unit[] {
  const unit = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  unit.run(() => {
    checkProperties(r, SUPPORTED);
    const resolved = layerProperties(ctx, r);
    const id = ctx.renamed(r.logicalId);
    const retention = resolved.RetentionPolicy;
    let deletionPolicy: unknown = r.resource.DeletionPolicy ?? 'Retain';
    if (retention !== undefined) {
      const policy = typeof retention === 'string' ? ['Retain', 'Delete'].find((p) => p.toLowerCase() === retention.toLowerCase()) : undefined;
      if (!policy) throw new NotExpanded(propertyPath(r, 'RetentionPolicy'), 'RetentionPolicy is neither Retain nor Delete');
      deletionPolicy = policy;
    }
    unit.add(
      id,
      'AWS::Lambda::LayerVersion',
      dict([
        [
          'Content',
          s3Location(prop(r, 'ContentUri'), propertyPath(r, 'ContentUri'), { bucket: 'S3Bucket', key: 'S3Key', version: 'S3ObjectVersion' }, 'ContentUri'),
        ],
        ['LayerName', clone(resolved.LayerName ?? r.logicalId)],
        ['Description', clone(prop(r, 'Description'))],
        ['CompatibleRuntimes', clone(prop(r, 'CompatibleRuntimes'))],
        ['CompatibleArchitectures', clone(prop(r, 'CompatibleArchitectures'))],
        ['LicenseInfo', clone(resolved.LicenseInfo)],
      ]),
      { ...mainAttributes(r), DeletionPolicy: deletionPolicy },
    );
  });
  return [unit];
}

function layerProperties(ctx: Context, r: SamResource): Record<string, unknown> {
  return { ...r.properties, ...dict(RESOLVED.map((k) => [k, prop(r, k) === undefined ? undefined : ctx.resolveStrictly(prop(r, k), propertyPath(r, k))])) };
}

/** `<logical ID><hash of the resource as written, parameters resolved, without deletion attributes>`. */
export function layerLogicalId(ctx: Context, r: SamResource): string {
  const hashed = dict(Object.entries(r.resource).filter(([k]) => !['DeletionPolicy', 'UpdateReplacePolicy', 'Metadata'].includes(k)));
  hashed.Properties = layerProperties(ctx, r);
  return `${r.logicalId}${logicalIdHash(dict([[r.logicalId, hashed]]))}`;
}
