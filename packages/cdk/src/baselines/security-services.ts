import * as detective from 'aws-cdk-lib/aws-detective';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as macie from 'aws-cdk-lib/aws-macie';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type { SecurityServices as SecurityServicesSettings } from '@tarmac/core/org';
import { Construct } from 'constructs';

export type FindingPublishingFrequency = 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';

export interface SecurityServicesProps extends SecurityServicesSettings {
  /** How often GuardDuty and Macie publish updated findings. @default FIFTEEN_MINUTES (the fastest; no extra cost) */
  readonly findingPublishingFrequency?: FindingPublishingFrequency;
}

/**
 * The security services CloudFormation can turn on in one account and region, each only when asked.
 *
 * What this cannot do, and needs the management account or a delegated administrator instead: auto-enable
 * for new accounts and central administration of GuardDuty, Security Hub, Macie and Detective (their
 * organization configuration APIs), Amazon Inspector (no CloudFormation resource enables it in an account),
 * and adding accounts as members of an administrator's Detective graph. A service the organization already
 * enables centrally must be off here: creating a detector, hub or Macie session where one exists fails.
 */
export class SecurityServices extends Construct {
  readonly guardDuty?: guardduty.CfnDetector;
  readonly securityHub?: securityhub.CfnHub;
  readonly macie?: macie.CfnSession;
  readonly detective?: detective.CfnGraph;

  constructor(scope: Construct, id: string, props: SecurityServicesProps) {
    super(scope, id);
    const frequency = props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES';
    if (props.guardDuty) this.guardDuty = new guardduty.CfnDetector(this, 'GuardDuty', { enable: true, findingPublishingFrequency: frequency });
    if (props.securityHub) {
      this.securityHub = new securityhub.CfnHub(this, 'SecurityHub', {
        // AWS Foundational Security Best Practices and CIS; new controls of enabled standards turn on by themselves.
        enableDefaultStandards: true,
        autoEnableControls: true,
        // One finding per control, not one per standard that contains it.
        controlFindingGenerator: 'SECURITY_CONTROL',
      });
    }
    if (props.macie) this.macie = new macie.CfnSession(this, 'Macie', { status: 'ENABLED', findingPublishingFrequency: frequency });
    // The account's own behavior graph: it becomes the graph's administrator (no organization auto-enable).
    if (props.detective) this.detective = new detective.CfnGraph(this, 'Detective', { autoEnableMembers: false });
  }
}
