/**
 * Exemptions at the Guard Hook (ADR 0012 decision 4): a control's Guard text rewritten so that its rules SKIP
 * where the hook input's HookContext matches an exemption, and evaluate exactly as written everywhere else.
 *
 * Every named (non-parameterized) rule's body is wrapped in a `when` block whose condition is, per exemption,
 * one line saying "this invocation is NOT covered": an `or` of HookContext missing or not a struct, the account
 * missing or not among the exempted IDs, the stack name (parsed from StackId) missing or not matching, the
 * logical ID missing or not among the resources. The lines are a conjunction (cfn-guard's CNF), so the body
 * is skipped only where some exemption covers the invocation. What cfn-guard 3.1.1 does, checked with the
 * binary: a query on a missing key makes `not in` and `!=` false, so without the `not exists` alternatives a
 * missing HookContext would skip the rules; with them it fails as before. A rule that references a skipped
 * rule fails (`rule b { a }`), so every named rule of the file is wrapped, never only some; parameterized
 * rules run only when a named rule calls them and are left as they are. The `<< >>` messages stay verbatim.
 *
 * cfn-guard has no clock: the expiry is not evaluated by the hook. A header line per exemption names it and its
 * last day, so a deployed bundle can be read back (`tarmac plan`/`status` report one still carrying an expired
 * exemption), and the next build drops it.
 */

/** What a rule bundle needs of an exemption: its ID and last day, and the invocations it covers. */
export interface GuardExemption {
  readonly id: string;
  /** The last day it applies, YYYY-MM-DD (UTC). */
  readonly expires: string;
  /** Account IDs (OUs already expanded to the accounts org.yaml lists). */
  readonly accountIds: readonly string[];
  /** Stack name patterns (`*` matches any run); empty: every stack. */
  readonly stacks: readonly string[];
  /** Logical IDs; empty: every resource. */
  readonly resources: readonly string[];
}

/** One header line per carried exemption; the only part of the rewrite meant to be read back. */
const HEADER = /^# tarmac-exemption (\S+) expires (\d{4}-\d{2}-\d{2})$/gm;
const INDENT = '    ';

/**
 * The Guard text with its named rules skipped where an exemption covers the hook invocation. No exemptions:
 * the text unchanged (the same bytes, so the same bundle). Throws on a value that could not be written safely
 * as a Guard literal (the loader's schema refuses those before).
 */
export function exemptGuardRules(guard: string, exemptions: readonly GuardExemption[]): string {
  if (!exemptions.length) return guard;
  const sorted = [...exemptions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const header = [
    ...sorted.map((e) => `# tarmac-exemption ${checked(e.id, /^[A-Za-z0-9-]+$/, 'exemption ID')} expires ${checked(e.expires, /^\d{4}-\d{2}-\d{2}$/, 'day')}`),
    '# Every named rule below skips where HookContext matches one of these exemptions and evaluates as written elsewhere.',
    '',
  ].join('\n');
  const condition = sorted.map(notCovered).join('\n');
  let text = guard;
  // From the last rule back, so earlier offsets stay valid.
  for (const body of namedRuleBodies(guard).reverse()) {
    const close = text[body.close - 1] === '\n' ? `${INDENT}}\n` : `\n${INDENT}}\n`;
    text = text.slice(0, body.close) + close + text.slice(body.close);
    text = text.slice(0, body.open + 1) + `\n${INDENT}when ${condition.replace(/\n/g, `\n${INDENT}     `)} {` + text.slice(body.open + 1);
  }
  return header + text;
}

/** The exemptions a rewritten Guard text carries, from its header lines, in file order. */
export function readGuardExemptions(guard: string): { id: string; expires: string }[] {
  return [...guard.matchAll(HEADER)].map((m) => ({ id: m[1], expires: m[2] }));
}

/** One exemption's line: true unless the invocation is certainly in its scope (fail closed on anything odd). */
function notCovered(e: GuardExemption): string {
  if (!e.accountIds.length) throw new Error(`exemption ${e.id} covers no account: it cannot be carried in a rule bundle`);
  const parts = [
    'HookContext not exists or HookContext not is_struct',
    field('AWSAccountID', `not in ${list(e.accountIds.map((a) => checked(a, /^\d{12}$/, 'account ID')))}`),
  ];
  if (e.stacks.length) parts.push(field('StackId', `!= ${stackIdRegex(e.stacks)}`));
  if (e.resources.length) parts.push(field('TargetLogicalId', `not in ${list(e.resources.map((r) => checked(r, /^[A-Za-z0-9]+$/, 'logical ID')))}`));
  return parts.join(' or\n');
}

function field(name: string, test: string): string {
  return `HookContext.${name} not exists or HookContext.${name} not is_string or HookContext.${name} ${test}`;
}

function list(values: readonly string[]): string {
  return `[${[...values]
    .sort()
    .map((v) => `'${v}'`)
    .join(', ')}]`;
}

/**
 * A StackId (arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/UUID) whose NAME matches a pattern. The
 * account is checked through AWSAccountID; the partitions are those CloudFormation runs in.
 */
export function stackIdRegex(patterns: readonly string[]): string {
  const names = patterns.map((p) =>
    checked(p, /^[A-Za-z0-9*-]+$/, 'stack name pattern')
      .split('*')
      .join('[^\\/]*'),
  );
  return `/^arn:aws(-cn|-us-gov)?:cloudformation:[a-z0-9-]+:[0-9]{12}:stack\\/(${names.join('|')})\\/[^\\/]+$/`;
}

function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`${what} ${JSON.stringify(value)} cannot be written into a Guard rule`);
  return value;
}

/** Offsets of the `{` and `}` around the body of each named (non-parameterized) top-level rule. */
export function namedRuleBodies(text: string): { name: string; open: number; close: number }[] {
  const bodies: { name: string; open: number; close: number }[] = [];
  let depth = 0; // braces
  let nesting = 0; // brackets and parentheses: a `{` inside them opens no body
  let pending: { name: string; parameterized: boolean } | undefined;
  let current: { name: string; open: number; parameterized: boolean } | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('<<', i)) {
      const end = text.indexOf('>>', i + 2);
      if (end < 0) throw new Error('a custom message << is never closed with >>');
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '/') {
      // cfn-guard's strings and regular expressions: up to the same delimiter not after a backslash.
      let k = i + 1;
      while (k < n && !(text[k] === c && text[k - 1] !== '\\')) k++;
      if (k >= n) throw new Error(`a ${c === '/' ? 'regular expression' : 'string'} is never closed`);
      i = k + 1;
      continue;
    }
    if (c === '[' || c === '(') nesting++;
    else if (c === ']' || c === ')') nesting--;
    else if (c === '{' && nesting === 0) {
      if (depth === 0 && pending) {
        current = { ...pending, open: i };
        pending = undefined;
      }
      depth++;
    } else if (c === '}' && nesting === 0) {
      depth--;
      if (depth < 0) throw new Error('a } closes nothing');
      if (depth === 0 && current) {
        if (!current.parameterized) bodies.push({ name: current.name, open: current.open, close: i });
        current = undefined;
      }
    } else if (depth === 0 && nesting === 0 && /[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_%.]/.test(text[i - 1]))) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 200))![0];
      if (word === 'rule') {
        const m = /^rule\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\()?/.exec(text.slice(i, i + 300));
        if (m) pending = { name: m[1], parameterized: m[2] !== undefined };
      }
      i += word.length;
      continue;
    }
    i++;
  }
  if (depth !== 0 || current) throw new Error('a rule body is never closed');
  return bodies;
}
