import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { NetworkBaselineSettings } from '@tarmac/core/org';
import { NetworkBaseline } from './network-baseline';
import { networkSettingsProblems } from './network-settings';
import { NETWORK_PROD } from './__tests__/fixture';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

/** A plain app and environment-agnostic stack: the construct needs nothing of the platform's. */
function build(
  settings: Partial<NetworkBaselineSettings> = {},
  stackProps: StackProps = {},
): { template: Template; resources: Record<string, Resource>; json: Record<string, any> } {
  const stack = new Stack(new App(), 'Network', stackProps);
  new NetworkBaseline(stack, 'Baseline', { ...NETWORK_PROD, ...settings });
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  return { template, resources: json.Resources, json };
}

const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const subnetsOf = (resources: Record<string, Resource>, kind: 'Public' | 'Private') =>
  ofType(resources, 'AWS::EC2::Subnet').filter(([, r]) =>
    r.Properties.Tags.some((t: { Key: string; Value: string }) => t.Key === 'aws-cdk:subnet-name' && t.Value === kind),
  );

describe('the VPC', () => {
  test('gets its CIDR from the IPAM pool of the deployment region, through a mapping by AWS::Region', () => {
    const { resources, json } = build();
    const [[, vpc]] = ofType(resources, 'AWS::EC2::VPC');
    const mapping = vpc.Properties.Ipv4IpamPoolId['Fn::FindInMap'];
    expect(mapping.slice(1)).toEqual([{ Ref: 'AWS::Region' }, 'PoolId']);
    expect(json.Mappings[mapping[0]]).toEqual({
      'eu-central-1': { PoolId: 'ipam-pool-0f1e2d3c4b5a69788' },
      'eu-west-1': { PoolId: 'ipam-pool-0a1b2c3d4e5f60718' },
    });
    expect(vpc.Properties).toMatchObject({ Ipv4NetmaskLength: 22, EnableDnsHostnames: true, EnableDnsSupport: true });
    expect(vpc.Properties.CidrBlock).toBeUndefined();
  });

  test.each([2, 3, 6])('%i AZs: a public and a private subnet in each, by AZ index, with distinct CIDR blocks of the VPC', (azs) => {
    const { resources } = build({ availabilityZones: azs, vpcNetmaskLength: 20, subnetNetmaskLength: 24 });
    const all = ofType(resources, 'AWS::EC2::Subnet');
    expect(all).toHaveLength(2 * azs);
    const range = Array.from({ length: azs }, (_, i) => i);
    for (const kind of ['Public', 'Private'] as const) {
      const azIndexes = subnetsOf(resources, kind).map(([, s]) => s.Properties.AvailabilityZone['Fn::Select']);
      expect(azIndexes.map(([i]: [number]) => i).sort()).toEqual(range);
      expect(azIndexes.every(([, list]: [number, unknown]) => JSON.stringify(list) === '{"Fn::GetAZs":""}')).toBe(true);
    }
    const cidrs = all.map(([, s]) => s.Properties.CidrBlock['Fn::Select']);
    expect(new Set(cidrs.map(([i]: [number]) => i)).size).toBe(2 * azs);
    // 16 blocks of /24 in the /20 VPC, carved from the allocated CIDR.
    expect(
      cidrs.every(
        ([, cidr]: [number, any]) => JSON.stringify(cidr['Fn::Cidr'].slice(1)) === '[16,"8"]' && cidr['Fn::Cidr'][0]['Fn::GetAtt'][1] === 'CidrBlock',
      ),
    ).toBe(true);
  });

  test('no subnet assigns public IPs; the internet gateway is attached for the public subnets', () => {
    const { resources, template } = build();
    expect(ofType(resources, 'AWS::EC2::Subnet').map(([, s]) => s.Properties.MapPublicIpOnLaunch)).toEqual(Array(6).fill(false));
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 1);
  });

  test('no custom resource or Lambda (the default security group is not restricted by one)', () => {
    const { resources } = build();
    expect(
      Object.values(resources)
        .map((r) => r.Type)
        .filter((t) => /^(Custom::|AWS::Lambda::|AWS::CloudFormation::CustomResource)/.test(t)),
    ).toEqual([]);
  });

  test('outputs the VPC and subnet IDs, not exported', () => {
    const { json } = build();
    expect(Object.keys(json.Outputs).sort()).toEqual(['PrivateSubnetIds', 'PublicSubnetIds', 'VpcId']);
    expect(json.Outputs.VpcId.Value).toEqual({ Ref: expect.stringMatching(/^BaselineVpc/) });
    expect(json.Outputs.PrivateSubnetIds.Value['Fn::Join'][1]).toHaveLength(3);
    expect(Object.values(json.Outputs).some((o: any) => o.Export)).toBe(false);
  });
});

