import { cachedFromText } from '../text-cache';
import type { GuardFile } from './ast';
import { parseGuard } from './parse';

/** parseGuard, remembered between runs (see cachedFromText); a text that does not parse throws every time. */
export function parseGuardCached(text: string, file: string): GuardFile {
  return cachedFromText(
    'guard-ast',
    text,
    file,
    () => parseGuard(text, file),
    (v) => Array.isArray((v as GuardFile | undefined)?.rules),
  );
}
