/**
 * CloudFormation intrinsic functions and references: values a template only knows at deploy time.
 * A one-key map whose key is Ref, Condition or Fn::* is one (Fn::GetAtt, Fn::If, Fn::ImportValue...).
 */
export function isIntrinsic(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/** Resources, the logical ID: maps keyed by the author, where a key named Ref or Condition is no intrinsic. */
const RESOURCE_DEPTH = 2;

/**
 * True when a JSON pointer into a resource reaches an intrinsic: the value at the pointer is one, or the
 * walk meets one on the way (the pointer goes into Fn::If's branches, or past a property that is a Ref).
 */
export function pointerReachesIntrinsic(document: unknown, pointer: string): boolean {
  let node = document;
  const segments = pointer.split('/').slice(1);
  for (let depth = 0; depth < segments.length; depth++) {
    if (depth > RESOURCE_DEPTH && isIntrinsic(node)) return true;
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[segments[depth].replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return segments.length > RESOURCE_DEPTH && isIntrinsic(node);
}
