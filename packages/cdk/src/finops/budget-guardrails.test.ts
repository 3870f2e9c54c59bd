import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Budget, NotificationTargets } from '@tarmac/core/org';
import { platformApp } from '../stacksets/platform-stack';
import { BudgetGuardrails, BudgetGuardrailsProps } from './budget-guardrails';
import { CostAlertTopics } from './cost-alert-topics';
import { BUDGETS, DEV_OU, MANAGEMENT, NOTIFICATIONS, ORGANIZATION_ID, SANDBOX_ACCOUNT } from './__tests__/fixture';

const byName = (name: string) => BUDGETS.find((b) => b.name === name)!;
const DATA_PLATFORM = byName('team-data-platform');
const ML_PLATFORM = byName('team-ml-platform');
const CHURN = byName('project-churn-model');

interface Built {
  readonly template: Template;
  readonly guardrails: BudgetGuardrails;
  readonly stack: Stack;
}

function build(props: Partial<BudgetGuardrailsProps> & { notifications?: NotificationTargets } = {}): Built {
  const stack = new Stack(platformApp(), 'Billing', { env: { account: MANAGEMENT, region: 'us-east-1' } });
  const notifications = props.notifications ?? NOTIFICATIONS;
  const topics = new CostAlertTopics(stack, 'Topics', { topics: notifications.topics });
  const guardrails = new BudgetGuardrails(stack, 'Budgets', { budgets: BUDGETS, notifications, topics, organizationId: ORGANIZATION_ID, ...props });
  return { template: Template.fromStack(stack), guardrails, stack };
}

/** The budgets with one budget replaced by an edited copy. */
function edited(name: string, edit: (b: Budget) => Budget): Budget[] {
  return BUDGETS.map((b) => (b.name === name ? edit(b) : b));
}

const topicRef = { Ref: Match.stringLikeRegexp('^TopicsCostAlerts') };

