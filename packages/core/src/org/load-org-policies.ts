import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors, SourceLocation, collectInputErrors } from '../errors';
import { closestMatch } from '../closest-match';
import { Catalog } from '../catalog/model';
import { compareIds } from '../catalog/load-catalog';
import { validateAgainstSchema } from '../schema-validation';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { AI_OPT_OUT_SETTINGS_SCHEMA } from './ai-opt-out-policy';
import { DECLARATIVE_EC2_SETTINGS_SCHEMA } from './declarative-policy';
import { validateStatement } from './iam-validation';
import { loadOrganization } from './load-org';
import { IamStatement, OrgControl, OrgPolicySet, OrgPolicyType, Organization, PolicyTestCase, StatementSource } from './model';
import { misplacedPlaceholders, placeholderSpecs } from './placeholder-use';
import { expandPlaceholders, placeholdersIn } from './placeholders';
import { resolveTestParties, testOu } from './policy-tests';
import { deniedByChoices } from './policy-coverage';
import { loadSchema } from '../schemas';
import { isYaml, listFiles } from '../list-files';
import { tagValues } from './target-values';
import { TARGET_SYNTAX, findAccount, resolveTarget } from './targets';
import { unresolvedVariableProblems } from './unresolved-variables';
import { validateEnforcedFor } from './tag-policy';
import { controlLinkProblems } from './control-links';

type Path = (string | number)[];

/** Settings schemas of the policies declared in policies/declarative, by type. */
const SETTINGS_SCHEMAS: Partial<Record<OrgPolicyType, object>> = {
  DECLARATIVE_POLICY_EC2: DECLARATIVE_EC2_SETTINGS_SCHEMA,
  AISERVICES_OPT_OUT_POLICY: AI_OPT_OUT_SETTINGS_SCHEMA,
  TAG_POLICY: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enforcedFor: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string' },
        description: 'service:resourceType values whose noncompliant tagging operations are refused',
      },
    },
  },
};

interface PolicySource {
  id: string;
  title: string;
  severity: OrgControl['severity'];
  rationale: string;
  type?: OrgPolicyType;
  generatedFrom?: 'tags.yaml';
  targets: string[];
  exemptions?: string[];
  frameworks: Record<string, string[]>;
  control?: string;
  related?: string[];
  references?: string[];
  statements?: (IamStatement & { forEach?: 'mandatoryTag' })[];
  settings?: Record<string, unknown>;
  tests?: (Omit<PolicyTestCase, 'line' | 'context' | 'resource'> & { resource?: string; context?: Record<string, string | string[]> })[];
}

/**
 * Loads policies/org.yaml and every organization policy source (policies/scp, rcp, declarative), validated
 * before anything is built: schema (unknown keys), targets, exemptions, placeholders, IAM actions and
 * condition keys, SCP/RCP statement rules, Sid uniqueness, test accounts. Collects every problem; throws
 * InputErrors. Returns undefined when the policies directory has no org.yaml.
 */
export async function loadOrgPolicies(catalog: Catalog): Promise<OrgPolicySet | undefined> {
  const orgFile = path.join(catalog.root, 'org.yaml');
  if (!fs.existsSync(orgFile)) return undefined;
  const organization = loadOrganization(orgFile);
  const errors: InputError[] = [];

  const sources: [string, OrgPolicyType | undefined][] = [
    ...listFiles(path.join(catalog.root, 'scp'), isYaml).map((f): [string, OrgPolicyType] => [f, 'SERVICE_CONTROL_POLICY']),
    ...listFiles(path.join(catalog.root, 'rcp'), isYaml).map((f): [string, OrgPolicyType] => [f, 'RESOURCE_CONTROL_POLICY']),
    ...listFiles(path.join(catalog.root, 'declarative'), isYaml).map((f): [string, undefined] => [f, undefined]),
  ];
  const controls: OrgControl[] = [];
  // Problems of a test case's deniedBy: reported with the rest, without hiding the control from the checks across files.
  const caseErrors: InputError[] = [];
  for (const [file, type] of sources) {
    try {
      controls.push(await loadOrgControl(file, type, organization, catalog, caseErrors));
    } catch (err) {
      errors.push(...collectInputErrors(err));
    }
  }
  controls.sort((a, b) => compareIds(a.id, b.id));
  errors.push(...duplicateIds(controls, catalog), ...duplicateSids(controls, catalog));
  errors.push(...controlLinkProblems(controls, catalog), ...caseErrors);
  if (errors.length) throw new InputErrors(errors);
  return { organization, controls };
}

