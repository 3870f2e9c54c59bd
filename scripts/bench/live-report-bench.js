#!/usr/bin/env node
// tarmac report --live at scale: the synthetic organization of report-bench.js (1,000 accounts x 300 controls),
// each account read through its reader role from AWS stubbed at the SDK client boundary (aws-sdk-client-mock),
// every call answered after LATENCY ms, with a share of calls throttled once. Prints, side by side on the same
// accounts, the collection one account at a time against the default bounded concurrency; then the whole
// organization, the comparison with the intended state and the report with its findings. Needs dist/.
// Usage: node scripts/bench/live-report-bench.js [accounts] [latency ms] [throttled share]
'use strict';
const path = require('path');
const { mockClient } = require('aws-sdk-client-mock');
const { AssumeRoleCommand, STSClient } = require('@aws-sdk/client-sts');
const { CloudFormationClient, DescribeTypeCommand, ListHookResultsCommand, GetHookResultCommand } = require('@aws-sdk/client-cloudformation');
const { ConfigServiceClient, DescribeConformancePackComplianceCommand, GetConformancePackComplianceDetailsCommand } = require('@aws-sdk/client-config-service');
const { SecurityHubClient, GetEnabledStandardsCommand } = require('@aws-sdk/client-securityhub');
const { synthetic, REGIONS } = require('./report-bench');

const ROOT = path.resolve(__dirname, '..', '..');
const dist = (m) => require(path.join(ROOT, 'packages/cli/dist', m));
const { buildReportModel } = dist('report/report-model');
const { RENDERERS } = dist('commands/report');
const { collectAccounts, DEFAULT_ACCOUNT_CONCURRENCY } = dist('report/live/collect-accounts');
const { createAccountClientFactory } = dist('report/live/account-clients');
const { accountDifferences } = dist('report/live/account-differences');

const ACCOUNTS = Number(process.argv[2] ?? 1000);
const LATENCY = Number(process.argv[3] ?? 5);
const THROTTLED = Number(process.argv[4] ?? 0.05);
const SIDE_BY_SIDE = Math.min(ACCOUNTS, 100);
const SINCE = new Date('2026-11-01T00:00:00Z');
const FSBP = 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0';
const CIS = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0';

/** A deterministic share of calls throttled once: the collector's retries are part of what is measured. */
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
let calls = 0;
let throttled = 0;
const answer =
  (fn, signed = true) =>
  async (input, getClient) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, LATENCY));
    if (random() < THROTTLED) {
      throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    }
    // The account a call is for, from the reader role's credentials (AssumeRole itself is the delegated admin's).
    const credentials = signed ? await getClient().config.credentials() : undefined;
    return fn(input, credentials ? credentials.accessKeyId.slice(4) : undefined);
  };

function stubAws() {
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake(
    answer((input) => {
      const account = /::(\d{12}):/.exec(input.RoleArn)[1];
      return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600e3) } };
    }, false),
  );
  const cfn = mockClient(CloudFormationClient);
  cfn
    .on(DescribeTypeCommand)
    .callsFake(answer((input, account) => ({ Arn: `arn:aws:cloudformation:eu-west-1:${account}:type/hook/${input.TypeName.replace(/::/g, '-')}` })));
  // One account in twenty has a WARN-mode failure to report, with its rules.
  cfn.on(ListHookResultsCommand).callsFake(
    answer((input, account) => ({
      HookResults:
        Number(account) % 20 === 0
          ? [
              {
                HookResultId: `r-${account}`,
                TypeName: 'Bench::Guard::Guardrails',
                Status: 'HOOK_COMPLETE_FAILED',
                FailureMode: 'WARN',
                InvokedAt: new Date('2026-11-20T00:00:00Z'),
                TargetType: 'STACK',
                TargetId: 'app',
              },
            ]
          : [],
    })),
  );
  cfn.on(GetHookResultCommand).callsFake(answer(() => ({ Annotations: [{ AnnotationName: 'lz_syn_2', Status: 'FAILED', StatusMessage: 'synthetic' }] })));
  const config = mockClient(ConfigServiceClient);
  config.on(DescribeConformancePackComplianceCommand).callsFake(answer(() => ({ ConformancePackRuleComplianceList: [] })));
  // Two non-compliant resources per account and region, on two pages.
  config.on(GetConformancePackComplianceDetailsCommand).callsFake(
    answer((input, account) => ({
      ConformancePackRuleEvaluationResults: [
        {
          ComplianceType: 'NON_COMPLIANT',
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ConfigRuleName: `tarmac-syn_rule_1-conformance-pack-x`,
              ResourceType: 'AWS::S3::Bucket',
              ResourceId: `b-${account}-${input.NextToken ?? 0}`,
            },
          },
        },
      ],
      ...(input.NextToken ? {} : { NextToken: '1' }),
    })),
  );
  const securityHub = mockClient(SecurityHubClient);
  securityHub.on(GetEnabledStandardsCommand).callsFake(
    answer(() => ({
      StandardsSubscriptions: [
        { StandardsArn: FSBP, StandardsStatus: 'READY' },
        { StandardsArn: CIS, StandardsStatus: 'READY' },
      ],
    })),
  );
  return { sts: new STSClient({ region: 'eu-west-1' }), restore: () => [sts, cfn, config, securityHub].forEach((s) => s.restore()) };
}

