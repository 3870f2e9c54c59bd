/**
 * Reads seed templates (JSON or YAML with CloudFormation short forms) into plain values with long-form
 * intrinsics. Independent of the product's reader on purpose: the seeds must not inherit its bugs.
 */
import { Document, Node, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';

function longForm(tag: string): string {
  const name = tag.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function convert(node: unknown, doc: Document, seen: Set<unknown>): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (seen.has(target)) throw new Error('cyclic alias in a seed template');
    seen.add(target);
    const out = convert(target, doc, seen);
    seen.delete(target);
    return out;
  }
  let value: unknown;
  if (isScalar(node)) value = node.value;
  else if (isSeq(node)) value = node.items.map((n) => convert(n, doc, seen));
  else if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      Object.defineProperty(obj, key, { value: convert(pair.value, doc, seen), enumerable: true, writable: true, configurable: true });
    }
    value = obj;
  } else {
    throw new Error(`unexpected YAML node ${String(node)}`);
  }
  const tag = (node as Node).tag;
  if (tag && tag.startsWith('!') && !tag.startsWith('!!') && !tag.startsWith('tag:')) {
    if (tag === '!GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    return { [longForm(tag)]: value };
  }
  return value;
}

/** The documents of a YAML/JSON text as plain values. Throws on a parse error. */
export function readCfn(text: string): unknown[] {
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''), { uniqueKeys: false, strict: false });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors[0].message);
    return convert(doc.contents, doc, new Set());
  });
}
