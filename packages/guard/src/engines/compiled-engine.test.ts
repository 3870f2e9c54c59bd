import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { customRules } from '../rules/custom-rules';
import { GuardRule } from '../rules/guard-rule';
import { parseTemplate } from '../template/parse-template';
import { CompiledEngine } from './compiled-engine';
import { GuardEngine } from './engine';
import { NativeEngine } from './native-engine';

const ruleFile = (name: string, text: string): GuardRule => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-rule-')), name);
  fs.writeFileSync(file, text);
  return customRules(file, 'enforce')[0];
};
const template = (yaml: string) => parseTemplate(Buffer.from(yaml), 't.yaml');

const BUCKETS = `Resources:
  Good: { Type: AWS::S3::Bucket, Properties: { BucketName: lower } }
  Bad: { Type: AWS::S3::Bucket, Properties: { BucketName: Upper } }
`;
// \p{Greek} is a script: valid in cfn-guard's regex crate, refused by the translation (scripts change with Unicode).
const SCRIPT_RULE = `rule bucket_name_lowercase {
  Resources.*[ Type == 'AWS::S3::Bucket' ] {
    Properties.BucketName == /^[a-z\\p{Greek}]+$/
  }
}
`;
const PLAIN_RULE = `rule bucket_name_given {
  Resources.*[ Type == 'AWS::S3::Bucket' ] {
    Properties.BucketName exists
  }
}
`;

/** Counts the jobs and rules a fallback engine is asked about. */
function spying(inner: GuardEngine): GuardEngine & { asked: string[] } {
  const asked: string[] = [];
  return {
    name: inner.name,
    version: inner.version,
    asked,
    evaluate: (jobs, onProgress) => {
      for (const j of jobs) asked.push(...j.rules.map((r) => r.id));
      return inner.evaluate(jobs, onProgress);
    },
    unparsableRules: (rules) => inner.unparsableRules(rules),
    dispose: () => inner.dispose(),
  };
}

describe('the compiled engine', () => {
  test('a rule it does not reproduce exactly is evaluated by cfn-guard, whole, and the run says so', async () => {
    const refused = ruleFile('script.guard', SCRIPT_RULE);
    const plain = ruleFile('plain.guard', PLAIN_RULE);
    const native = spying(new NativeEngine());
    const engine = new CompiledEngine(() => native);
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [refused, plain] }]);
    expect(result.errors).toEqual([]);
    expect(native.asked).toEqual(['script']);
    expect(result.violations.map((v) => [v.ruleName, v.logicalId, v.path])).toEqual([['bucket_name_lowercase', 'Bad', '/Resources/Bad/Properties/BucketName']]);
    expect(engine.notes).toEqual([expect.stringMatching(/^rule script was evaluated by the native Guard engine: .*script\.guard:3:\d+: .*\\p\{Greek\}/)]);
    engine.dispose();
  });

  test('without cfn-guard, a rule that needs it is an error naming what to install, never a pass', async () => {
    const engine = new CompiledEngine(() => {
      throw new InputError({ file: 'Guard engine' }, 'no Guard engine can run here', 'npm i -D @tarmac/cfn-guard-linux-x64');
    });
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [ruleFile('script.guard', SCRIPT_RULE)] }]);
    expect(result.violations).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        'a rule the compiled Guard engine does not support needs native cfn-guard or the WebAssembly engine: no Guard engine can run here',
      ),
    ]);
  });

  test('a rule every engine evaluates never reaches the fallback', async () => {
    const engine = new CompiledEngine(() => {
      throw new Error('the fallback was created');
    });
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [ruleFile('plain.guard', PLAIN_RULE)] }]);
    expect(result).toMatchObject({ violations: [], errors: [] });
    expect(engine.notes).toEqual([]);
  });

  test('a rule that does not parse is an error on the compiled engine as on cfn-guard', async () => {
    const broken = ruleFile('broken.guard', 'rule broken {\n  Resources.*[ Type == ] exists\n}\n');
    const engine = new CompiledEngine(() => new NativeEngine());
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [broken] }]);
    expect(result.violations).toEqual([]);
    expect(result.errors.map((e) => [e.location, e.problem])).toEqual([
      [{ file: broken.file, line: 2, column: 23 }, expect.stringMatching(/^Guard rule broken was not evaluated: it does not parse: /)],
    ]);
    expect((await engine.unparsableRules([broken])).map((e) => e.location.file)).toEqual([broken.file]);
    engine.dispose();
  });
});
