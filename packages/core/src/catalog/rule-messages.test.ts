import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputErrors } from '../errors';
import { loadCatalog } from './load-catalog';
import { normalizeSpace, ruleMessageProblems, ruleMessageText, scanRuleMessages } from './rule-messages';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const S3_2 = path.join('controls', 's3', 'bucket-kms-encryption');

/** A copy of the real catalog to break one file at a time. */
function copyCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-rule-messages-'));
  fs.cpSync(POLICIES, dir, { recursive: true });
  return dir;
}

/** The loader's errors about `file` (a control it refuses is also unknown to the profiles naming it). */
function errorsOf(root: string, file: string): string[] {
  try {
    loadCatalog(root);
  } catch (e) {
    if (e instanceof InputErrors) return e.errors.map((x) => x.message).filter((m) => m.startsWith(`${file}:`));
    throw e;
  }
  throw new Error('expected InputErrors');
}

/** 1-based line of the first occurrence of `needle` in `text`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the custom messages of a Guard rule repeat the YAML message and fix (issue 17)', () => {
  const catalog = loadCatalog(POLICIES);
  const s3 = catalog.controls.find((c) => c.id === 'LZ.S3.2')!;
  const expected = `[LZ.S3.2]: ${s3.message} [FIX]: ${normalizeSpace(s3.fix)}`;

  test('every control of the bundled catalog, generated tag rules included, says its YAML text in every block', () => {
    for (const c of catalog.controls) {
      const { rules, orphans } = scanRuleMessages(c.guard);
      expect(orphans).toEqual([]);
      const named = rules.filter((r) => !r.parameterized);
      expect(named.length).toBeGreaterThan(0);
      for (const r of named) {
        expect(r.name).toBe(c.rule);
        expect(r.blocks.length).toBeGreaterThan(0);
      }
      for (const b of rules.flatMap((r) => r.blocks)) expect(normalizeSpace(b.text)).toBe(ruleMessageText(c.id, c.message, c.fix));
    }
    // The tag rules compiled for a few types carry the same words as the full ones.
    const tag = catalog.controls.find((c) => c.id === 'LZ.TAG.2')!;
    const narrow = tag.guardFor!(new Set(['AWS::S3::Bucket']));
    expect(normalizeSpace(narrow)).toContain(normalizeSpace(`<< ${ruleMessageText(tag.id, tag.message, tag.fix)} >>`));
  });

  test.each([
    ['a wrong message', (t: string) => t.replace('[LZ.S3.2]: Bucket is not encrypted with KMS.', '[LZ.S3.2]: Bucket is not encrypted.')],
    ['a wrong fix', (t: string) => t.replace('(CDK: encryption:', '(CDK: encryption mode:')],
    ['a missing [FIX]', (t: string) => t.replace(/\n\s*\[FIX\]:[^>]*?(?=\n\s*>>)/, '')],
  ])('%s in one block is refused at the .guard file and the line of the block, saying what the YAML says', (_, drift) => {
    const root = copyCatalog();
    const file = path.join(root, `${S3_2}.guard`);
    const text = fs.readFileSync(file, 'utf8');
    const drifted = drift(text);
    expect(drifted).not.toBe(text);
    fs.writeFileSync(file, drifted);
    const errors = errorsOf(root, file);
    expect(errors).toHaveLength(1);
    // The first block was changed (every block reads alike, so the first difference is in the first one).
    const line = lineOf(drifted, '<<');
    expect(errors[0]).toMatch(new RegExp(`^${escape(file)}:${line}:5: this custom message differs from the message and fix of LZ\\.S3\\.2`));
    expect(errors[0]).toContain(`${S3_2}.yaml`);
    expect(errors[0]).toContain("the message and fix live in the control's YAML; the rule repeats them word for word so the deployed hook says the same");
    expect(errors[0]).toContain(`(expected '${expected}')`);
  });

  test('a named rule without a custom message is refused at its line', () => {
    const root = copyCatalog();
    const file = path.join(root, `${S3_2}.guard`);
    const text = fs.readFileSync(file, 'utf8');
    // Drop the second rule's block (from its `<<` to its `>>`).
    const second = text.indexOf('<<', text.indexOf('<<') + 2);
    const drifted = text.slice(0, second) + text.slice(text.indexOf('>>', second) + 2);
    fs.writeFileSync(file, drifted);
    const errors = errorsOf(root, file);
    expect(errors).toHaveLength(1);
    const line = lineOf(drifted, 'rule lz_s3_bucket_kms_encryption when %hook_buckets');
    expect(errors[0]).toMatch(new RegExp(`^${escape(file)}:${line}:1: rule lz_s3_bucket_kms_encryption has no custom message`));
  });

  test("a message or fix containing '>>' is refused at its YAML line: it would end Guard's block", () => {
    const root = copyCatalog();
    const file = path.join(root, `${S3_2}.yaml`);
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('message: Bucket is not encrypted with KMS.', 'message: Bucket is not encrypted >> with KMS.'),
    );
    const errors = errorsOf(root, file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${escape(file)}:9:\\d+: the message contains '>>', which would end the custom message block`));
  });

  test("the scanner ignores '<<' and 'rule' in comments, strings and regular expressions, and checks helper rules' blocks", () => {
    const guard = [
      '# rule commented_out when x { << [X]: no >> }',
      "let A = '<< not a block'",
      'let B = /<<[a-z]\\/>>/',
      'rule named when %A not empty {',
      '    helper(%A)',
      '    <<',
      '    [LZ.X.1]: Bad.',
      '    [FIX]: Make it',
      '           good.',
      '    >>',
      '}',
      'rule helper(v) {',
      '    %v exists',
      '    << [LZ.X.1]: Bad. [FIX]: Something else. >>',
      '}',
    ].join('\n');
    const { rules, orphans } = scanRuleMessages(guard);
    expect(orphans).toEqual([]);
    expect(rules.map((r) => [r.name, r.parameterized, r.line, r.blocks.map((b) => b.line)])).toEqual([
      ['named', false, 4, [6]],
      ['helper', true, 12, [14]],
    ]);
    const problems = ruleMessageProblems('x.guard', guard, {
      id: 'LZ.X.1',
      message: 'Bad.',
      fix: 'Make it\ngood.',
      messageAt: { file: 'x.yaml', line: 1 },
      fixAt: { file: 'x.yaml', line: 2 },
      yamlFile: 'x.yaml',
    });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^x\.guard:14:5: this custom message differs .* it says '\[LZ\.X\.1\]: Bad\. \[FIX\]: Something else\.'/),
    ]);
  });
});
