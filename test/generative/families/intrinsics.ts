/**
 * Intrinsic functions wrapped around the value a blocking finding points at (or, when the property is
 * missing, around its nearest parent).
 * - Values known only at deploy time: a Ref to a new parameter whose default is the failing value, Fn::If
 *   between the failing value and AWS::NoValue, Fn::Transform. Their documented verdict is `unknown`, which
 *   may warn instead of block, but the finding must still be reported for the same control and resource.
 * - Values the template alone decides: Fn::If with the failing value in both branches, Fn::Sub without
 *   variables, Fn::Join and Fn::Select of literals. Every outcome fails, so they must not pass.
 */
import { addToSection, existingPrefix, freshId, getAt, isMap, resourcesOf, setAt } from '../model';
import { Draft, Family, pickFormat, pickTarget } from '../mutant';

export const intrinsics: Family = {
  name: 'intrinsics',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const target = pickTarget(ctx);
    if (!target) return undefined;
    const resource = resourcesOf(doc)[target.logicalId];
    if (!isMap(resource)) return undefined;
    const cond = freshId(doc, 'GenIsProd');
    const stage = freshId(doc, 'GenStage');
    const useCondition = () => {
      addToSection(doc, 'Parameters', stage, { Type: 'String', Default: 'prod', AllowedValues: ['dev', 'prod'] });
      addToSection(doc, 'Conditions', cond, { 'Fn::Equals': [{ Ref: stage }, 'prod'] });
    };
    const path = target.path.length ? [...target.path] : ['Properties'];
    const have = existingPrefix(resource, path);
    const exists = have.length === path.length;
    const variant = exists
      ? rng.pick(['if-both', 'if-novalue', 'ref-parameter', 'sub', 'join', 'select', 'if-parent'] as const)
      : rng.pick(['if-ancestor', 'if-ancestor-novalue'] as const);
    const deployTime = variant === 'if-novalue' || variant === 'ref-parameter' || variant === 'if-ancestor-novalue';
    const draft = (description: string): Draft => ({
      variant,
      description: `${target.logicalId}.${path.join('.')} (${target.controlId}): ${description}${deployTime ? '' : ' [every outcome fails]'}`,
      doc,
      format: pickFormat(rng, doc),
      preserving: false,
      deployTimeValue: deployTime,
    });
    const value = getAt(resource, have);
    switch (variant) {
      case 'if-both':
        useCondition();
        setAt(resource, path, { 'Fn::If': [cond, value, value] });
        return draft('Fn::If with the failing value in both branches');
      case 'if-novalue':
        useCondition();
        setAt(resource, path, { 'Fn::If': [cond, value, { Ref: 'AWS::NoValue' }] });
        return draft('Fn::If [cond, failing value, AWS::NoValue]');
      case 'ref-parameter': {
        if (value === null || typeof value === 'object') return undefined;
        const param = freshId(doc, 'GenValue');
        addToSection(doc, 'Parameters', param, { Type: 'String', Default: String(value) });
        setAt(resource, path, { Ref: param });
        return draft(`Ref to parameter ${param} whose Default is ${JSON.stringify(value)}`);
      }
      case 'sub':
        if (typeof value !== 'string' || value.includes('${')) return undefined;
        setAt(resource, path, { 'Fn::Sub': value });
        return draft(`Fn::Sub ${JSON.stringify(value)} (no variables)`);
      case 'join':
        if (typeof value !== 'string') return undefined;
        setAt(resource, path, { 'Fn::Join': ['', [value]] });
        return draft(`Fn::Join ['', [${JSON.stringify(value)}]]`);
      case 'select':
        setAt(resource, path, { 'Fn::Select': [0, [value]] });
        return draft('Fn::Select [0, [failing value]]');
      case 'if-parent': {
        if (path.length < 2) return undefined;
        const parentPath = path.slice(0, -1);
        const parent = getAt(resource, parentPath);
        useCondition();
        setAt(resource, parentPath, { 'Fn::If': [cond, parent, parent] });
        return draft(`Fn::If around the parent ${parentPath.join('.')} (same value in both branches)`);
      }
      case 'if-ancestor':
      case 'if-ancestor-novalue': {
        useCondition();
        if (!have.length) {
          resource.Properties = { 'Fn::If': [cond, {}, { Ref: 'AWS::NoValue' }] };
          return draft('Properties: Fn::If [cond, {}, AWS::NoValue] (had none)');
        }
        setAt(resource, have, { 'Fn::If': [cond, value, variant === 'if-ancestor' ? value : { Ref: 'AWS::NoValue' }] });
        return draft(
          `the property is missing; Fn::If around ${have.join('.')}${variant === 'if-ancestor' ? ' (same value in both branches)' : ' and AWS::NoValue'}`,
        );
      }
    }
  },
};
