import * as fs from 'fs';
import * as path from 'path';

const SCHEMA_DIR = path.join(__dirname, '..', 'schemas');
const cache = new Map<string, object>();

/** A JSON Schema from packages/core/schemas, read once. */
export function loadSchema(name: string): object {
  let s = cache.get(name);
  if (!s) {
    s = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as object;
    cache.set(name, s);
  }
  return s;
}
