import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { GuardRule, deriveResourceTypes, reportedRuleNames } from './guard-rule';

/** Extra Guard rules from a file or directory (--rules): types derived from the text, else run everywhere. */
export function customRules(location: string, mode: GuardRule['mode']): GuardRule[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new InputError({ file: location }, 'rules path does not exist', 'a .guard file or a directory of them');
  }
  const files = stat.isDirectory() ? listGuardFiles(location) : [location];
  if (files.length === 0) throw new InputError({ file: location }, 'no Guard rules found', 'files ending in .guard or .ruleset');
  return files.map((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError({ file }, `cannot read rule file: ${(err as NodeJS.ErrnoException).code}`);
    }
    const names = reportedRuleNames(text);
    if (names.length === 0) throw new InputError({ file }, 'the file defines no rule', "at least one 'rule NAME when ... { }' or 'rule NAME { }'");
    const id = path.basename(file).replace(/\.(guard|ruleset)$/, '');
    return {
      id,
      origin: 'custom',
      file,
      text,
      names,
      resourceTypes: deriveResourceTypes(text),
      title: names.join(', '),
      severity: 'medium',
      message: `Guard rule ${names.join(', ')} failed.`,
      mode,
      unresolved: 'warn',
    } satisfies GuardRule;
  });
}

function listGuardFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listGuardFiles(p));
    else if (/\.(guard|ruleset)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