async function timed(fn) {
  const t = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - t) / 1e6];
}

async function main() {
  const sources = synthetic();
  const model = buildReportModel(sources);
  const accounts = model.accounts.slice(0, ACCOUNTS);
  const expectations = accounts.map((a) => ({
    id: a.id,
    name: a.name,
    regions: REGIONS,
    hookTypeNames: ['Bench::Guard::Guardrails', 'Bench::Guard::GuardrailsAdvisory'],
    conformancePack: `tarmac-${a.profile}`,
    securityHub: a.profile !== 'sandbox',
  }));
  const aws = stubAws();
  const retry = { attempts: 8, baseMs: LATENCY, maxMs: 50 * LATENCY, pollMs: 0, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
  const collect = (list, concurrency) => collectAccounts(list, { sts: aws.sts, clientsFor: createAccountClientFactory(), retry, since: SINCE, concurrency });

  console.log(
    `tarmac report --live: ${ACCOUNTS} accounts x ${REGIONS.length} regions, every call answered after ${LATENCY} ms, ${(THROTTLED * 100).toFixed(0)}% throttled once`,
  );
  const side = expectations.slice(0, SIDE_BY_SIDE);
  const [, oneMs] = await timed(() => collect(side, 1));
  const [, boundedMs] = await timed(() => collect(side, DEFAULT_ACCOUNT_CONCURRENCY));
  console.log(`  ${SIDE_BY_SIDE} accounts, one at a time:           ${oneMs.toFixed(0).padStart(7)} ms`);
  console.log(
    `  ${SIDE_BY_SIDE} accounts, ${DEFAULT_ACCOUNT_CONCURRENCY} at a time (default):   ${boundedMs.toFixed(0).padStart(7)} ms  (${(oneMs / boundedMs).toFixed(1)}x faster)`,
  );

  calls = 0;
  throttled = 0;
  const [live, allMs] = await timed(() => collect(expectations, DEFAULT_ACCOUNT_CONCURRENCY));
  const errors = live.reduce((n, a) => n + (a.error ? 1 : 0) + a.regions.reduce((m, r) => m + r.errors.length, 0), 0);
  if (errors) console.log(`  first read error: ${live.map((a) => a.error ?? a.regions.flatMap((r) => r.errors)[0]).find(Boolean)}`);
  console.log(
    `  ${ACCOUNTS} accounts, ${DEFAULT_ACCOUNT_CONCURRENCY} at a time: ${allMs.toFixed(0).padStart(7)} ms  (${calls.toLocaleString('en-US')} calls, ${throttled} throttled and retried, ${errors} read errors)`,
  );
  aws.restore();

  const ruleControls = () => [];
  const [findings, diffMs] = await timed(async () => accounts.flatMap((a, i) => accountDifferences(a, live[i], ruleControls).findings));
  const withLive = {
    ...model,
    live: {
      collectedAt: new Date().toISOString(),
      hookResultsSince: SINCE.toISOString(),
      findings,
      blocked: [],
      accounts: accounts.map((a) => ({ id: a.id, read: true, findings: 0, nonCompliant: 0 })),
    },
  };
  console.log(`  compared with the intended state: ${diffMs.toFixed(0).padStart(7)} ms  (${findings.length.toLocaleString('en-US')} findings)`);
  for (const [format, render] of Object.entries(RENDERERS)) {
    const [bytes, ms] = await timed(async () => {
      let n = 0;
      for (const chunk of render(withLive)) n += Buffer.byteLength(chunk);
      return n;
    });
    console.log(`  ${format.padEnd(8)} with findings:  ${ms.toFixed(0).padStart(7)} ms  ${(bytes / 1e6).toFixed(1).padStart(7)} MB`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
