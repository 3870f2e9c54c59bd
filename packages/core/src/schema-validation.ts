import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from './errors';
import { SourceDocument } from './yaml-source';

// Loaded on first use: a check whose catalog comes from the cache validates nothing (about 35 ms at start-up).
let ajv: Ajv | undefined;
const compiled = new Map<object, ValidateFunction>();

/**
 * Validates a parsed document against a JSON Schema. Unknown keys are errors, never dropped:
 * every schema sets additionalProperties: false. Returns all problems, each at its file:line:col.
 */
export function validateAgainstSchema(doc: SourceDocument, schema: object): InputError[] {
  let validate = compiled.get(schema);
  if (!validate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ajv ??= new (require('ajv').default as typeof Ajv)({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(doc.value)) return [];
  return dedupe(validate.errors ?? []).map((e) => toInputError(doc, e));
}

function toInputError(doc: SourceDocument, e: ErrorObject): InputError {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const where = path.length ? `'${path.join('.')}'` : 'the document';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return new InputError(doc.locate([...path, key]), `unknown key '${key}' in ${where}`, allowed.length ? `one of: ${allowed.join(', ')}` : undefined);
    }
    case 'required':
      return new InputError(doc.locate(path), `${where} is missing required key '${e.params.missingProperty}'`);
    case 'enum':
      return new InputError(
        doc.locate(path),
        `${where} has value ${JSON.stringify(valueAt(doc.value, path))}`,
        `one of: ${(e.params.allowedValues as unknown[]).join(', ')}`,
      );
    case 'type':
      return new InputError(doc.locate(path), `${where} must be ${e.params.type}`, undefined);
    case 'pattern':
      return new InputError(doc.locate(path), `${where} has value ${JSON.stringify(valueAt(doc.value, path))}`, `a string matching ${e.params.pattern}`);
    default:
      return new InputError(doc.locate(path), `${where} ${e.message}`);
  }
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let v = value as Record<string | number, unknown> | undefined;
  for (const p of path) v = v?.[p] as Record<string | number, unknown> | undefined;
  return v;
}

/** oneOf/anyOf produce a cascade of errors; keep one per path and keyword. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return kept.length ? kept : errors.slice(0, 1);
}
