import * as path from 'path';
import { CheckReport, Finding } from '../findings';

const LEVEL = (f: Finding) => (f.mode === 'enforce' ? 'error' : 'warning');
const SECURITY_SEVERITY: Record<string, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', informational: '1.0' };

/** SARIF 2.1.0 for code scanning: one reportingDescriptor per control, one result per finding. */
export function formatSarif(report: CheckReport, cwd = process.cwd()): string {
  const controls = new Map<string, Finding>();
  for (const f of report.findings) if (!controls.has(f.controlId)) controls.set(f.controlId, f);
  const ruleIds = [...controls.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const uri = (file: string) => path.relative(cwd, path.resolve(file)).split(path.sep).join('/');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tarmac',
            rules: ruleIds.map((id) => {
              const f = controls.get(id)!;
              return {
                id,
                name: f.ruleName,
                shortDescription: { text: f.title },
                help: { text: f.fix ?? f.message },
                properties: { 'security-severity': SECURITY_SEVERITY[f.severity], tags: ['security', f.origin] },
              };
            }),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.controlId,
          ruleIndex: ruleIds.indexOf(f.controlId),
          level: LEVEL(f),
          message: { text: `${f.logicalId ? `${f.logicalId} (${f.resourceType}): ` : ''}${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(f.file) },
                region: { startLine: f.line ?? 1, ...(f.column ? { startColumn: f.column } : {}) },
              },
              ...(f.logicalId ? { logicalLocations: [{ name: f.logicalId, kind: 'resource', fullyQualifiedName: f.stack ? `${f.stack}/${f.logicalId}` : f.logicalId }] } : {}),
            },
          ],
        })),
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.location.file) }, ...(e.location.line ? { region: { startLine: e.location.line } } : {}) } }],
            })),
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
