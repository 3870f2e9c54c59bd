import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { StackSet } from '@aws-sdk/client-cloudformation';
import { CarriedExemption, expiredCarried, readBundleExemptions, readZipEntries } from '@tarmac/core/org';
import { mapBounded } from './concurrency';
import { EngineContext, call } from './context';
import type { Desired } from './desired';
import { describeStackSet } from './stackset-state';

/** An exemption a deployed bundle still carries after its last day: the hook keeps skipping for it. */
export interface ExpiredDeployedExemption extends CarriedExemption {
  readonly stackSet: string;
  /** s3://bucket/key of the deployed bundle, and the version the hook pins. */
  readonly bundle: string;
  readonly versionId?: string;
}

interface RuleLocation {
  readonly Uri?: unknown;
  readonly VersionId?: unknown;
}

/**
 * cfn-guard has no clock (ADR 0012): a deployed bundle keeps an exemption until a newer build replaces it.
 * For each guardrails stack set as AWS has it, reads the bundles its Guard Hooks' RuleLocation pins (the
 * deployed template, its parameters for the VersionId) with s3:GetObject, and returns the exemptions their
 * `# tarmac-exemption` headers carry whose day is before `today`.
 */
export async function expiredDeployedExemptions(ctx: EngineContext, desired: Desired, today: Date, concurrency = 4): Promise<ExpiredDeployedExemption[]> {
  const guardrails = desired.stackSets.filter((s) => s.kind === 'guardrails');
  const found = await mapBounded(guardrails, concurrency, async (s) => {
    const stackSet = await describeStackSet(ctx, s.name);
    if (!stackSet) return [];
    const expired: ExpiredDeployedExemption[] = [];
    for (const location of ruleLocations(stackSet)) {
      const bytes = await getObject(ctx, location);
      for (const e of expiredCarried(readBundleExemptions(readZipEntries(bytes)), today))
        expired.push({ stackSet: s.name, bundle: location.uri, ...(location.versionId ? { versionId: location.versionId } : {}), ...e });
    }
    return expired;
  });
  return found.flat();
}

/** The S3 objects the stack set's Guard Hooks load: RuleLocation's Uri, with its VersionId resolved from the parameters. */
export function ruleLocations(stackSet: StackSet): { uri: string; bucket: string; key: string; versionId?: string }[] {
  let template: { Resources?: Record<string, { Type?: string; Properties?: { RuleLocation?: RuleLocation } }> };
  try {
    template = JSON.parse(stackSet.TemplateBody ?? '{}');
  } catch {
    throw new Error(`stack set ${stackSet.StackSetName}: its template is not JSON, so the rule bundles it deploys cannot be read back`);
  }
  const parameters = new Map((stackSet.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  // A literal (as Tarmac synthesizes it) or a Ref to a stack set parameter, resolved with the deployed values.
  const resolve = (value: unknown) => (typeof value === 'string' ? value : isRef(value) ? parameters.get(value.Ref) : undefined);
  return Object.values(template.Resources ?? {})
    .filter((r) => r.Type === 'AWS::CloudFormation::GuardHook')
    .flatMap((r) => {
      const uri = resolve(r.Properties?.RuleLocation?.Uri);
      // A hook whose rules cannot be located may carry anything: unknown is an error, never "nothing expired".
      if (!uri)
        throw new Error(`stack set ${stackSet.StackSetName}: a Guard Hook's RuleLocation.Uri cannot be resolved from the deployed template and parameters`);
      // Only a Tarmac bundle key (hooks/<hook>/<sha256>.zip) is read: another object is no bundle of ours.
      const m = /^s3:\/\/([^/]+)\/(hooks\/[^/]+\/[0-9a-f]{64}\.zip)$/.exec(uri);
      if (!m) return [];
      const versionId = resolve(r.Properties?.RuleLocation?.VersionId);
      return [{ uri, bucket: m[1], key: m[2], ...(versionId ? { versionId } : {}) }];
    });
}

function isRef(value: unknown): value is { Ref: string } {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string';
}

async function getObject(ctx: EngineContext, location: { uri: string; bucket: string; key: string; versionId?: string }): Promise<Uint8Array> {
  const out = await call(ctx, `s3:GetObject ${location.uri}`, () =>
    ctx.clients.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...(location.versionId ? { VersionId: location.versionId } : {}) })),
  );
  if (!out.Body) throw new Error(`s3:GetObject ${location.uri}: the response has no body`);
  return out.Body.transformToByteArray();
}

/** Lines for plan and status: what the hook still skips, and how it leaves. */
export function renderExpiredDeployed(expired: readonly ExpiredDeployedExemption[], today: Date): string {
  if (!expired.length) return '';
  const day = today.toISOString().slice(0, 10);
  return [
    `Deployed rule bundles still carrying an exemption expired before ${day} (cfn-guard has no clock: the hook still skips for it):`,
    ...expired.map((e) => `  ${e.stackSet}  ${e.id} expired ${e.expires}  ${e.control}  ${e.bundle}${e.versionId ? ` (version ${e.versionId})` : ''}`),
    '  Run tarmac build and tarmac deploy: the build drops expired exemptions from the bundles.',
    '',
  ].join('\n');
}
