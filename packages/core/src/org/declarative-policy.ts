/**
 * The EC2 declarative policy (DECLARATIVE_POLICY_EC2): friendly camelCase settings in, AWS `ec2_attributes`
 * JSON out. Every key and value below is the one documented in "Declarative policy syntax and examples":
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
 * (now also published as "EC2 policy syntax and examples",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ec2_syntax.html).
 */

export type Ec2NoPreference = 'noPreference';

export interface Ec2DeclarativeSettings {
  /** exception_message: the custom error message AWS returns when the policy denies an action. */
  readonly exceptionMessage?: string;
  readonly instanceMetadataDefaults?: {
    readonly httpTokens?: 'required' | 'optional' | Ec2NoPreference;
    /** -1 means no preference. */
    readonly httpPutResponseHopLimit?: number;
    readonly httpEndpoint?: 'enabled' | 'disabled' | Ec2NoPreference;
    readonly instanceMetadataTags?: 'enabled' | 'disabled' | Ec2NoPreference;
  };
  readonly imageBlockPublicAccess?: 'unblocked' | 'blockNewSharing';
  readonly snapshotBlockPublicAccess?: 'blockAllSharing' | 'blockNewSharing' | 'unblocked';
  readonly serialConsoleAccess?: 'enabled' | 'disabled';
  readonly vpcBlockPublicAccess?: {
    readonly mode: 'off' | 'blockIngress' | 'blockBidirectional';
    readonly exclusionsAllowed?: 'enabled' | 'disabled';
  };
  readonly allowedImages?: {
    readonly state: 'enabled' | 'disabled' | 'auditMode';
    /** criteria_1 .. criteria_10. */
    readonly criteria?: readonly AllowedImagesCriterion[];
  };
}

export interface AllowedImagesCriterion {
  /** 12-digit account IDs or the owner aliases amazon, aws_marketplace, aws_backup_vault. */
  readonly providers?: readonly string[];
  readonly imageNames?: readonly string[];
  readonly marketplaceProductCodes?: readonly string[];
  readonly maxDaysSinceCreated?: number;
  readonly maxDaysSinceDeprecated?: number;
}

const str = (values: readonly string[]) => ({ type: 'string', enum: values });
const noPreference = (...values: string[]) => str([...values, 'noPreference']);
const DAYS = { type: 'integer', minimum: 0, maximum: 2147483647 };

/** JSON schema of the `settings` object: closed at every level, enums for every value. */
export const DECLARATIVE_EC2_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    exceptionMessage: { type: 'string', minLength: 1 },
    instanceMetadataDefaults: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        httpTokens: noPreference('required', 'optional'),
        // "Integer value from -1 to 64 ... To indicate no preference, specify -1."
        httpPutResponseHopLimit: { type: 'integer', minimum: -1, maximum: 64 },
        httpEndpoint: noPreference('enabled', 'disabled'),
        instanceMetadataTags: noPreference('enabled', 'disabled'),
      },
    },
    imageBlockPublicAccess: str(['unblocked', 'blockNewSharing']),
    snapshotBlockPublicAccess: str(['blockAllSharing', 'blockNewSharing', 'unblocked']),
    serialConsoleAccess: str(['enabled', 'disabled']),
    vpcBlockPublicAccess: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: str(['off', 'blockIngress', 'blockBidirectional']),
        exclusionsAllowed: str(['enabled', 'disabled']),
      },
    },
    allowedImages: {
      type: 'object',
      additionalProperties: false,
      required: ['state'],
      properties: {
        state: str(['enabled', 'disabled', 'auditMode']),
        criteria: {
          type: 'array',
          minItems: 1,
          maxItems: 10,
          items: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              // The declarative policy page spells the aliases with underscores (the EC2 API uses hyphens).
              providers: {
                type: 'array',
                minItems: 1,
                maxItems: 200,
                uniqueItems: true,
                items: { type: 'string', pattern: '^([0-9]{12}|amazon|aws_marketplace|aws_backup_vault)$' },
              },
              imageNames: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 128 } },
              marketplaceProductCodes: {
                type: 'array',
                minItems: 1,
                maxItems: 50,
                uniqueItems: true,
                items: { type: 'string', pattern: '^[A-Za-z0-9]{1,25}$' },
              },
              maxDaysSinceCreated: DAYS,
              maxDaysSinceDeprecated: DAYS,
            },
          },
        },
      },
    },
  },
} as const;

