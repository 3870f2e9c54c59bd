import { Aws, CfnMapping, CfnOutput, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { NetworkBaselineSettings } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { FlowLogBucket } from './flow-log-bucket';
import { networkSettingsProblems } from './network-settings';

export type NetworkBaselineProps = NetworkBaselineSettings;

/**
 * A member account's VPC (policies/baselines/network.yaml, one profile), in a template deployed to each of its
 * regions: the CIDR is allocated from the organization's IPAM pool of the region, so no two VPCs overlap
 * however many accounts there are; a public and a private subnet in each AZ (public ones never assign public
 * IPs); NAT gateways none, single or one per AZ; flow logs to S3; interface endpoints (SSM, so instances need
 * no bastion and no open port) and gateway endpoints in the private subnets.
 *
 * Environment-agnostic: the AZs are Fn::GetAZs of the deployment region, picked by index, and the pool comes
 * from a mapping by AWS::Region. The default security group is left as EC2 creates it: the CDK's
 * restrictDefaultSecurityGroup needs a Lambda-backed custom resource, which platform templates do not carry.
 *
 * Flow logs go to an S3 bucket of the account and region, not to CloudWatch Logs: S3 delivery needs no IAM
 * role (so nothing to put a permissions boundary on, and no wait for the account baseline that creates it),
 * costs less per GB at ALL-traffic volumes, and Parquet files can be queried with Athena.
 *
 * Outputs VpcId, PublicSubnetIds and PrivateSubnetIds (comma-separated, AZ order) under those logical IDs, not
 * exported, so one NetworkBaseline per stack.
 */
export class NetworkBaseline extends Construct {
  readonly vpc: ec2.Vpc;
  readonly publicSubnets: ec2.ISubnet[];
  /** With NAT gateways, private subnets route to them; without, they are isolated. */
  readonly privateSubnets: ec2.ISubnet[];
  readonly ipamPools: CfnMapping;
  readonly flowLogBucket: FlowLogBucket;
  readonly flowLog: ec2.CfnFlowLog;
  /** Allows HTTPS from the VPC's CIDR to the interface endpoints, nothing else. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};
  readonly gatewayEndpoints: Record<string, ec2.GatewayVpcEndpoint> = {};

  constructor(scope: Construct, id: string, props: NetworkBaselineProps) {
    super(scope, id);
    const problems = networkSettingsProblems(props);
    if (problems.length) throw new Error(`${this.node.path}: the network baseline cannot be built:\n  ${problems.join('\n  ')}`);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && !props.ipamPools.some((p) => p.region === stack.region)) {
      throw new Error(`${this.node.path}: the stack's region ${stack.region} has no IPAM pool; pools: ${props.ipamPools.map((p) => p.region).join(', ')}`);
    }

    const pools: Record<string, Record<string, string>> = {};
    for (const pool of [...props.ipamPools].sort((a, b) => a.region.localeCompare(b.region))) pools[pool.region] = { PoolId: pool.id };
    this.ipamPools = new CfnMapping(this, 'IpamPools', { mapping: pools });

    const isolated = props.natGateways === 'none';
    const azs = Array.from({ length: props.availabilityZones }, (_, i) => Fn.select(i, Fn.getAzs()));
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.awsIpamAllocation({
        ipv4IpamPoolId: this.ipamPools.findInMap(Aws.REGION, 'PoolId'),
        ipv4NetmaskLength: props.vpcNetmaskLength,
        defaultSubnetIpv4NetmaskLength: props.subnetNetmaskLength,
      }),
      availabilityZones: azs,
      subnetConfiguration: [
        // Public subnets hold NAT gateways and load balancers; nothing gets a public IP by default.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: isolated ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      natGateways: { none: 0, single: 1, perAz: props.availabilityZones }[props.natGateways],
      natGatewaySubnets: { subnetType: ec2.SubnetType.PUBLIC },
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: false,
    });
    this.publicSubnets = this.vpc.publicSubnets;
    this.privateSubnets = isolated ? this.vpc.isolatedSubnets : this.vpc.privateSubnets;

    this.flowLogBucket = new FlowLogBucket(this, 'FlowLogs', { retentionDays: props.flowLogs.retentionDays });
    this.flowLog = new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceType: 'VPC',
      resourceId: this.vpc.vpcId,
      trafficType: props.flowLogs.trafficType,
      logDestinationType: 's3',
      logDestination: this.flowLogBucket.bucket.bucketArn,
      destinationOptions: { FileFormat: 'parquet', HiveCompatiblePartitions: false, PerHourPartition: false },
      maxAggregationInterval: 600,
    });
    // Log delivery finds the bucket policy in place; otherwise it would write one of its own.
    if (this.flowLogBucket.bucket.policy) this.flowLog.node.addDependency(this.flowLogBucket.bucket.policy);

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Tarmac network baseline: HTTPS from the VPC to the interface endpoints',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
    Validations.of(this.endpointSecurityGroup).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason: "The only ingress source is the VPC's own CIDR (Fn::GetAtt of the IPAM-allocated block), which cdk-nag cannot evaluate and is never 0.0.0.0/0",
    });
    for (const service of props.interfaceEndpoints) {
      this.interfaceEndpoints[service] = this.vpc.addInterfaceEndpoint(`Endpoint-${service}`, {
        service: new ec2.InterfaceVpcEndpointAwsService(service),
        privateDnsEnabled: true,
        subnets: { subnets: this.privateSubnets },
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      });
    }
    for (const service of props.gatewayEndpoints) {
      this.gatewayEndpoints[service] = this.vpc.addGatewayEndpoint(`Endpoint-${service}`, {
        service: new ec2.GatewayVpcEndpointAwsService(service),
        subnets: [{ subnets: this.privateSubnets }],
      });
    }

    new CfnOutput(this, 'VpcId', { value: this.vpc.vpcId, description: 'The baseline VPC' }).overrideLogicalId('VpcId');
    new CfnOutput(this, 'PublicSubnetIds', {
      value: Fn.join(
        ',',
        this.publicSubnets.map((s) => s.subnetId),
      ),
      description: 'Public subnets, one per AZ, in AZ order',
    }).overrideLogicalId('PublicSubnetIds');
    new CfnOutput(this, 'PrivateSubnetIds', {
      value: Fn.join(
        ',',
        this.privateSubnets.map((s) => s.subnetId),
      ),
      description: 'Private subnets, one per AZ, in AZ order',
    }).overrideLogicalId('PrivateSubnetIds');
  }
}