async function loadOrgControl(
  file: string,
  dirType: OrgPolicyType | undefined,
  org: Organization,
  catalog: Catalog,
  caseErrors: InputError[],
): Promise<OrgControl> {
  const doc = readSourceFile(file);
  const schemaErrors = validateAgainstSchema(doc, loadSchema('org-policy'));
  if (schemaErrors.length) throw new InputErrors(schemaErrors);
  const src = doc.value as PolicySource;
  const errors: InputError[] = [];
  const type = shapeCheck(doc, src, dirType, errors);

  src.targets.forEach((t, i) => {
    try {
      resolveTarget(org, t);
    } catch (err) {
      errors.push(new InputError(doc.locate(['targets', i]), (err as Error).message, TARGET_SYNTAX));
    }
  });
  (src.exemptions ?? []).forEach((key, i) => {
    if (!(key in org.roles))
      errors.push(new InputError(doc.locate(['exemptions', i]), `no role ${key} in org.yaml roles`, `one of ${Object.keys(org.roles).join(', ')}`));
  });
  (src.related ?? []).forEach((id, i) => {
    if (!catalog.controls.some((c) => c.id === id))
      errors.push(new InputError(doc.locate(['related', i]), `unknown control ${id}`, 'the ID of a control in policies/controls'));
  });

  const statements: StatementSource[] = [];
  for (const [index, { forEach, ...statement }] of (src.statements ?? []).entries()) {
    const at: Path = ['statements', index];
    errors.push(...misplacedPlaceholders(placeholdersIn(statement), placeholderSpecs(org, forEach === 'mandatoryTag'), (p) => doc.locate([...at, ...p])));
    errors.push(...(await validateStatement(statement, type === 'RESOURCE_CONTROL_POLICY' ? 'rcp' : 'scp', (p) => doc.locate([...at, ...p]))));
    statements.push({ statement, forEach, index, line: doc.locate(at).line });
  }
  errors.push(
    ...unresolvedVariableProblems(
      statements.map((s) => s.statement),
      (i, p) => doc.locate(['statements', i, ...p]),
    ),
  );

  if (src.settings && SETTINGS_SCHEMAS[type]) {
    errors.push(...validateAgainstSchema(subDocument(doc, ['settings']), SETTINGS_SCHEMAS[type]!));
    if (type === 'TAG_POLICY') {
      const enforcedFor = (src.settings.enforcedFor as string[] | undefined) ?? [];
      errors.push(...validateEnforcedFor(enforcedFor, (i: number) => doc.locate(['settings', 'enforcedFor', i])));
    }
  }

  const deniedBy = deniedByChoices({ id: src.id, statements }, catalog.tags);
  const tests = (src.tests ?? []).map((t, i): PolicyTestCase => {
    const test: PolicyTestCase = { ...t, resource: t.resource ?? '*', context: t.context ?? {}, line: doc.locate(['tests', i]).line };
    for (const key of ['account', 'resourceAccount'] as const) {
      const name = t[key];
      if (name !== undefined && !findAccount(org, name))
        errors.push(new InputError(doc.locate(['tests', i, key]), `no account ${name} in org.yaml`, 'a member or management account name or ID'));
    }
    let ouKnown = true;
    if (t.ou !== undefined) {
      try {
        if (t.account !== undefined) throw new Error(`the case names both account ${t.account} and ou ${t.ou}`);
        testOu(org, test);
      } catch (err) {
        ouKnown = false;
        errors.push(new InputError(doc.locate(['tests', i, 'ou']), (err as Error).message, 'either an account or the path of an OU in org.yaml'));
      }
    }
    try {
      if (ouKnown) resolveTestParties(org, test);
    } catch (err) {
      errors.push(new InputError(doc.locate(['tests', i, 'principal']), (err as Error).message));
    }
    if (t.deniedBy !== undefined) caseErrors.push(...deniedByProblems(t.deniedBy, deniedBy, doc.locate(['tests', i, 'deniedBy'])));
    return test;
  });

  if (errors.length) throw new InputErrors(errors);
  return {
    id: src.id,
    title: src.title,
    severity: src.severity,
    rationale: src.rationale,
    type,
    targets: src.targets,
    frameworks: src.frameworks,
    ...(src.control === undefined ? {} : { control: src.control }),
    related: src.related ?? [],
    references: src.references ?? [],
    tests,
    file,
    exemptions: src.exemptions ?? [],
    statements,
    settings: src.settings,
    generatedFrom: src.generatedFrom,
  };
}