describe('NAT gateways', () => {
  /** The NAT gateway each private subnet's default route goes to (undefined: no default route). */
  function privateDefaultRoutes(resources: Record<string, Resource>): (string | undefined)[] {
    const routes = ofType(resources, 'AWS::EC2::Route').map(([, r]) => r.Properties);
    return subnetsOf(resources, 'Private').map(([id]) => {
      const association = ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation').find(([, a]) => a.Properties.SubnetId.Ref === id)![1];
      const route = routes.find((r) => r.RouteTableId.Ref === association.Properties.RouteTableId.Ref && r.DestinationCidrBlock === '0.0.0.0/0');
      return route?.NatGatewayId?.Ref;
    });
  }

  test('none: no NAT gateway and no Elastic IP; private subnets are isolated, with no default route', () => {
    const { resources, template } = build({ natGateways: 'none' });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(privateDefaultRoutes(resources)).toEqual([undefined, undefined, undefined]);
  });

  test('single: one NAT gateway every private subnet routes to', () => {
    const { resources, template } = build({ natGateways: 'single' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const targets = privateDefaultRoutes(resources);
    expect(targets).toHaveLength(3);
    expect(new Set(targets)).toEqual(new Set([ofType(resources, 'AWS::EC2::NatGateway')[0][0]]));
  });

  test('perAz: one NAT gateway per AZ, in the public subnets, each private subnet routing to its own', () => {
    const { resources, template } = build({ natGateways: 'perAz' });
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    const publicIds = subnetsOf(resources, 'Public').map(([id]) => id);
    expect(ofType(resources, 'AWS::EC2::NatGateway').every(([, n]) => publicIds.includes(n.Properties.SubnetId.Ref))).toBe(true);
    const targets = privateDefaultRoutes(resources);
    expect(new Set(targets).size).toBe(3);
    expect(targets.every((t) => t !== undefined)).toBe(true);
  });
});

describe('flow logs', () => {
  test('of the whole VPC, with the traffic type, to the S3 bucket as Parquet, after the bucket policy exists', () => {
    const { resources } = build({ flowLogs: { retentionDays: 90, trafficType: 'REJECT' } });
    const [[, flowLog]] = ofType(resources, 'AWS::EC2::FlowLog');
    const [[bucketId, bucket]] = ofType(resources, 'AWS::S3::Bucket');
    const [[policyId, policy]] = ofType(resources, 'AWS::S3::BucketPolicy');
    expect(flowLog.Properties).toMatchObject({
      ResourceType: 'VPC',
      ResourceId: { Ref: ofType(resources, 'AWS::EC2::VPC')[0][0] },
      TrafficType: 'REJECT',
      LogDestinationType: 's3',
      LogDestination: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      DestinationOptions: { FileFormat: 'parquet', HiveCompatiblePartitions: false, PerHourPartition: false },
    });
    expect(flowLog.Properties.DeliverLogsPermissionArn).toBeUndefined(); // no IAM role
    expect(flowLog.DependsOn).toContain(policyId);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Id: 'ExpireFlowLogs', Prefix: 'AWSLogs/', ExpirationInDays: 90 }),
    );
    const sids = policy.Properties.PolicyDocument.Statement.map((s: { Sid?: string }) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['AWSLogDeliveryWrite', 'AWSLogDeliveryAclCheck', 'S3ServerAccessLogs']));
  });

  test('the bucket is KMS-encrypted with a rotating key log delivery may use for this account only', () => {
    const { resources } = build();
    const [[keyId, key]] = ofType(resources, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const delivery = key.Properties.KeyPolicy.Statement.find((s: { Sid: string }) => s.Sid === 'LogDeliveryEncryptsFlowLogs');
    expect(delivery).toMatchObject({
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const [[, bucket]] = ofType(resources, 'AWS::S3::Bucket');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({ LogFilePrefix: 'access-logs/' });
  });
});

describe('endpoints', () => {
  const serviceOf = (r: Resource) => r.Properties.ServiceName['Fn::Join'][1];

  test('interface endpoints for each service, private DNS, in the private subnets, behind one security group', () => {
    const { resources } = build();
    const endpoints = ofType(resources, 'AWS::EC2::VPCEndpoint')
      .filter(([, r]) => r.Properties.VpcEndpointType === 'Interface')
      .map(([, r]) => r);
    expect(endpoints.map(serviceOf)).toEqual(['ssm', 'ssmmessages', 'ec2messages'].map((s) => ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${s}`]));
    const privateIds = subnetsOf(resources, 'Private').map(([id]) => ({ Ref: id }));
    const [[sgId]] = ofType(resources, 'AWS::EC2::SecurityGroup');
    for (const e of endpoints) {
      expect(e.Properties.PrivateDnsEnabled).toBe(true);
      expect(e.Properties.SubnetIds).toEqual(privateIds);
      expect(e.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    }
  });

  test('the security group lets in HTTPS from the VPC CIDR only, and nothing out', () => {
    const { resources } = build();
    const groups = ofType(resources, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(1);
    const vpcId = ofType(resources, 'AWS::EC2::VPC')[0][0];
    const { SecurityGroupIngress, SecurityGroupEgress } = groups[0][1].Properties;
    expect(SecurityGroupIngress).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { 'Fn::GetAtt': [vpcId, 'CidrBlock'] }, Description: 'HTTPS from the VPC' },
    ]);
    expect(SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(ofType(resources, 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });

  test('gateway endpoints for S3 and DynamoDB on the private route tables', () => {
    const { resources } = build();
    const gateways = ofType(resources, 'AWS::EC2::VPCEndpoint')
      .filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway')
      .map(([, r]) => r);
    expect(gateways.map((g) => serviceOf(g)[2])).toEqual(['.s3', '.dynamodb']);
    const privateTables = ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, a]) => subnetsOf(resources, 'Private').some(([id]) => id === a.Properties.SubnetId.Ref))
      .map(([, a]) => a.Properties.RouteTableId);
    for (const g of gateways) expect(g.Properties.RouteTableIds).toEqual(privateTables);
  });

  test('none asked for: no endpoint', () => {
    const { template } = build({ interfaceEndpoints: [], gatewayEndpoints: [] });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

describe('impossible settings are refused', () => {
  test.each<[string, Partial<NetworkBaselineSettings>, RegExp]>([
    ['one AZ', { availabilityZones: 1 }, /availabilityZones is 1; expected a whole number from 2 to 6/],
    ['seven AZs', { availabilityZones: 7 }, /availabilityZones is 7/],
    ['a fraction of an AZ', { availabilityZones: 2.5 }, /availabilityZones is 2.5/],
    [
      'subnets that do not fit',
      { vpcNetmaskLength: 24, subnetNetmaskLength: 26, availabilityZones: 3 },
      /6 subnets of \/26 .* do not fit in a \/24 VPC, which holds 4/,
    ],
    ['subnets larger than the VPC', { vpcNetmaskLength: 24, subnetNetmaskLength: 22 }, /do not fit in a \/24 VPC/],
    ['a VPC larger than EC2 allows', { vpcNetmaskLength: 12 }, /vpcNetmaskLength is 12; EC2 takes \/16 to \/28/],
    [
      'a pool smaller than one VPC',
      { ipamPools: [{ ...NETWORK_PROD.ipamPools[0], cidr: '10.0.0.0/24' }] },
      /IPAM pool ipam-pool-0a1b2c3d4e5f60718 \(10.0.0.0\/24\) is smaller than one \/22 VPC/,
    ],
    [
      'two pools for a region',
      { ipamPools: [NETWORK_PROD.ipamPools[0], { ...NETWORK_PROD.ipamPools[1], region: 'eu-west-1' }] },
      /two IPAM pools for eu-west-1/,
    ],
    ['a pool ID that is not one', { ipamPools: [{ ...NETWORK_PROD.ipamPools[0], id: 'pool-1' }] }, /'pool-1' is not an IPAM pool ID/],
    ['no pool', { ipamPools: [] }, /ipamPools is empty/],
    ['a gateway endpoint AWS does not offer', { gatewayEndpoints: ['sqs'] }, /'sqs' has no gateway endpoint; expected one of dynamodb, s3/],
    ['no flow log retention', { flowLogs: { retentionDays: 0, trafficType: 'ALL' } }, /flowLogs.retentionDays is 0/],
  ])('%s', (_, settings, message) => {
    expect(() => build(settings)).toThrow(message);
  });

  test('every problem at once, in one error', () => {
    expect(networkSettingsProblems({ ...NETWORK_PROD, availabilityZones: 9, gatewayEndpoints: ['s3', 's3'] })).toEqual([
      'availabilityZones is 9; expected a whole number from 2 to 6',
      'gatewayEndpoints names a service twice',
    ]);
  });

  test('a stack whose region has no pool', () => {
    expect(() => build({}, { env: { region: 'us-east-1' } })).toThrow(/the stack's region us-east-1 has no IPAM pool; pools: eu-west-1, eu-central-1/);
  });

  test('but a stack in a region with a pool builds, still through the mapping', () => {
    const { resources, json } = build({}, { env: { region: 'eu-central-1', account: '666666666666' } });
    const poolId = ofType(resources, 'AWS::EC2::VPC')[0][1].Properties.Ipv4IpamPoolId;
    // Not the region's pool ID inlined: the same template deploys to every region of the stack set.
    expect(poolId).toEqual({ 'Fn::FindInMap': ['BaselineIpamPoolsBB3C63DF', { Ref: 'AWS::Region' }, 'PoolId'] });
    expect(json.Mappings.BaselineIpamPoolsBB3C63DF).toEqual({
      'eu-central-1': { PoolId: 'ipam-pool-0f1e2d3c4b5a69788' },
      'eu-west-1': { PoolId: 'ipam-pool-0a1b2c3d4e5f60718' },
    });
    expect(ofType(resources, 'AWS::EC2::Subnet')).toHaveLength(6);
  });
});
