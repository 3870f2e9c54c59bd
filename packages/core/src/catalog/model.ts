/** The catalog model: the organization's controls, profiles and mandatory tags, as loaded from policies/. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

/** How hard a control bites under a profile. */
export type Mode = 'enforce' | 'warn' | 'off';

export interface Control {
  readonly id: string;
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
  readonly file: string;
}

export interface MandatoryTag {
  readonly key: string;
  readonly description: string;
  readonly values?: readonly string[];
  readonly pattern?: string;
  readonly example?: string;
}

export interface Catalog {
  readonly root: string;
  readonly controls: readonly Control[];
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly tags: readonly MandatoryTag[];
}

/** The mode of a control under a profile. */
export function modeOf(profile: Profile, controlId: string): Mode {
  return profile.controls[controlId] ?? profile.default;
}
