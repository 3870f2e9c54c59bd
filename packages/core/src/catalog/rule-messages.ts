import { InputError, SourceLocation } from '../errors';

/**
 * One text (issue 17): a control's message and fix live in its YAML metadata, and its Guard rule repeats
 * them word for word in its custom message blocks, so the deployed Guard Hook (which runs the .guard text)
 * gives the same advice as `tarmac check` and CDK synth (which show the YAML).
 *
 * The rule:
 * - every `<< ... >>` block in the rule text reads `[<id>]: <message>` then `[FIX]: <fix>`, compared with
 *   whitespace runs normalized to one space (YAML folded scalars join lines; a block may wrap them). This
 *   holds for blocks in parameterized helper rules too (`rule check_x(v) { ... << >> }`): cfn-guard shows a
 *   helper's message when it fails inside a named rule, so it is advice the hook gives;
 * - every definition of a named (non-parameterized) rule, the rules cfn-guard reports, has at least one
 *   block, so a failure never reaches the hook without the control's words;
 * - the message and fix never contain `>>`, which would end Guard's block.
 */

/** The text of a control's custom message block, without the `<<` and `>>` around it. */
export function ruleMessageText(id: string, message: string, fix: string): string {
  return `[${id}]: ${normalizeSpace(message)} [FIX]: ${normalizeSpace(fix)}`;
}

/** A custom message block's lines, `<<` to `>>`, each indented by `indent`. */
export function ruleMessageBlock(id: string, message: string, fix: string, indent: string): string[] {
  return ['<<', `[${id}]: ${normalizeSpace(message)}`, `[FIX]: ${normalizeSpace(fix)}`, '>>'].map((l) => indent + l);
}

export function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** What the loader knows about the control whose rule text is checked. */
export interface RuleMessageSource {
  readonly id: string;
  readonly message: string;
  readonly fix: string;
  /** Where the YAML's message and fix are, for a text Guard cannot hold. */
  readonly messageAt: SourceLocation;
  readonly fixAt: SourceLocation;
  /** The control's YAML file, named in the error. */
  readonly yamlFile: string;
}

/** A `<< ... >>` block: its text and where its `<<` is (1-based). */
export interface MessageBlock {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** A top-level `rule` definition: its name, whether it takes parameters, and the blocks inside it. */
export interface RuleDefinition {
  readonly name: string;
  readonly parameterized: boolean;
  readonly line: number;
  readonly blocks: MessageBlock[];
}

/**
 * Finds the custom message blocks of a Guard rule text and the rule definitions they belong to. Comments,
 * quoted strings and regular expression literals are skipped, so a `<<` or `rule` inside them counts for
 * nothing. Blocks before the first rule (which Guard would refuse anyway) belong to no rule.
 */
export function scanRuleMessages(text: string): { rules: RuleDefinition[]; orphans: MessageBlock[] } {
  const rules: RuleDefinition[] = [];
  const orphans: MessageBlock[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  const advanceTo = (end: number) => {
    for (let k = i; k < end && k < n; k++) {
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    i = Math.min(end, n);
  };
  let atLineStart = true;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      advanceTo(i + 1);
      atLineStart = true;
      continue;
    }
    if (atLineStart) {
      const eol = text.indexOf('\n', i);
      const m = /^[ \t]*rule[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(\()?/.exec(text.slice(i, eol === -1 ? n : eol));
      if (m) rules.push({ name: m[1], parameterized: m[2] !== undefined, line, blocks: [] });
      atLineStart = false;
    }
    if (c === '#') {
      const end = text.indexOf('\n', i);
      advanceTo(end === -1 ? n : end);
    } else if (c === "'" || c === '"' || c === '/') {
      let k = i + 1;
      while (k < n && text[k] !== c && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      advanceTo(text[k] === c ? k + 1 : k);
    } else if (c === '<' && text[i + 1] === '<') {
      const end = text.indexOf('>>', i + 2);
      const block = { text: text.slice(i + 2, end === -1 ? n : end), line, column: i - lineStart + 1 };
      (rules.length ? rules[rules.length - 1].blocks : orphans).push(block);
      advanceTo(end === -1 ? n : end + 2);
    } else {
      i++;
    }
  }
  return { rules, orphans };
}

const WHY = "the message and fix live in the control's YAML; the rule repeats them word for word so the deployed hook says the same";

/** Checks a control's Guard rule text against its YAML message and fix; returns every problem found. */
export function ruleMessageProblems(guardFile: string, guard: string, source: RuleMessageSource): InputError[] {
  const problems: InputError[] = [];
  for (const [key, value, at] of [
    ['message', source.message, source.messageAt],
    ['fix', source.fix, source.fixAt],
  ] as const) {
    if (value.includes('>>')) {
      problems.push(new InputError(at, `the ${key} contains '>>', which would end the custom message block of the Guard rule`, `a ${key} without '>>'`));
    }
  }
  if (problems.length) return problems;
  const expected = ruleMessageText(source.id, source.message, source.fix);
  const { rules, orphans } = scanRuleMessages(guard);
  for (const block of [...orphans, ...rules.flatMap((r) => r.blocks)]) {
    const actual = normalizeSpace(block.text);
    if (actual === expected) continue;
    const said = actual.length > 300 ? `${actual.slice(0, 300)}...` : actual;
    problems.push(
      new InputError(
        { file: guardFile, line: block.line, column: block.column },
        `this custom message differs from the message and fix of ${source.id} in ${source.yamlFile}: it says '${said}'; ${WHY}`,
        `'${expected}'`,
      ),
    );
  }
  for (const rule of rules) {
    if (rule.parameterized || rule.blocks.length) continue;
    problems.push(
      new InputError(
        { file: guardFile, line: rule.line, column: 1 },
        `rule ${rule.name} has no custom message, so the deployed hook would fail it without the control's message and fix; ${WHY}`,
        `a block '<< [${source.id}]: <message> [FIX]: <fix> >>' in it, with the message and fix of ${source.yamlFile}: '${expected}'`,
      ),
    );
  }
  return problems;
}
