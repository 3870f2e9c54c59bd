import { NotExpanded } from '../model';
import { Dict, Path, clone, dict, isIntrinsic, isObject } from '../values';

/**
 * An S3 location as SAM writes it for CloudFormation: `s3://bucket/key[?versionId=v]` or
 * {Bucket, Key, Version}. A local path is what `sam package` uploads and replaces with such a URI before
 * deploying; its bucket and key are only known then, so they are written as the path itself under a
 * placeholder bucket. No control reads where code is stored.
 */
const PACKAGED_BUCKET = '<sam package bucket>';

export interface S3Names {
  readonly bucket: string;
  readonly key: string;
  readonly version: string;
}

export function s3Location(value: unknown, path: Path, names: S3Names, what: string): Dict {
  if (typeof value === 'string') {
    const m = /^s3:\/\/([^/]+)\/([^?]+)(?:\?versionId=(.+))?$/.exec(value);
    if (m)
      return dict([
        [names.bucket, m[1]],
        [names.key, m[2]],
        [names.version, m[3]],
      ]);
    if (value.startsWith('s3://')) throw new NotExpanded(path, `${what} is not an S3 URI SAM accepts`);
    return { [names.bucket]: PACKAGED_BUCKET, [names.key]: value };
  }
  if (isObject(value) && !isIntrinsic(value)) {
    const extra = Object.keys(value).find((k) => k !== 'Bucket' && k !== 'Key' && k !== 'Version');
    if (extra !== undefined || value.Bucket === undefined || value.Key === undefined) {
      throw new NotExpanded(path, `${what} is not {Bucket, Key, Version}`);
    }
    return dict([
      [names.bucket, clone(value.Bucket)],
      [names.key, clone(value.Key)],
      [names.version, clone(value.Version)],
    ]);
  }
  throw new NotExpanded(path, `${what} is neither an S3 URI nor {Bucket, Key, Version}`);
}

const LAMBDA_NAMES: S3Names = { bucket: 'S3Bucket', key: 'S3Key', version: 'S3ObjectVersion' };

/** Code of AWS::Lambda::Function from CodeUri, InlineCode or ImageUri (exactly one, as SAM requires). */
export function functionCode(properties: Dict, path: Path): Dict {
  const given = ['CodeUri', 'InlineCode', 'ImageUri'].filter((k) => properties[k] !== undefined);
  if (given.length > 1) throw new NotExpanded([...path, given[1]], `${given.join(' and ')} are both set`);
  const source = given[0];
  let code: Dict;
  if (source === 'InlineCode') code = { ZipFile: clone(properties.InlineCode) };
  else if (source === 'ImageUri') code = { ImageUri: clone(properties.ImageUri) };
  else if (source === 'CodeUri') code = s3Location(properties.CodeUri, [...path, 'CodeUri'], LAMBDA_NAMES, 'CodeUri');
  else throw new NotExpanded(path, 'the function has none of CodeUri, InlineCode and ImageUri');
  if (properties.SourceKMSKeyArn !== undefined) code.SourceKMSKeyArn = clone(properties.SourceKMSKeyArn);
  return code;
}
