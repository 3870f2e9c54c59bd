import { NotExpanded } from './model';
import { Dict, Path, clone, dict, get, isIntrinsic, isObject } from './values';

/**
 * The Globals section: properties SAM copies into every resource of a type before translating it
 * (SAM documentation, "Globals section of the AWS SAM template"). A local value overrides a global scalar,
 * maps are merged key by key (recursively), lists are concatenated (global items first). Intrinsic
 * functions count as scalars.
 */
const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  'AWS::Serverless::Function': [
    'Architectures',
    'AssumeRolePolicyDocument',
    'AutoPublishAlias',
    'AutoPublishAliasAllProperties',
    'CapacityProviderConfig',
    'CodeUri',
    'DeadLetterQueue',
    'DeploymentPreference',
    'Description',
    'DurableConfig',
    'Environment',
    'EphemeralStorage',
    'EventInvokeConfig',
    'FileSystemConfigs',
    'FunctionScalingConfig',
    'FunctionUrlConfig',
    'Handler',
    'KmsKeyArn',
    'Layers',
    'LoggingConfig',
    'MemorySize',
    'PermissionsBoundary',
    'PropagateTags',
    'ProvisionedConcurrencyConfig',
    'RecursiveLoop',
    'ReservedConcurrentExecutions',
    'RolePath',
    'Runtime',
    'RuntimeManagementConfig',
    'SnapStart',
    'SourceKMSKeyArn',
    'Tags',
    'TenancyConfig',
    'Timeout',
    'Tracing',
    'VpcConfig',
  ],
  'AWS::Serverless::Api': [
    'AccessLogSetting',
    'AlwaysDeploy',
    'Auth',
    'BinaryMediaTypes',
    'CacheClusterEnabled',
    'CacheClusterSize',
    'CanarySetting',
    'Cors',
    'DefinitionUri',
    'Domain',
    'EndpointConfiguration',
    'GatewayResponses',
    'MethodSettings',
    'MinimumCompressionSize',
    'Name',
    'OpenApiVersion',
    'PropagateTags',
    'SecurityPolicy',
    'EndpointAccessMode',
    'TracingEnabled',
    'Variables',
  ],
  'AWS::Serverless::HttpApi': [
    'AccessLogSettings',
    'Auth',
    'CorsConfiguration',
    'DefaultRouteSettings',
    'DisableExecuteApiEndpoint',
    'Domain',
    'FailOnWarnings',
    'PropagateTags',
    'RouteSettings',
    'StageVariables',
    'Tags',
  ],
  'AWS::Serverless::SimpleTable': ['SSESpecification'],
  'AWS::Serverless::StateMachine': ['PropagateTags'],
  'AWS::Serverless::LayerVersion': ['PropagateTags'],
  // Types Tarmac does not expand: their resources are reported whole, whatever their globals.
  'AWS::Serverless::WebSocketApi': [],
  'AWS::Serverless::CapacityProvider': [],
};

const SECTION_TYPE: Readonly<Record<string, string>> = {
  Function: 'AWS::Serverless::Function',
  Api: 'AWS::Serverless::Api',
  HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable',
  StateMachine: 'AWS::Serverless::StateMachine',
  LayerVersion: 'AWS::Serverless::LayerVersion',
  WebSocketApi: 'AWS::Serverless::WebSocketApi',
  CapacityProvider: 'AWS::Serverless::CapacityProvider',
};

interface GlobalsProblem {
  readonly sourcePath: Path;
  readonly reason: string;
}

/** The parsed Globals section: per SAM type, its properties, or why they cannot be applied. */
export class Globals {
  private readonly byType = new Map<string, Dict>();
  private readonly problems = new Map<string, GlobalsProblem>();
  /** A problem with the section itself: every SAM resource may be affected. */
  private readonly wholeSection?: GlobalsProblem;

  constructor(root: Readonly<Dict>) {
    if (!Object.hasOwn(root, 'Globals')) return;
    const section = root.Globals;
    if (!isObject(section)) {
      this.wholeSection = { sourcePath: ['Globals'], reason: 'the Globals section is not a map' };
      return;
    }
    for (const [name, value] of Object.entries(section)) {
      const type = Object.hasOwn(SECTION_TYPE, name) ? SECTION_TYPE[name] : undefined;
      const path = ['Globals', name];
      if (!type) {
        // SAM refuses the template; the resources of that type (if it is one) cannot be known.
        this.wholeSection = { sourcePath: path, reason: `Globals section ${name} is not expanded by Tarmac` };
        continue;
      }
      if (!isObject(value)) {
        this.problems.set(type, { sourcePath: path, reason: `Globals.${name} is not a map` });
        continue;
      }
      const unsupported = Object.keys(value).find((k) => !SUPPORTED[type].includes(k));
      if (unsupported !== undefined) {
        this.problems.set(type, { sourcePath: [...path, unsupported], reason: `Globals.${name}.${unsupported} is not expanded by Tarmac` });
        continue;
      }
      this.byType.set(type, value);
    }
  }

  /**
   * The resource's properties with the globals of its type merged in (a new object; the input is not
   * changed). `ignore` is the resource's IgnoreGlobals attribute: '*' or a list of property names.
   */
  apply(type: string, properties: Dict, ignore: unknown, resourcePath: Path): Dict {
    const problem = this.wholeSection ?? this.problems.get(type);
    if (problem) throw new NotExpanded(problem.sourcePath, problem.reason);
    const globals = this.byType.get(type);
    if (!globals) return properties;
    let skip: ReadonlySet<string>;
    if (ignore === undefined) skip = new Set();
    else if (ignore === '*') return properties;
    else if (Array.isArray(ignore) && ignore.every((i) => typeof i === 'string')) skip = new Set(ignore as string[]);
    else throw new NotExpanded([...resourcePath, 'IgnoreGlobals'], 'IgnoreGlobals is neither "*" nor a list of property names');
    const applied = dict(Object.entries(globals).filter(([k]) => !skip.has(k)));
    return merge(applied, properties) as Dict;
  }
}

export function merge(global: unknown, local: unknown): unknown {
  if (local === undefined) return clone(global);
  if (Array.isArray(global) && Array.isArray(local)) return [...clone(global), ...clone(local)];
  if (isObject(global) && isObject(local) && !isIntrinsic(global) && !isIntrinsic(local)) {
    const keys = [...Object.keys(global), ...Object.keys(local).filter((k) => !Object.hasOwn(global, k))];
    return dict(keys.map((k) => [k, merge(get(global, k), get(local, k))]));
  }
  return clone(local);
}