describe('BudgetGuardrails', () => {
  let built: Built;
  beforeAll(() => {
    built = build();
  });

  test('one monthly cost budget tarmac-<name> per budget, limited to the amount and scoped to its cost allocation tag', () => {
    built.template.resourceCountIs('AWS::Budgets::Budget', BUDGETS.length);
    built.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: 'tarmac-team-data-platform',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 5000, Unit: 'USD' },
        CostFilters: { TagKeyValue: ['user:team$data-platform'] },
      },
    });
    built.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetName: 'tarmac-project-fraud-detection',
        BudgetLimit: { Amount: 3000, Unit: 'EUR' },
        CostFilters: { TagKeyValue: ['user:project$fraud-detection'] },
      }),
    });
  });

  test('the soft guardrail: actual and forecast percentages, to the topic and the e-mail addresses the budget names', () => {
    built.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetName: 'tarmac-team-ml-platform' }),
      NotificationsWithSubscribers: [
        {
          Notification: {
            NotificationType: 'ACTUAL',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: ML_PLATFORM.soft.actualPercent,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: [
            { SubscriptionType: 'SNS', Address: topicRef },
            { SubscriptionType: 'EMAIL', Address: 'finance@example.com' },
          ],
        },
        {
          Notification: {
            NotificationType: 'FORECASTED',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: ML_PLATFORM.soft.forecastPercent,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: [
            { SubscriptionType: 'SNS', Address: topicRef },
            { SubscriptionType: 'EMAIL', Address: 'finance@example.com' },
          ],
        },
      ],
    });
    built.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetName: 'tarmac-project-customer-360' }),
      NotificationsWithSubscribers: Match.arrayWith([Match.objectLike({ Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'finance@example.com' }] })]),
    });
  });

  test("a hard guardrail's SCP reaches an unattached Organizations policy, exactly as built", () => {
    built.template.resourceCountIs('AWS::Organizations::Policy', 2);
    built.template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'TarmacBudget-team-data-platform',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: DATA_PLATFORM.hard!.policy,
      TargetIds: Match.absent(),
    });
  });

  test('the action: APPLY_SCP_POLICY of that policy to the targets at the threshold of actual spend, with its approval model', () => {
    built.template.resourceCountIs('AWS::Budgets::BudgetsAction', 2);
    const actions = built.template.findResources('AWS::Budgets::BudgetsAction', { Properties: { BudgetName: 'tarmac-team-data-platform' } });
    const [[logicalId, action]] = Object.entries(actions);
    expect(action.Properties).toEqual({
      BudgetName: 'tarmac-team-data-platform',
      ActionType: 'APPLY_SCP_POLICY',
      ActionThreshold: { Type: 'PERCENTAGE', Value: 100 },
      NotificationType: 'ACTUAL',
      ApprovalModel: 'MANUAL',
      ExecutionRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^BudgetsTeamDataPlatformActionRole/), 'Arn'] },
      Definition: {
        ScpActionDefinition: { PolicyId: { 'Fn::GetAtt': [expect.stringMatching(/^BudgetsTeamDataPlatformStopPolicy/), 'Id'] }, TargetIds: [DEV_OU] },
      },
      Subscribers: [
        { Type: 'SNS', Address: { Ref: expect.stringMatching(/^TopicsCostAlerts/) } },
        { Type: 'EMAIL', Address: 'data-platform-leads@example.com' },
      ],
    });
    // The budget is created first: BudgetName is its plain name.
    expect(action.DependsOn).toEqual([expect.stringMatching(/^BudgetsTeamDataPlatform[0-9A-F]{8}$/)]);
    expect(logicalId).toMatch(/^BudgetsTeamDataPlatformStop/);
    built.template.hasResourceProperties('AWS::Budgets::BudgetsAction', {
      BudgetName: 'tarmac-project-churn-model',
      ApprovalModel: 'AUTOMATIC',
      ActionThreshold: { Type: 'PERCENTAGE', Value: CHURN.hard!.thresholdPercent },
      Definition: { ScpActionDefinition: { PolicyId: Match.anyValue(), TargetIds: [SANDBOX_ACCOUNT] } },
    });
  });

  test('the action role: only Budgets of this account assumes it, and it attaches and detaches only its SCP to and from its targets', () => {
    built.template.resourceCountIs('AWS::IAM::Role', 2);
    built.template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'budgets.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': MANAGEMENT } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'AttachStopPolicy',
          PolicyDocument: {
            Statement: [
              {
                Sid: 'AttachAndDetachTheStopPolicy',
                Effect: 'Allow',
                Action: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
                // (CDK's minimized policies list literal ARNs first.)
                Resource: [
                  `arn:aws:organizations::${MANAGEMENT}:ou/${ORGANIZATION_ID}/${DEV_OU}`,
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^BudgetsTeamDataPlatformStopPolicy'), 'Arn'] },
                ],
                Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } },
              },
            ],
          },
        },
      ],
    });
    built.template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        Match.objectLike({
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Resource: [
                  `arn:aws:organizations::${MANAGEMENT}:account/${ORGANIZATION_ID}/${SANDBOX_ACCOUNT}`,
                  { 'Fn::GetAtt': [Match.stringLikeRegexp('^BudgetsProjectChurnModelStopPolicy'), 'Arn'] },
                ],
              }),
            ],
          },
        }),
      ],
    });
  });

  test('by default the roles carry a boundary of the same reach, so nothing attached later widens them (LZ.IAM.2)', () => {
    built.template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const roles = Object.values(built.template.findResources('AWS::IAM::Role'));
    expect(roles.map((r) => r.Properties.PermissionsBoundary)).toEqual([
      { Ref: expect.stringMatching(/^BudgetsActionRoleBoundary/) },
      { Ref: expect.stringMatching(/^BudgetsActionRoleBoundary/) },
    ]);
    built.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'BudgetActionsAttachTheirStopPolicies',
            Effect: 'Allow',
            Action: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
            Resource: [
              `arn:aws:organizations::${MANAGEMENT}:account/${ORGANIZATION_ID}/${SANDBOX_ACCOUNT}`,
              `arn:aws:organizations::${MANAGEMENT}:ou/${ORGANIZATION_ID}/${DEV_OU}`,
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^BudgetsProjectChurnModelStopPolicy'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^BudgetsTeamDataPlatformStopPolicy'), 'Arn'] },
            ],
            Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } },
          },
        ],
      },
    });
  });

  test('a given boundary is used instead, and none is created', () => {
    const arn = `arn:aws:iam::${MANAGEMENT}:policy/tarmac/BillingBoundary`;
    const stack = new Stack(platformApp(), 'Billing', { env: { account: MANAGEMENT, region: 'us-east-1' } });
    const topics = new CostAlertTopics(stack, 'Topics', { topics: NOTIFICATIONS.topics });
    const guardrails = new BudgetGuardrails(stack, 'Budgets', {
      budgets: BUDGETS,
      notifications: NOTIFICATIONS,
      topics,
      organizationId: ORGANIZATION_ID,
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', arn),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.allResourcesProperties('AWS::IAM::Role', { PermissionsBoundary: arn });
    expect(guardrails.boundary).toBeUndefined();
  });

  test('no hard guardrail: no policy, role, action or boundary, and no organization ID needed', () => {
    const soft = BUDGETS.filter((b) => !b.hard);
    const stack = new Stack(platformApp(), 'Billing', { env: { account: MANAGEMENT, region: 'us-east-1' } });
    const topics = new CostAlertTopics(stack, 'Topics', { topics: NOTIFICATIONS.topics });
    new BudgetGuardrails(stack, 'Budgets', { budgets: soft, notifications: NOTIFICATIONS, topics });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Budgets::Budget', soft.length);
    for (const type of ['AWS::Organizations::Policy', 'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy', 'AWS::Budgets::BudgetsAction'])
      template.resourceCountIs(type, 0);
  });

  test('exposes each budget and each stop by budget name', () => {
    expect([...built.guardrails.budgets.keys()].sort()).toEqual(BUDGETS.map((b) => b.name).sort());
    expect([...built.guardrails.stops.keys()].sort()).toEqual(['project-churn-model', 'team-data-platform']);
  });

  describe('refuses what would not deploy or not work', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'an amount that is not positive',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, amount: 0 })) }),
        /budget 'team-ml-platform' \(line 32\): amount must be a positive number, not 0/,
      ],
      ['a negative amount', () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, amount: -5 })) }), /amount must be a positive number, not -5/],
      [
        'an unknown notification target',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, notify: ['financ'] })) }),
        /budget 'team-ml-platform' \(line 32\): unknown notification target 'financ'; did you mean 'finance'\?/,
      ],
      [
        'two topics on one notification',
        () =>
          build({
            notifications: { ...NOTIFICATIONS, topics: [...NOTIFICATIONS.topics, { name: 'chat', description: '' }] },
            budgets: edited('team-ml-platform', (b) => ({ ...b, notify: ['cost-alerts', 'chat'] })),
          }),
        /notifies 2 topics and 0 e-mail addresses; AWS Budgets allows one SNS topic and 10 e-mail addresses/,
      ],
      [
        'eleven e-mail addresses',
        () => {
          const emails = Array.from({ length: 11 }, (_, i) => ({ name: `e${i}`, address: `e${i}@example.com` }));
          return build({
            notifications: { ...NOTIFICATIONS, emails },
            budgets: edited('team-ml-platform', (b) => ({ ...b, notify: emails.map((e) => e.name) })).filter((b) => b.name === 'team-ml-platform'),
          });
        },
        /notifies 0 topics and 11 e-mail addresses/,
      ],
      [
        'a target listed twice',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, notify: ['finance', 'finance'] })) }),
        /notify lists 'finance' more than once/,
      ],
      ['no target', () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, notify: [] })) }), /notify lists no target/],
      [
        'a currency that is not ISO 4217',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, currency: 'usd' })) }),
        /currency must be an ISO 4217 code/,
      ],
      [
        'a soft percentage that is not positive',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, soft: { ...b.soft, forecastPercent: 0 } })) }),
        /soft.forecastPercent must be a positive percentage, not 0/,
      ],
      ['a duplicate budget name', () => build({ budgets: [...BUDGETS, ML_PLATFORM] }), /budget names must be unique; 'team-ml-platform' appear/],
      [
        'a name Budgets refuses',
        () => build({ budgets: edited('team-ml-platform', (b) => ({ ...b, name: 'team:ml' })) }),
        /the budget name tarmac-team:ml must not contain ':'/,
      ],
      [
        'a stop on the organization root',
        () => build({ budgets: edited('team-data-platform', (b) => ({ ...b, hard: { ...b.hard!, targetIds: ['r-a1b2'] } })) }),
        /budget 'team-data-platform' \(line 20\): the hard guardrail targets the organization root r-a1b2/,
      ],
      [
        'a target that is no account or OU',
        () => build({ budgets: edited('team-data-platform', (b) => ({ ...b, hard: { ...b.hard!, targetIds: ['Workloads/Dev'] } })) }),
        /target 'Workloads\/Dev' is neither an account ID/,
      ],
      [
        'a stop with no target',
        () => build({ budgets: edited('team-data-platform', (b) => ({ ...b, hard: { ...b.hard!, targetIds: [] } })) }),
        /has no target/,
      ],
      [
        'a stop policy named tarmac-*',
        () => build({ budgets: edited('team-data-platform', (b) => ({ ...b, hard: { ...b.hard!, policyName: 'tarmac-budget-data' } })) }),
        /starts with 'tarmac-', which tarmac deploy's organization policy reconciler owns/,
      ],
      [
        'a threshold that is not positive',
        () => build({ budgets: edited('team-data-platform', (b) => ({ ...b, hard: { ...b.hard!, thresholdPercent: 0 } })) }),
        /hard.thresholdPercent must be a positive percentage/,
      ],
      ['a stop without the organization ID', () => build({ organizationId: undefined }), /a hard guardrail needs organizationId/],
      ['a malformed organization ID', () => build({ organizationId: 'a1b2c3d4e5' }), /organizationId 'a1b2c3d4e5' is not an organization ID/],
      [
        'the same stop policy name twice',
        () => build({ budgets: edited('project-churn-model', (b) => ({ ...b, hard: { ...b.hard!, policyName: DATA_PLATFORM.hard!.policyName } })) }),
        /stop policy names must be unique/,
      ],
    ];
    test.each(cases)('%s', (_, run, message) => {
      expect(run).toThrow(message);
    });
  });
});
