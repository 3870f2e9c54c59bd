import { isObject } from './foreach';

export interface CloudAssemblyArtifact {
  readonly type: string;
  readonly displayName?: string;
  /** aws://ACCOUNT/REGION; unknown-account for an environment-agnostic stack. */
  readonly environment?: unknown;
  readonly properties?: { readonly templateFile?: unknown; readonly directoryName?: unknown; readonly stackName?: unknown };
}

export interface CloudAssemblyManifest {
  readonly version: string;
  readonly artifacts: Readonly<Record<string, CloudAssemblyArtifact>>;
}

/**
 * A CDK cloud assembly's manifest.json, by its real shape: a schema version and a map of artifacts, each
 * with a `type`. Any other manifest.json (a web app manifest, `{"artifacts": ["app.zip"]}`) is an ordinary
 * file, and the templates beside it are scanned: mistaking a folder for a cdk.out would skip them all.
 */
export function isCloudAssemblyManifest(value: unknown): value is CloudAssemblyManifest {
  return (
    isObject(value) &&
    typeof value.version === 'string' &&
    /^\d+\.\d+\.\d+/.test(value.version) &&
    isObject(value.artifacts) &&
    Object.values(value.artifacts).every((a) => isObject(a) && typeof a.type === 'string' && (a.properties === undefined || isObject(a.properties)))
  );
}

/** The account of a stack artifact's environment (aws://123456789012/eu-west-1), when it names one. */
export function artifactAccount(artifact: CloudAssemblyArtifact): string | undefined {
  const m = typeof artifact.environment === 'string' ? /^aws:\/\/(\d{12})\//.exec(artifact.environment) : null;
  return m?.[1];
}
