import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { closestResourceType, isKnownResourceType } from '../resource-types';
import { listDirs, listFiles, isYaml } from '../list-files';
import { loadSchema } from '../schemas';
import { validateAgainstSchema } from '../schema-validation';
import { SourceDocument, readSourceFile } from '../yaml-source';
import type { IamStatement } from '../org/model';
import { Catalog, CatalogIdentity, Control, MandatoryTag, Mode, PermissionsBoundaryPolicy, Profile } from './model';
import { compileTagRule, TAG_RULE_NAMES } from './tag-rules';
import { ruleMessageProblems } from './rule-messages';
import { AliasSource, aliasMap, aliasProblems } from './control-aliases';
import { guardRegexProblem } from '../guard-regex';
import { cachedCatalog } from './catalog-cache';

/**
 * Loads and validates policies/: tags.yaml, profiles/*.yaml, controls/<service>/<name>.{yaml,guard} and the
 * optional permissions-boundary.yaml.
 * Collects every problem before failing, so one run shows them all; throws InputErrors.
 */
export function loadCatalog(root: string): Catalog {
  return cachedCatalog(root, () => loadCatalogFiles(root));
}

function loadCatalogFiles(root: string): Catalog {
  const errors: InputError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      errors.push(...collectInputErrors(err));
      return undefined;
    }
  };
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new InputErrors([new InputError({ file: root }, 'policies directory not found', 'a directory with tags.yaml, profiles/ and controls/')]);
  }

  const identityFile = path.join(root, 'catalog.yaml');
  const identity = fs.existsSync(identityFile) ? attempt(() => loadIdentity(identityFile)) : undefined;
  const tags = attempt(() => loadTags(path.join(root, 'tags.yaml'))) ?? [];
  const controls: Control[] = [];
  const aliasSources: AliasSource[] = [];
  for (const file of controlMetadataFiles(path.join(root, 'controls'))) {
    const loaded = attempt(() => loadControl(file, root, tags));
    if (!loaded) continue;
    controls.push(loaded.control);
    aliasSources.push(loaded);
  }
  controls.sort((a, b) => compareIds(a.id, b.id));

  const byId = new Map<string, Control>();
  const byRule = new Map<string, Control>();
  for (const c of controls) {
    const clash = byId.get(c.id);
    if (clash)
      errors.push(new InputError({ file: c.file, line: 1, column: 1 }, `control ID ${c.id} is already used by ${clash.file}`, 'a unique, never reused ID'));
    byId.set(c.id, c);
    const ruleClash = byRule.get(c.rule);
    if (ruleClash) errors.push(new InputError({ file: c.file }, `rule name ${c.rule} is already used by ${ruleClash.file}`, 'a unique Guard rule name'));
    byRule.set(c.rule, c);
  }
  errors.push(...aliasProblems(aliasSources));

  const profiles = new Map<string, Profile>();
  const profileDir = path.join(root, 'profiles');
  for (const file of listFiles(profileDir, isYaml)) {
    const profile = attempt(() => loadProfile(file, byId, aliasMap({ controls })));
    if (profile) profiles.set(profile.name, profile);
  }
  if (profiles.size === 0 && !errors.length)
    errors.push(new InputError({ file: profileDir }, 'no profiles found', 'profiles/<name>.yaml, e.g. sandbox, dev, prod'));

  const boundaryFile = path.join(root, 'permissions-boundary.yaml');
  const permissionsBoundary = fs.existsSync(boundaryFile) ? attempt(() => loadPermissionsBoundary(boundaryFile)) : undefined;

  if (errors.length) throw new InputErrors(errors);
  return { root, identity, controls, profiles, tags, permissionsBoundary };
}

function loadIdentity(file: string): CatalogIdentity {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('catalog'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as Omit<CatalogIdentity, 'file'>;
  return { ...src, file };
}

function loadPermissionsBoundary(file: string): PermissionsBoundaryPolicy {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('permissions-boundary'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as { name: string; path?: string; description: string; statements?: IamStatement[] };
  // Only parsed here: their IAM actions are checked on the organization path, which loads the IAM catalog.
  const statements = src.statements && { statements: src.statements, statementLines: src.statements.map((_, i) => doc.locate(['statements', i]).line) };
  return { name: src.name, path: src.path ?? '/', description: src.description, ...statements, file };
}

function loadTags(file: string): MandatoryTag[] {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('tags'));
  if (problems.length) throw new InputErrors(problems);
  const tags = (doc.value as { tags: MandatoryTag[] }).tags;
  tags.forEach((t, i) => {
    // The pattern is read by JavaScript (tag values, CDK aspects) and by cfn-guard (LZ.TAG.2): both must read it alike.
    const problem = t.pattern === undefined ? undefined : guardRegexProblem(t.pattern);
    if (problem) {
      throw new InputError(
        doc.locate(['tags', i, 'pattern']),
        `pattern ${t.pattern} of tag ${t.key}: ${problem}`,
        'a regular expression JavaScript and Guard read alike: literal characters, classes of literal ranges such as [a-z0-9-], groups, |, anchors ^ and $, quantifiers * + ? {n,m}',
      );
    }
  });
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    if (seen.has(t.key.toLowerCase())) throw new InputError(doc.locate(['tags', i, 'key']), `tag key ${t.key} is listed twice`);
    seen.add(t.key.toLowerCase());
  });
  return tags;
}

