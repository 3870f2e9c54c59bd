import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { EventInput, lambdaPermission, propertyPath } from './target';

/**
 * S3: a permission for S3 to invoke the function. SAM also adds the notification (and a DependsOn) to the
 * bucket resource itself; the bucket stays as written here, as no control reads its notifications.
 */
export function s3Event(input: EventInput): void {
  const { event, ctx } = input;
  checkKeys(event.properties, ['Bucket', 'Events', 'Filter'], propertyPath(event), `event ${event.name}`);
  const bucket = event.properties.Bucket;
  const bucketId = typeof (bucket as { Ref?: unknown })?.Ref === 'string' ? (bucket as { Ref: string }).Ref : undefined;
  if (!bucketId || ctx.typeOf(bucketId) !== 'AWS::S3::Bucket') {
    throw new NotExpanded(propertyPath(event, 'Bucket'), `event ${event.name}: Bucket is not a Ref to an AWS::S3::Bucket of this template`);
  }
  lambdaPermission(input, `${event.logicalId}Permission`, 's3.amazonaws.com', { SourceAccount: { Ref: 'AWS::AccountId' } });
}
