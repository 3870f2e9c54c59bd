import * as path from 'path';

/**
 * The only module that reaches @aws/cloudformation-validate. The copy that evaluates parameterized Guard
 * rules ships inside aws-cdk-lib (2.276.0 bundles 1.14.0); it is not exported, so we resolve it by path.
 * engine-version.test.ts pins the version: an aws-cdk-lib upgrade that changes it must be a deliberate change.
 */
export const EXPECTED_WASM_VERSION = '1.14.0';

export interface WasmDiagnostic {
  ruleId: string;
  message: string;
  source: string;
  severity: string;
  entity?: { logicalId: string; resourceType?: string };
  propertyPath?: string;
  startLine?: number;
}

export interface WasmReport {
  status: 'OK' | 'ANALYSIS_INCOMPLETE' | 'ERROR';
  diagnostics: WasmDiagnostic[];
}

export interface WasmEngineInstance {
  validateTemplate(template: unknown, config?: object): WasmReport;
  free(): void;
}

export interface CloudFormationValidate {
  CompositeEngine: new (config: { guardRules: { name: string; content: string }[] }) => WasmEngineInstance;
  TemplateContent: new (content: string, name?: string) => unknown;
  version(): string;
}

let loaded: CloudFormationValidate | undefined;

export function loadCloudFormationValidate(): CloudFormationValidate {
  if (!loaded) {
    const cdkRoot = path.dirname(require.resolve('aws-cdk-lib/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path.join(cdkRoot, 'node_modules', '@aws', 'cloudformation-validate')) as CloudFormationValidate;
  }
  return loaded;
}
