import { validateAgainstSchema } from '../schema-validation';
import { parseSource } from '../yaml-source';
import { compileDeclarativeEc2, DECLARATIVE_EC2_SETTINGS_SCHEMA, Ec2DeclarativeSettings } from './declarative-policy';

function errorsOf(yaml: string): string[] {
  return validateAgainstSchema(parseSource(yaml, 'ec2.yaml'), DECLARATIVE_EC2_SETTINGS_SCHEMA).map((e) => e.message);
}

const FULL = `exceptionMessage: Blocked by the organization. See https://wiki.example.com/ec2-policy
instanceMetadataDefaults:
  httpTokens: required
  httpPutResponseHopLimit: 2
  httpEndpoint: enabled
  instanceMetadataTags: noPreference
imageBlockPublicAccess: blockNewSharing
snapshotBlockPublicAccess: blockAllSharing
serialConsoleAccess: disabled
vpcBlockPublicAccess:
  mode: blockIngress
  exclusionsAllowed: enabled
allowedImages:
  state: auditMode
  criteria:
    - providers: [amazon, '111122223333']
      maxDaysSinceCreated: 90
    - imageNames: [golden-*]
      marketplaceProductCodes: [abc123]
      maxDaysSinceDeprecated: 0
`;

describe('DECLARATIVE_EC2_SETTINGS_SCHEMA', () => {
  test('accepts every documented setting', () => {
    expect(errorsOf(FULL)).toEqual([]);
  });

  test('an unknown key at any level is an error at its line, listing the allowed keys', () => {
    expect(errorsOf('instanceMetadataDefaults:\n  httpToken: required\n')).toEqual([
      "ec2.yaml:2:3: unknown key 'httpToken' in 'instanceMetadataDefaults' (expected one of: httpTokens, httpPutResponseHopLimit, httpEndpoint, instanceMetadataTags)",
    ]);
    expect(errorsOf('allowedImages:\n  state: enabled\n  criteria:\n    - owners: [amazon]\n')).toEqual([
      "ec2.yaml:4:7: unknown key 'owners' in 'allowedImages.criteria.0' (expected one of: providers, imageNames, marketplaceProductCodes, maxDaysSinceCreated, maxDaysSinceDeprecated)",
    ]);
    expect(errorsOf('ebsEncryption: true\n')[0]).toMatch(/^ec2\.yaml:1:1: unknown key 'ebsEncryption' in the document/);
  });

  test('a bad enum value is an error at its location, listing the allowed values', () => {
    expect(errorsOf('snapshotBlockPublicAccess: block_all_sharing\n')).toEqual([
      `ec2.yaml:1:1: 'snapshotBlockPublicAccess' has value "block_all_sharing" (expected one of: blockAllSharing, blockNewSharing, unblocked)`,
    ]);
    expect(errorsOf('vpcBlockPublicAccess:\n  mode: blockEgress\n')).toEqual([
      `ec2.yaml:2:3: 'vpcBlockPublicAccess.mode' has value "blockEgress" (expected one of: off, blockIngress, blockBidirectional)`,
    ]);
  });

  test('ranges, patterns and required keys are checked', () => {
    expect(errorsOf('instanceMetadataDefaults:\n  httpPutResponseHopLimit: 65\n')).toEqual([
      "ec2.yaml:2:3: 'instanceMetadataDefaults.httpPutResponseHopLimit' must be <= 64",
    ]);
    expect(errorsOf("allowedImages:\n  state: enabled\n  criteria:\n    - providers: ['aws-marketplace']\n")[0]).toMatch(
      /^ec2\.yaml:4:19: 'allowedImages\.criteria\.0\.providers\.0' has value "aws-marketplace"/,
    );
    expect(errorsOf('vpcBlockPublicAccess:\n  exclusionsAllowed: enabled\n')).toEqual(["ec2.yaml:1:1: 'vpcBlockPublicAccess' is missing required key 'mode'"]);
    expect(errorsOf('{}')).toEqual(['ec2.yaml:1:1: the document must NOT have fewer than 1 properties']);
  });
});

describe('compileDeclarativeEc2', () => {
  test('compiles every setting to the AWS ec2_attributes syntax', () => {
    const settings = parseSource(FULL, 'ec2.yaml').value as Ec2DeclarativeSettings;
    expect(compileDeclarativeEc2(settings)).toEqual({
      ec2_attributes: {
        exception_message: { '@@assign': 'Blocked by the organization. See https://wiki.example.com/ec2-policy' },
        vpc_block_public_access: {
          internet_gateway_block: { mode: { '@@assign': 'block_ingress' }, exclusions_allowed: { '@@assign': 'enabled' } },
        },
        serial_console_access: { status: { '@@assign': 'disabled' } },
        image_block_public_access: { state: { '@@assign': 'block_new_sharing' } },
        allowed_images_settings: {
          state: { '@@assign': 'audit_mode' },
          image_criteria: {
            criteria_1: {
              allowed_image_providers: { '@@append': ['amazon', '111122223333'] },
              creation_date_condition: { maximum_days_since_created: { '@@assign': '90' } },
            },
            criteria_2: {
              image_names: { '@@append': ['golden-*'] },
              marketplace_product_codes: { '@@append': ['abc123'] },
              deprecation_time_condition: { maximum_days_since_deprecated: { '@@assign': '0' } },
            },
          },
        },
        instance_metadata_defaults: {
          http_tokens: { '@@assign': 'required' },
          http_put_response_hop_limit: { '@@assign': '2' },
          http_endpoint: { '@@assign': 'enabled' },
          instance_metadata_tags: { '@@assign': 'no_preference' },
        },
        snapshot_block_public_access: { state: { '@@assign': 'block_all_sharing' } },
      },
    });
  });

  test('only the settings given are written, so AWS leaves the others to the accounts', () => {
    expect(compileDeclarativeEc2({ instanceMetadataDefaults: { httpTokens: 'required', httpPutResponseHopLimit: -1 } })).toEqual({
      ec2_attributes: { instance_metadata_defaults: { http_tokens: { '@@assign': 'required' }, http_put_response_hop_limit: { '@@assign': '-1' } } },
    });
    expect(compileDeclarativeEc2({ vpcBlockPublicAccess: { mode: 'off' } })).toEqual({
      ec2_attributes: { vpc_block_public_access: { internet_gateway_block: { mode: { '@@assign': 'off' } } } },
    });
  });
});
