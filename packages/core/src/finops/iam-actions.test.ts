import { validateActionList } from '../org/iam-validation';
import { iamActionProblem } from './iam-actions';

// Every form budgets.yaml allows, with the verdict IAM gives it, written out here: neither validator is the
// other's oracle. The synchronous check (budgets' deny actions) and iam-validation.ts (the async one the SCP
// loader uses) must both give exactly these, so a budget's deny actions and an SCP's actions are judged alike.
const REAL: readonly string[] = [
  'ec2:RunInstances',
  'EC2:runinstances', // IAM compares action names without case
  's3:getobject',
  'sts:AssumeRole',
  'emr-serverless:StartJobRun',
  'bedrock:InvokeModel*', // InvokeModel, InvokeModelWithResponseStream
  'sagemaker:Create*Job', // CreateTrainingJob and more
  'ec2:Run?nstances',
];
const WRONG: readonly [action: string, problem: string][] = [
  ['ec2:RunInstance', 'unknown action ec2:RunInstance; did you mean ec2:RunInstances?'],
  ['iam:CreateUsers', 'unknown action iam:CreateUsers; did you mean iam:CreateUser?'],
  // The Converse API is authorized by bedrock:InvokeModel: there is no bedrock:Converse action.
  ['bedrock:Converse', 'unknown action bedrock:Converse'],
  ['bedrok:InvokeModel', 'unknown service bedrok in action bedrok:InvokeModel; did you mean bedrock:InvokeModel?'],
  ['glue:Nothing*Here', 'action glue:Nothing*Here matches no glue action'],
  ['ec2:', 'action ec2: is not of the form service:Action'],
  ['RunInstances', 'action RunInstances is not of the form service:Action'],
];

describe('iamActionProblem', () => {
  it.each(REAL)('accepts %s', (action) => {
    expect(iamActionProblem(action)).toBeUndefined();
  });

  it.each(WRONG)('refuses %s: %s', (action, problem) => {
    expect(iamActionProblem(action)?.problem).toBe(problem);
  });

  it('says what was expected', () => {
    expect(iamActionProblem('ec2:RunInstance')?.expected).toBe('an action of ec2');
    expect(iamActionProblem('glue:Nothing*Here')?.expected).toBe('a pattern that matches at least one glue action');
    expect(iamActionProblem('RunInstances')?.expected).toBe('service:Action, such as ec2:RunInstances');
  });
});

describe('iam-validation agrees on the same actions', () => {
  it('accepts every real one', async () => {
    expect(await validateActionList(REAL, () => ({ file: 'x' }))).toEqual([]);
  });

  it('refuses every wrong one with the same problem, at its index', async () => {
    const errors = await validateActionList(
      WRONG.map(([action]) => action),
      (index) => ({ file: 'x', line: index + 1 }),
    );
    expect(errors.map((e) => [e.location.line, e.problem])).toEqual(WRONG.map(([, problem], i) => [i + 1, problem]));
  });
});
