import { InputError } from '@tarmac/core';

/**
 * A Guard rule file cfn-guard could not parse, located at its line and column. A rule generated from another
 * source (LZ.TAG.* from tags.yaml) is named by that source; its line is a line of the generated text.
 */
export function ruleParseError(rule: { readonly id: string; readonly file: string }, detail: string, problem = 'does not parse'): InputError {
  const at = /at line (\d+) at column (\d+)/.exec(detail);
  const own = /\.(guard|ruleset)$/.test(rule.file);
  const where = own && at ? { file: rule.file, line: Number(at[1]), column: Number(at[2]) } : { file: rule.file };
  const generated = !own && at ? ` (line ${at[1]} of the rule generated from this file)` : '';
  return new InputError(where, `Guard rule ${rule.id} ${problem}${generated}: ${parseErrorText(detail)}`, 'valid CloudFormation Guard syntax');
}

/** cfn-guard's parse error without its preamble and the echoed fragment's backticks. */
function parseErrorText(detail: string): string {
  const after = /at line \d+ at column \d+, when handling ([\s\S]*)/.exec(detail);
  return (after ? after[1] : detail)
    .replace(/\s+/g, ' ')
    .replace(/[`\s-]+$/, '')
    .trim()
    .slice(0, 300);
}
