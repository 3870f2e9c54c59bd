import { NotExpanded } from './model';
import { Dict, Path, clone, isIntrinsic, isObject } from './values';

/**
 * SAM's `Tags` (a map) as CloudFormation's list of {Key, Value}, after the tag SAM adds to mark what it
 * created (e.g. lambda:createdBy = SAM). SAM refuses a Tags map that sets that tag itself.
 */
export function tagList(tags: unknown, path: Path, createdBy?: string): Dict[] {
  const list: Dict[] = createdBy ? [{ Key: createdBy, Value: 'SAM' }] : [];
  if (tags === undefined || tags === null) return list;
  if (!isObject(tags) || isIntrinsic(tags)) throw new NotExpanded(path, 'Tags is not a map of tag names to values');
  for (const [key, value] of Object.entries(tags)) {
    if (key === createdBy) throw new NotExpanded([...path, key], `the tag ${key} is reserved by SAM`);
    list.push({ Key: key, Value: clone(value) });
  }
  return list;
}