interface ControlSource {
  id: string;
  title: string;
  severity: Control['severity'];
  rationale: string;
  resourceTypes: string[];
  rule?: string;
  generatedFrom?: 'tags.yaml';
  message: string;
  fix: string;
  frameworks: Record<string, string[]>;
  configRule?: string;
  controlTower?: string[];
  references?: string[];
  unresolved?: Control['unresolved'];
  exemptible?: boolean;
  aliases?: string[];
}

function loadControl(file: string, root: string, tags: readonly MandatoryTag[]): AliasSource & { control: Control } {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('control'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as ControlSource;
  checkResourceTypes(doc, src.resourceTypes);
  const base = file.replace(/\.ya?ml$/, '');
  const testFile = path.join(path.dirname(file), 'tests', path.basename(file));

  let guardFile: string;
  let guard: string;
  let guardFor: Control['guardFor'];
  let rule: string;
  if (src.generatedFrom === 'tags.yaml') {
    rule = TAG_RULE_NAMES[src.id as keyof typeof TAG_RULE_NAMES];
    if (!rule) throw new InputError(doc.locate(['id']), `${src.id} cannot be generated from tags.yaml`, `one of ${Object.keys(TAG_RULE_NAMES).join(', ')}`);
    guardFile = path.join(root, 'tags.yaml');
    const id = src.id as keyof typeof TAG_RULE_NAMES;
    const say = { message: src.message, fix: src.fix };
    guard = compileTagRule(id, tags, undefined, say);
    guardFor = (types) => compileTagRule(id, tags, types, say);
  } else {
    rule = src.rule!;
    guardFile = base + '.guard';
    try {
      guard = fs.readFileSync(guardFile, 'utf8');
    } catch {
      throw new InputError(doc.locate(['rule']), `Guard rule file ${path.basename(guardFile)} is missing`, `${guardFile} defining rule ${rule}`);
    }
    if (!new RegExp(`^\\s*rule\\s+${rule}\\b`, 'm').test(guard)) {
      throw new InputError(
        doc.locate(['rule']),
        `rule ${rule} is not defined in ${path.basename(guardFile)}`,
        `a line 'rule ${rule} when ...' in ${guardFile}`,
      );
    }
  }
  // One text (issue 17): the rule's custom messages repeat the YAML's message and fix word for word.
  const messageProblems = ruleMessageProblems(guardFile, guard, {
    id: src.id,
    message: src.message,
    fix: src.fix,
    messageAt: doc.locate(['message']),
    fixAt: doc.locate(['fix']),
    yamlFile: file,
  });
  if (messageProblems.length) throw new InputErrors(messageProblems);
  if (!fs.existsSync(testFile)) {
    throw new InputError({ file }, `test cases are missing`, `cfn-guard test cases in ${testFile}`);
  }
  const control: Control = {
    id: src.id,
    aliases: src.aliases ?? [],
    title: src.title,
    severity: src.severity,
    rationale: src.rationale,
    resourceTypes: src.resourceTypes,
    rule,
    message: src.message,
    fix: src.fix,
    frameworks: src.frameworks,
    configRule: src.configRule,
    controlTower: src.controlTower,
    references: src.references,
    unresolved: src.unresolved ?? 'warn',
    exemptible: src.exemptible ?? true,
    file,
    guardFile,
    guard,
    guardFor,
    testFile,
  };
  return { control, at: (i) => doc.locate(['aliases', i]) };
}

function checkResourceTypes(doc: SourceDocument, types: readonly string[]): void {
  const problems: InputError[] = [];
  types.forEach((t, i) => {
    if (t === '*' || isKnownResourceType(t)) return;
    const guess = closestResourceType(t);
    problems.push(
      new InputError(
        doc.locate(['resourceTypes', i]),
        `unknown resource type ${t}${guess ? `; did you mean ${guess}?` : ''}`,
        'a CloudFormation resource type such as AWS::S3::Bucket',
      ),
    );
  });
  if (problems.length) throw new InputErrors(problems);
}

function loadProfile(file: string, controls: ReadonlyMap<string, Control>, aliases: ReadonlyMap<string, string>): Profile {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('profile'));
  const src = doc.value as {
    name: string;
    description: string;
    default: Mode;
    controls?: Record<string, Mode>;
    controlTower?: Mode;
    uncheckable?: Profile['uncheckable'];
  };
  if (!problems.length) {
    for (const id of Object.keys(src.controls ?? {})) {
      // A profile sets a mode per control, so it names the control by its own ID, not an alias.
      const alias = aliases.get(id);
      if (alias) problems.push(new InputError(doc.locate(['controls', id]), `${id} is an alias of ${alias}`, `the control's own ID, ${alias}`));
      else if (!controls.has(id))
        problems.push(new InputError(doc.locate(['controls', id]), `unknown control ${id}`, 'the ID of a control in policies/controls'));
    }
    const expectedName = path.basename(file).replace(/\.ya?ml$/, '');
    if (src.name !== expectedName) problems.push(new InputError(doc.locate(['name']), `profile name ${src.name} differs from its file name`, expectedName));
  }
  if (problems.length) throw new InputErrors(problems);
  return {
    name: src.name,
    description: src.description,
    default: src.default,
    controls: src.controls ?? {},
    controlTower: src.controlTower ?? 'warn',
    uncheckable: src.uncheckable ?? 'enforce',
    file,
  };
}

function controlMetadataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const service of listDirs(dir)) {
    out.push(...listFiles(service, isYaml));
  }
  return out;
}

/** LZ.S3.10 sorts after LZ.S3.9. One collator: `localeCompare` with options builds one per call. */
export const compareIds: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true }).compare;