type Assign = { '@@assign': string };
const assign = (value: string): Assign => ({ '@@assign': value });
/** Friendly values are the AWS values in camelCase: blockNewSharing -> block_new_sharing. */
const snake = (value: string) => value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
// The AWS examples write numbers as strings ("http_put_response_hop_limit": {"@@assign": "4"}).
const number = (value: number) => assign(String(value));

/**
 * The DECLARATIVE_POLICY_EC2 document for settings already validated against DECLARATIVE_EC2_SETTINGS_SCHEMA.
 * Attributes come out in the order of the AWS page; absent settings are left out, so AWS leaves them alone.
 */
export function compileDeclarativeEc2(settings: Ec2DeclarativeSettings): { ec2_attributes: Record<string, unknown> } {
  const a: Record<string, unknown> = {};
  if (settings.exceptionMessage !== undefined) a.exception_message = assign(settings.exceptionMessage);
  const vpc = settings.vpcBlockPublicAccess;
  if (vpc) {
    const block: Record<string, Assign> = { mode: assign(snake(vpc.mode)) };
    if (vpc.exclusionsAllowed) block.exclusions_allowed = assign(vpc.exclusionsAllowed);
    a.vpc_block_public_access = { internet_gateway_block: block };
  }
  if (settings.serialConsoleAccess) a.serial_console_access = { status: assign(settings.serialConsoleAccess) };
  if (settings.imageBlockPublicAccess) a.image_block_public_access = { state: assign(snake(settings.imageBlockPublicAccess)) };
  if (settings.allowedImages) a.allowed_images_settings = allowedImages(settings.allowedImages);
  const imds = settings.instanceMetadataDefaults;
  if (imds) {
    const defaults: Record<string, Assign> = {};
    if (imds.httpTokens) defaults.http_tokens = assign(snake(imds.httpTokens));
    if (imds.httpPutResponseHopLimit !== undefined) defaults.http_put_response_hop_limit = number(imds.httpPutResponseHopLimit);
    if (imds.httpEndpoint) defaults.http_endpoint = assign(snake(imds.httpEndpoint));
    if (imds.instanceMetadataTags) defaults.instance_metadata_tags = assign(snake(imds.instanceMetadataTags));
    a.instance_metadata_defaults = defaults;
  }
  if (settings.snapshotBlockPublicAccess) a.snapshot_block_public_access = { state: assign(snake(settings.snapshotBlockPublicAccess)) };
  return { ec2_attributes: a };
}

function allowedImages(settings: NonNullable<Ec2DeclarativeSettings['allowedImages']>): Record<string, unknown> {
  const out: Record<string, unknown> = { state: assign(snake(settings.state)) };
  if (settings.criteria) {
    const criteria: Record<string, unknown> = {};
    settings.criteria.forEach((c, i) => {
      // Lists use @@append, as in the AWS example: a child policy can add to them rather than replace them.
      const criterion: Record<string, unknown> = {};
      if (c.providers) criterion.allowed_image_providers = { '@@append': [...c.providers] };
      if (c.imageNames) criterion.image_names = { '@@append': [...c.imageNames] };
      if (c.marketplaceProductCodes) criterion.marketplace_product_codes = { '@@append': [...c.marketplaceProductCodes] };
      if (c.maxDaysSinceCreated !== undefined) criterion.creation_date_condition = { maximum_days_since_created: number(c.maxDaysSinceCreated) };
      if (c.maxDaysSinceDeprecated !== undefined) criterion.deprecation_time_condition = { maximum_days_since_deprecated: number(c.maxDaysSinceDeprecated) };
      criteria[`criteria_${i + 1}`] = criterion;
    });
    out.image_criteria = criteria;
  }
  return out;
}
