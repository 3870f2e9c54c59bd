import * as path from 'path';
import { CfnResource, IAspect, TagManager, Token } from 'aws-cdk-lib';
import { MandatoryTag, closestMatch, tagValueProblem } from '@tarmac/core';
import { IConstruct } from 'constructs';
import { CatalogSelection, catalogFor } from './catalog-for';

/** Which catalog's tags.yaml: as TarmacChecks finds it. */
export type MandatoryTagsOptions = CatalogSelection;

/**
 * Below Tags.of(...).add (100) and tags written in L1 props (50): a tag set anywhere else wins, whatever
 * order the aspects run in.
 */
const MANDATORY_TAG_PRIORITY = 0;

/**
 * A mutating aspect that gives every taggable resource the mandatory tags of policies/tags.yaml.
 *
 * A tag already set on a resource (in its props, by Tags.of lower in the tree, by the construct itself) is
 * never overwritten. The values given here are checked when the aspect is created; every mandatory tag a
 * resource ends up with is checked at synthesis, and a value tags.yaml does not allow fails synthesis
 * naming the construct and the allowed values. Missing keys are left to control LZ.TAG.1 in TarmacChecks.
 *
 * @example Aspects.of(app).add(new MandatoryTags({ team: 'data', project: 'lake', env: 'prod', domain: 'curated', 'cost-center': 'cc-42' }));
 */
export class MandatoryTags implements IAspect {
  private readonly values: ReadonlyMap<string, string>;
  private readonly mandatory: ReadonlyMap<string, MandatoryTag>;
  private readonly tagsFile: string;
  private readonly checked = new WeakSet<IConstruct>();

  constructor(values: Record<string, string>, options: MandatoryTagsOptions = {}) {
    const catalog = catalogFor(options);
    this.tagsFile = path.join(catalog.root, 'tags.yaml');
    this.mandatory = new Map(catalog.tags.map((t) => [t.key, t]));
    const problems: string[] = [];
    for (const [key, value] of Object.entries(values)) {
      const tag = this.mandatory.get(key);
      if (!tag) {
        const guess = closestMatch(key, this.mandatory.keys());
        problems.push(`'${key}' is not a mandatory tag${guess ? `; did you mean '${guess}'?` : ''} (expected one of ${[...this.mandatory.keys()].join(', ')})`);
        continue;
      }
      const problem = Token.isUnresolved(value) ? undefined : tagValueProblem(tag, value);
      if (problem) problems.push(`${key} = '${value}' is not allowed: ${problem}`);
    }
    if (problems.length) throw new Error(`MandatoryTags: ${problems.join('; ')} (${this.tagsFile})`);
    this.values = new Map(Object.entries(values));
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const tags = TagManager.of(node);
    if (!tags) return;
    const present = tags.tagValues();
    for (const [key, value] of this.values) if (!(key in present)) tags.setTag(key, value, MANDATORY_TAG_PRIORITY);
    if (this.checked.has(node)) return;
    this.checked.add(node);
    // Validations run after every aspect, so they see the tags the resource is synthesized with.
    node.node.addValidation({ validate: () => this.problemsOf(tags) });
  }

  private problemsOf(tags: TagManager): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(tags.tagValues())) {
      const tag = this.mandatory.get(key);
      if (!tag || Token.isUnresolved(value)) continue; // a token is judged by the Guard Hook at deploy time
      const problem = tagValueProblem(tag, value);
      if (problem) problems.push(`tag ${key} = '${value}' is not allowed: ${problem} (${this.tagsFile})`);
    }
    return problems;
  }
}
