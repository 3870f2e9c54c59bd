import { validateActionList } from '../org/iam-validation';
import { iamActionProblem } from './iam-actions';

// The synchronous check must agree with iam-validation.ts (the async one the SCP loader uses) on every form
// budgets.yaml allows, so a budget's deny actions and an SCP's actions are judged alike.
const CASES = [
  'ec2:RunInstances',
  'EC2:runinstances',
  'bedrock:InvokeModel*',
  'sagemaker:Create*Job',
  'emr-serverless:StartJobRun',
  'ec2:RunInstance',
  'bedrock:Converse',
  'bedrok:InvokeModel',
  'glue:Nothing*Here',
  'ec2:',
  'RunInstances',
];

describe('iamActionProblem', () => {
  it.each(CASES)('agrees with iam-validation on %s', async (action) => {
    const async = await validateActionList([action], () => ({ file: 'x' }));
    const sync = iamActionProblem(action);
    expect(sync === undefined).toBe(async.length === 0);
    if (sync) expect(async[0].problem).toBe(sync.problem);
  });

  it('suggests the closest action', () => {
    expect(iamActionProblem('ec2:RunInstance')?.problem).toBe('unknown action ec2:RunInstance; did you mean ec2:RunInstances?');
  });
});
