import * as path from 'path';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { isYaml, listFiles } from '../list-files';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { readSourceFile } from '../yaml-source';
import { FailureMode, HookAction, HookDefinition, HookStackFilters, HookTargetOperation } from './model';

interface HookSource {
  alias: string;
  description: string;
  targetOperations?: HookTargetOperation[];
  actions?: HookAction[];
  stackFilters?: HookStackFilters;
  failureMode?: FailureMode;
}

/** Resource and Cloud Control operations: what the catalog's hook entry rules read. */
const DEFAULT_OPERATIONS: readonly HookTargetOperation[] = ['RESOURCE', 'CLOUD_CONTROL'];
const DEFAULT_ACTIONS: readonly HookAction[] = ['CREATE', 'UPDATE'];

/** Every hooks/<name>.yaml by name, validated; collects every problem and throws InputErrors. */
export function loadHooks(dir: string): Map<string, HookDefinition> {
  const hooks = new Map<string, HookDefinition>();
  const errors: InputError[] = [];
  const aliases = new Map<string, string>();
  for (const file of listFiles(dir, isYaml)) {
    try {
      const hook = loadHook(file);
      for (const alias of [hook.alias, hook.advisoryAlias]) {
        const other = aliases.get(alias.toLowerCase());
        if (other)
          errors.push(
            new InputError({ file, line: 1 }, `alias ${alias} is also used by ${other}`, 'one alias per hook: an account and region holds each alias once'),
          );
        aliases.set(alias.toLowerCase(), file);
      }
      hooks.set(hook.name, hook);
    } catch (err) {
      errors.push(...collectInputErrors(err));
    }
  }
  if (errors.length) throw new InputErrors(errors);
  return hooks;
}

function loadHook(file: string): HookDefinition {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('hook'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as HookSource;
  // JSON Schema patterns have no case-insensitive flag; AWS reserves every casing of the AWS prefix.
  if (/^aws/i.test(src.alias))
    throw new InputError(doc.locate(['alias']), `alias ${src.alias} starts with AWS`, "an alias under your organization's namespace (AWS is reserved)");
  return {
    name: path.basename(file).replace(/\.ya?ml$/, ''),
    file,
    alias: src.alias,
    advisoryAlias: `${src.alias}Advisory`,
    description: src.description,
    targetOperations: src.targetOperations ?? DEFAULT_OPERATIONS,
    actions: src.actions ?? DEFAULT_ACTIONS,
    stackFilters: src.stackFilters,
    failureMode: src.failureMode ?? 'FAIL',
  };
}
