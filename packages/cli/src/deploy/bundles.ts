import { createHash } from 'crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsCallError, errorName, httpStatus } from './aws-errors';
import { EngineContext, call } from './context';
import type { DesiredBundle } from './desired';
import type { BundlePlan } from './model';
import { withRetry } from './retry';

/**
 * The object under a bundle's key, when there is one: its version, the sha256 it was uploaded with and the KMS
 * key it is encrypted with.
 */
export async function headBundle(
  ctx: EngineContext,
  bucket: string,
  key: string,
): Promise<{ versionId?: string; sha256?: string; kmsKeyId?: string } | undefined> {
  try {
    const out = await call(ctx, `s3:HeadObject s3://${bucket}/${key}`, () => ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    return {
      ...(out.VersionId ? { versionId: out.VersionId } : {}),
      ...(out.Metadata?.sha256 ? { sha256: out.Metadata.sha256 } : {}),
      ...(out.SSEKMSKeyId ? { kmsKeyId: out.SSEKMSKeyId } : {}),
    };
  } catch (err) {
    // HEAD has no body: a missing key (or bucket, before the stack creates it) is a bare 404.
    if (errorName(err) === 'NotFound' || errorName(err) === 'NoSuchKey' || httpStatus(err) === 404) return undefined;
    throw err;
  }
}

export async function planBundle(ctx: EngineContext, bucket: string, bundle: DesiredBundle): Promise<BundlePlan> {
  const base = { key: bundle.key, sha256: bundle.sha256, profile: bundle.profile, mode: bundle.mode };
  const existing = await headBundle(ctx, bucket, bundle.key);
  if (!existing) return { ...base, action: 'upload', note: 'new version will be uploaded' };
  if (existing.sha256 !== bundle.sha256)
    return { ...base, action: 'conflict', note: `the object under this key has sha256 ${existing.sha256 ?? '(none)'}; keys are never overwritten` };
  return { ...base, action: 'unchanged', ...(existing.versionId ? { versionId: existing.versionId } : {}) };
}

/**
 * Uploads a bundle under its content-addressed key and returns the VersionId the hooks pin. Never
 * overwrites (If-None-Match: *): when the key exists (412), its version is used only if it holds the same
 * bytes. A 409 ConditionalRequestConflict (a concurrent write to the key) is retried, as S3 advises.
 */
export async function uploadBundle(ctx: EngineContext, bucket: string, bundle: DesiredBundle): Promise<string> {
  const where = `s3://${bucket}/${bundle.key}`;
  const checksum = Buffer.from(createHash('sha256').update(bundle.bytes).digest()).toString('base64');
  let out;
  try {
    out = await withRetry(
      `s3:PutObject ${where}`,
      ctx.retry,
      (err) => httpStatus(err) === 409 || errorName(err) === 'ConditionalRequestConflict',
      () =>
        call(ctx, `s3:PutObject ${where}`, () =>
          ctx.clients.s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: bundle.key,
              Body: bundle.bytes,
              IfNoneMatch: '*',
              ChecksumSHA256: checksum,
              // No ServerSideEncryption header: with `aws:kms` and no key ID, S3 uses the account's AWS managed key
              // (aws/s3), which no other account can use, instead of the bucket's default key (the rules key that
              // the hook roles of the organization may decrypt with). The bucket's default encryption applies.
              ContentType: 'application/zip',
              Metadata: { sha256: bundle.sha256 },
            }),
          ),
        ),
    );
  } catch (err) {
    if (httpStatus(err) !== 412 && errorName(err) !== 'PreconditionFailed') throw err;
    const existing = await headBundle(ctx, bucket, bundle.key);
    if (existing?.sha256 !== bundle.sha256)
      throw new Error(
        `${where} already exists with sha256 ${existing?.sha256 ?? '(none)'}, not ${bundle.sha256}: a bundle key is never overwritten; remove that object by hand if it is not a Tarmac bundle`,
      );
    if (!existing.versionId) throw new Error(`${where} has no VersionId: the bundle bucket must be versioned (the hooks pin a version)`);
    return existing.versionId;
  }
  if (!out.VersionId)
    throw new AwsCallError(`s3:PutObject ${where}`, new Error('the response has no VersionId: the bundle bucket must be versioned (the hooks pin a version)'));
  return out.VersionId;
}
