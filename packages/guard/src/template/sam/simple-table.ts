import { mainAttributes } from './attributes';
import { Context } from './context';
import { generatedTypes } from './generated-types';
import { NotExpanded } from './model';
import { checkKeys, checkProperties, literalMap, prop, propertyPath } from './properties';
import { tagList } from './tags';
import { SamResource, Unit } from './unit';
import { clone, dict } from './values';

const KEY_TYPES: Readonly<Record<string, string>> = { String: 'S', Number: 'N', Binary: 'B' };
const SUPPORTED = new Set(['PrimaryKey', 'ProvisionedThroughput', 'TableName', 'Tags', 'SSESpecification', 'PointInTimeRecoverySpecification']);

/** AWS::Serverless::SimpleTable: a DynamoDB table with one hash key (`id`, a string, unless PrimaryKey says otherwise). */
export function translateSimpleTable(_ctx: Context, r: SamResource): Unit[] {
  const unit = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  unit.run(() => {
    checkProperties(r, SUPPORTED);
    let name: unknown = 'id';
    let type = 'S';
    if (prop(r, 'PrimaryKey') !== undefined) {
      const path = propertyPath(r, 'PrimaryKey');
      const key = literalMap(prop(r, 'PrimaryKey'), path, 'PrimaryKey');
      checkKeys(key, ['Name', 'Type'], path, 'PrimaryKey');
      const t = key.Type;
      if (typeof t !== 'string' || !Object.hasOwn(KEY_TYPES, t) || key.Name === undefined)
        throw new NotExpanded(path, 'PrimaryKey is not {Name, Type: String, Number or Binary}');
      name = clone(key.Name);
      type = KEY_TYPES[t];
    }
    const throughput = prop(r, 'ProvisionedThroughput');
    const tags = tagList(prop(r, 'Tags'), propertyPath(r, 'Tags'));
    unit.add(
      r.logicalId,
      'AWS::DynamoDB::Table',
      dict([
        ['AttributeDefinitions', [{ AttributeName: name, AttributeType: type }]],
        ['KeySchema', [{ AttributeName: clone(name), KeyType: 'HASH' }]],
        ['BillingMode', throughput === undefined ? 'PAY_PER_REQUEST' : undefined],
        ['ProvisionedThroughput', clone(throughput)],
        ['TableName', clone(prop(r, 'TableName'))],
        ['SSESpecification', clone(prop(r, 'SSESpecification'))],
        ['PointInTimeRecoverySpecification', clone(prop(r, 'PointInTimeRecoverySpecification'))],
        ['Tags', tags.length > 0 ? tags : undefined],
      ]),
      mainAttributes(r),
    );
  });
  return [unit];
}