/**
 * `deniedBy` names a Deny statement of the same file (or `implicit` in an allow-list file). That it goes with
 * expect: Denied is checked by `tarmac test`, which reports the case (a flipped expectation is a failing case).
 */
function deniedByProblems(sid: string, choices: readonly string[], at: SourceLocation): InputError[] {
  if (choices.includes(sid)) return [];
  const close = closestMatch(sid, choices);
  return [
    new InputError(
      at,
      `no Deny statement with Sid ${sid} in this file${close ? `; did you mean ${close}?` : ''}`,
      choices.length ? `one of ${choices.join(', ')}` : 'a file with Deny statements',
    ),
  ];
}

/** SCP and RCP files carry statements; declarative files carry a type and settings. */
function shapeCheck(doc: SourceDocument, src: PolicySource, dirType: OrgPolicyType | undefined, errors: InputError[]): OrgPolicyType {
  if (dirType) {
    if (src.type) errors.push(new InputError(doc.locate(['type']), `'type' is only for policies/declarative; this directory holds ${dirType}`));
    if (src.settings) errors.push(new InputError(doc.locate(['settings']), `'settings' is only for policies/declarative`, 'statements'));
    if (src.generatedFrom) errors.push(new InputError(doc.locate(['generatedFrom']), `'generatedFrom' is only for tag policies`));
    if (!src.statements) errors.push(new InputError(doc.locate([]), 'statements are missing', 'a list of IAM policy statements'));
    return dirType;
  }
  if (!src.type) {
    errors.push(new InputError(doc.locate([]), 'type is missing', 'TAG_POLICY, DECLARATIVE_POLICY_EC2 or AISERVICES_OPT_OUT_POLICY'));
    return 'DECLARATIVE_POLICY_EC2';
  }
  if (src.statements) errors.push(new InputError(doc.locate(['statements']), `statements belong in policies/scp or policies/rcp`, 'settings'));
  if (src.exemptions) errors.push(new InputError(doc.locate(['exemptions']), `exemptions apply to SCP and RCP statements only`));
  if (src.tests) errors.push(new InputError(doc.locate(['tests']), `${src.type} is not simulated; tests belong to SCPs and RCPs`));
  if (src.type === 'TAG_POLICY' && src.generatedFrom !== 'tags.yaml')
    errors.push(new InputError(doc.locate(['type']), 'a tag policy is generated from the mandatory tag set', 'generatedFrom: tags.yaml'));
  if (src.type !== 'TAG_POLICY' && src.generatedFrom)
    errors.push(new InputError(doc.locate(['generatedFrom']), `only tag policies are generated from tags.yaml`));
  if (!src.settings && src.type !== 'TAG_POLICY') errors.push(new InputError(doc.locate([]), 'settings are missing', `the ${src.type} settings`));
  return src.type;
}

/** Control IDs are unique across the whole catalog, Guard controls included. */
function duplicateIds(controls: readonly OrgControl[], catalog: Catalog): InputError[] {
  const seen = new Map<string, string>(catalog.controls.map((c) => [c.id, c.file]));
  const errors: InputError[] = [];
  for (const c of controls) {
    if (seen.has(c.id))
      errors.push(new InputError({ file: c.file, line: 1, column: 1 }, `control ID ${c.id} is already used by ${seen.get(c.id)}`, 'a unique, never reused ID'));
    seen.set(c.id, c.file);
  }
  return errors;
}

/** Sids must be unique per policy type, since the packer may put any two statements in one policy. */
function duplicateSids(controls: readonly OrgControl[], catalog: Catalog): InputError[] {
  const errors: InputError[] = [];
  const seen = new Map<string, string>();
  for (const c of controls) {
    for (const s of c.statements) {
      const sids = s.forEach ? catalog.tags.map((t) => expandPlaceholders(s.statement.Sid ?? '', tagValues(t))) : [s.statement.Sid ?? ''];
      for (const sid of sids.filter(Boolean)) {
        const key = `${c.type}|${sid}`;
        if (seen.has(key))
          errors.push(
            new InputError({ file: c.file, line: s.line }, `Sid ${sid} is already used by ${seen.get(key)}`, 'a Sid unique among all policies of this type'),
          );
        seen.set(key, c.file);
      }
    }
  }
  return errors;
}

/** A view of part of a document, so a schema error inside it still names the file and line. */
function subDocument(doc: SourceDocument, prefix: Path): SourceDocument {
  let value: unknown = doc.value;
  for (const p of prefix) value = (value as Record<string | number, unknown>)[p];
  return { file: doc.file, value, locate: (p) => doc.locate([...prefix, ...p]) };
}
