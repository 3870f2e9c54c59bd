/** The catalog model: the organization's controls, profiles and mandatory tags, as loaded from policies/. */
import { InputError } from '../errors';
import type { IamStatement } from '../org/model';

export { aliasMap, canonicalControlId, controlIdsOf, controlNamed } from './control-aliases';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

/** How hard a control bites under a profile. */
export type Mode = 'enforce' | 'warn' | 'off';

/**
 * What a control's failure means when it failed only on values known at deploy time (a Ref to a parameter,
 * Fn::If, Fn::ImportValue...): warn reports the finding as unknown without blocking; fail keeps it a failure
 * in the control's mode. The deployed Guard Hook sees the resolved values and gives the final verdict.
 */
export type UnresolvedPolicy = 'warn' | 'fail';

export interface Control {
  readonly id: string;
  /**
   * Other IDs of the same intent (an organization policy enforcing it at the API, or a retired ID): an
   * acknowledgement, exemption or explain naming one of them means this control. [] when none.
   */
  readonly aliases: readonly string[];
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  /** Resource types the rule evaluates; ['*'] means every taggable type. */
  readonly resourceTypes: readonly string[];
  /** Guard rule name (the name findings report). */
  readonly rule: string;
  readonly message: string;
  readonly fix: string;
  readonly frameworks: Readonly<Record<string, readonly string[]>>;
  readonly configRule?: string;
  readonly controlTower?: readonly string[];
  readonly references?: readonly string[];
  readonly unresolved: UnresolvedPolicy;
  /** false: policies/exemptions.yaml may not name it. */
  readonly exemptible: boolean;
  /** The metadata file. */
  readonly file: string;
  /** The Guard source file (or the catalog file it is compiled from). */
  readonly guardFile: string;
  /** Guard rule text. */
  readonly guard: string;
  /**
   * For generated rules: the rule text narrowed to these resource types, with the same verdicts as `guard`
   * on any document whose resources all have one of them. Engines use it to evaluate less.
   */
  readonly guardFor?: (resourceTypes: ReadonlySet<string>) => string;
  /** The cfn-guard test file with the control's PASS/FAIL/SKIP cases. */
  readonly testFile: string;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly default: Mode;
  readonly controls: Readonly<Record<string, Mode>>;
  readonly controlTower: Mode;
  /**
   * What a resource Tarmac cannot check (owned by a transform it cannot expand) does for an enforced control:
   * block (enforce, the default) or only warn.
   */
  readonly uncheckable: Exclude<Mode, 'off'>;
  readonly file: string;
}

export interface MandatoryTag {
  readonly key: string;
  readonly description: string;
  readonly values?: readonly string[];
  readonly pattern?: string;
  readonly example?: string;
}

/** policies/permissions-boundary.yaml: the boundary policy every workload role and user carries. */
export interface PermissionsBoundaryPolicy {
  readonly name: string;
  /** IAM path, e.g. / or /tarmac/. */
  readonly path: string;
  readonly description: string;
  /**
   * The policy document's statements (`statements:`), as written. Absent when the file has none; the account
   * baseline, which deploys the policy, refuses that. Their IAM actions are checked on the organization path
   * (baselines/boundary-statements.ts), never here: the catalog is loaded on the pre-commit path.
   */
  readonly statements?: readonly IamStatement[];
  /** Line of each statement in the file, for messages. */
  readonly statementLines?: readonly (number | undefined)[];
  readonly file: string;
}

/** policies/catalog.yaml: the catalog's package name and version, named by every report. */
export interface CatalogIdentity {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license?: string;
  readonly repository?: string;
  readonly file: string;
}

export interface Catalog {
  readonly root: string;
  /** Absent when policies/ has no catalog.yaml (it cannot be packed, and reports name its directory). */
  readonly identity?: CatalogIdentity;
  readonly controls: readonly Control[];
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly tags: readonly MandatoryTag[];
  /** Absent when the catalog has no permissions-boundary.yaml. */
  readonly permissionsBoundary?: PermissionsBoundaryPolicy;
}

/** The mode of a control under a profile. */
export function modeOf(profile: Profile, controlId: string): Mode {
  return (Object.hasOwn(profile.controls, controlId) ? profile.controls[controlId] : undefined) ?? profile.default;
}

/** The profile of that name; an unknown name is an InputError on profiles/ listing the ones there are. */
export function profileNamed(catalog: Catalog, name: string): Profile {
  const profile = catalog.profiles.get(name);
  if (!profile) throw new InputError({ file: `${catalog.root}/profiles` }, `unknown profile '${name}'`, `one of ${[...catalog.profiles.keys()].join(', ')}`);
  return profile;
}

/** How reports name a catalog: name@version, or its directory when it has no catalog.yaml. */
export function catalogLabel(catalog: Pick<Catalog, 'identity' | 'root'>): string {
  return catalog.identity ? `${catalog.identity.name}@${catalog.identity.version}` : catalog.root;
}
