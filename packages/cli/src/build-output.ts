import * as fs from 'fs';
import * as path from 'path';
import { Catalog, InputError, InputErrors, loadExemptions, resolveCatalog } from '@tarmac/core';
import { catalogRuleProblems } from '@tarmac/guard';
import {
  OrgBuild,
  OrgPolicySet,
  StackSetsBuild,
  StackSetsManifest,
  buildOrgPolicies,
  checkBudgetAttachments,
  exemptionsRecord,
  loadDeploymentChecked,
  loadOrgPolicies,
  manifestOf,
} from '@tarmac/core/org';
import { CDK, loadOptional } from './optional-dependency';

/** Everything `tarmac build` writes, by path under the output directory: same sources, same bytes. */
export interface BuildOutput {
  readonly files: ReadonlyMap<string, string | Uint8Array>;
  readonly org: OrgBuild;
  readonly stackSets?: StackSetsManifest;
  /** The validated sources: the self-check names their statements and targets. */
  readonly set: OrgPolicySet;
  readonly catalog: Catalog;
  readonly deployment?: StackSetsBuild;
}

/** Directories the build owns entirely: what it no longer builds must not linger, or a deploy would keep it. */
const OWNED_DIRS = ['org', 'stacksets'];

/**
 * Validates and builds the organization policies and, when hooks/ and stacksets/ describe any, the
 * org-wide deployment templates (synthesized with aws-cdk-lib, loaded only then). Throws InputErrors.
 */
export async function buildOutput(
  policies?: string,
  // The platform team's own sources (hooks/ and stacksets/ beside them), never an installed catalog package.
  catalog = resolveCatalog({ policies, packages: false }),
  // The day exemptions are judged on: an expired one is built into nothing (tests pass a fixed day).
  today = new Date(),
): Promise<BuildOutput> {
  const policiesDir = catalog.root;
  const unfit = await catalogRuleProblems(catalog);
  if (unfit.length) throw new InputErrors(unfit);
  const set = await loadOrgPolicies(catalog);
  if (!set)
    throw new InputErrors([
      new InputError({ file: path.join(policiesDir, 'org.yaml') }, 'no organization described', 'policies/org.yaml with the OU tree, accounts and regions'),
    ]);
  // Refused here like any other source; those in force on `today` carve their accounts out of SCPs and RCPs.
  const exemptions = loadExemptions(catalog, set.organization, set.controls, today);
  const org = buildOrgPolicies(set, catalog, { exemptions, today });
  const files = new Map<string, string | Uint8Array>([
    ...org.policies.map((p): [string, string] => [p.file, p.content]),
    ['org/manifest.json', JSON.stringify(manifestOf(org), null, 2) + '\n'],
    // AWS Config cannot leave a resource out: reports join its findings with this record.
    ['org/exemptions.json', exemptionsRecord(exemptions, set.organization, catalog, today)],
    ...org.companions,
  ]);
  const deployment = await loadDeploymentChecked(catalog, set.organization, { exemptions, today });
  if (!deployment) return { files, org, set, catalog };
  // A budget action attaches its SCP when the money is spent: a target already full must be refused now.
  const attachments = deployment.finops ? checkBudgetAttachments(deployment.finops, org) : [];
  if (attachments.length) throw new InputErrors(attachments);
  // @tarmac/cdk and aws-cdk-lib are optional peers of the CLI: a `tarmac check` install leaves them out.
  const { synthesizeStackSets } = await loadOptional(CDK, () => import('@tarmac/cdk'));
  const synthesized = synthesizeStackSets(deployment, org, {
    platformTags: { ...set.organization.deployment!.tags },
    permissionsBoundary: catalog.permissionsBoundary,
  });
  for (const [rel, content] of synthesized.files) files.set(rel, content);
  return { files, org, stackSets: synthesized.manifest, set, catalog, deployment };
}

export function writeBuildOutput(out: string, output: BuildOutput): void {
  for (const dir of OWNED_DIRS) fs.rmSync(path.join(out, dir), { recursive: true, force: true });
  for (const [rel, content] of output.files) {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/**
 * Refuses a build directory that is not exactly what the sources build now: sources that fail validation,
 * a file edited by hand, a source changed since `tarmac build`. What is deployed is what was reviewed.
 */
export async function verifyBuild(out: string, policies?: string, today = new Date()): Promise<BuildOutput> {
  const output = await buildOutput(policies, undefined, today);
  const stale: InputError[] = [];
  const expected = 'the bytes `tarmac build` writes from the sources now (run tarmac build, review the diff, then plan and deploy)';
  for (const [rel, content] of output.files) {
    const file = path.join(out, rel);
    if (!fs.existsSync(file)) stale.push(new InputError({ file }, 'is missing from the build', expected));
    else if (!Buffer.from(content).equals(fs.readFileSync(file))) stale.push(new InputError({ file }, 'differs from what the sources build', expected));
  }
  for (const dir of OWNED_DIRS) {
    for (const rel of walk(path.join(out, dir)).map((f) => path.relative(out, f).split(path.sep).join('/'))) {
      if (!output.files.has(rel)) stale.push(new InputError({ file: path.join(out, rel) }, 'is no longer built from the sources', expected));
    }
  }
  if (stale.length) throw new InputErrors(stale);
  return output;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
