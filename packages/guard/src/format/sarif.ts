import { createHash } from 'crypto';
import * as path from 'path';
import { SEVERITIES, Severity, compareIds } from '@tarmac/core';
import { CheckReport, Finding, controlLabel, isExempted } from '../findings';

// src/format and dist/format are both two levels below the package root.
const PACKAGE = require('../../package.json') as { name: string; version: string; homepage?: string };

const LEVEL = (f: Finding) => (f.mode === 'enforce' ? 'error' : 'warning');
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', informational: '1.0' };

/**
 * SARIF 2.1.0 for GitHub code scanning: one reportingDescriptor per control, one result per finding, each
 * result with a fingerprint that survives edits elsewhere in the file, so an alert follows its resource.
 */
export function formatSarif(report: CheckReport, cwd = process.cwd()): string {
  const byControl = new Map<string, Finding[]>();
  for (const f of report.findings) byControl.set(f.controlId, [...(byControl.get(f.controlId) ?? []), f]);
  const ruleIds = [...byControl.keys()].sort(compareIds);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const relative = (file: string) => path.relative(cwd, path.resolve(file)).split(path.sep).join('/');
  const uri = (file: string) => relative(file).split('/').map(encodeURIComponent).join('/');
  const catalog = catalogPackage(report.catalog);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tarmac',
            version: PACKAGE.version,
            semanticVersion: PACKAGE.version,
            informationUri: PACKAGE.homepage ?? `https://www.npmjs.com/package/${PACKAGE.name}`,
            properties: { catalog: report.catalog },
            rules: ruleIds.map((id) => reportingDescriptor(id, byControl.get(id)!)),
          },
          ...(catalog ? { extensions: [catalog] } : {}),
        },
        results: report.findings.map((f) => ({
          ruleId: f.controlId,
          ruleIndex: ruleIndex.get(f.controlId)!,
          level: LEVEL(f),
          message: { text: resultMessage(f) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(f.file) },
                region: { startLine: f.line ?? 1, ...(f.column ? { startColumn: f.column } : {}) },
              },
              ...(f.logicalId
                ? { logicalLocations: [{ name: f.logicalId, kind: 'resource', fullyQualifiedName: f.stack ? `${f.stack}/${f.logicalId}` : f.logicalId }] }
                : {}),
            },
          ],
          partialFingerprints: { 'tarmac/v1': fingerprint(f, relative(f.file)) },
          ...(isExempted(f) ? { suppressions: [suppression(f.exemption!)] } : {}),
          properties: {
            severity: f.severity,
            verdict: f.verdict,
            ...(f.controlTowerIds?.length ? { controlTowerIds: f.controlTowerIds } : {}),
            ...(f.exemption ? { exemption: f.exemption } : {}),
          },
        })),
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: [
              ...report.errors.map((e) => ({
                level: 'error',
                message: { text: e.message },
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: uri(e.location.file) },
                      ...(e.location.line ? { region: { startLine: e.location.line } } : {}),
                    },
                  },
                ],
              })),
              ...(report.engine.notes ?? []).map((text) => ({ level: 'note', message: { text } })),
            ],
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** What a control is, from its findings: a finding of a transform Tarmac could not expand says nothing of the rule's fix. */
function reportingDescriptor(id: string, findings: readonly Finding[]) {
  const f = findings.find((x) => x.verdict !== 'unchecked') ?? findings[0];
  const severity = findings.map((x) => x.severity).reduce((a, b) => (SEVERITIES.indexOf(b) < SEVERITIES.indexOf(a) ? b : a));
  const fix = f.verdict === 'unchecked' ? undefined : f.fix;
  const rationale = findings.find((x) => x.rationale)?.rationale;
  const helpUri = findings.find((x) => x.helpUri)?.helpUri;
  const helpText = fix ? `Fix: ${fix}` : f.message;
  const helpMarkdown = [
    fix ? `**Fix:** ${markdown(fix)}` : markdown(f.message),
    rationale && `**Why:** ${markdown(rationale)}`,
    helpUri && `[Read more](${helpUri})`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    id,
    name: f.ruleName,
    shortDescription: { text: f.title },
    fullDescription: { text: rationale ?? `${f.title}. ${f.message}` },
    ...(helpUri ? { helpUri } : {}),
    help: { text: helpText, markdown: helpMarkdown },
    properties: { 'security-severity': SECURITY_SEVERITY[severity], tags: ['security', f.origin] },
  };
}

/** An exemption in force: suppressed by a decision kept outside the template (exemptions.yaml), accepted. */
function suppression(e: NonNullable<Finding['exemption']>) {
  const by = [e.owner, e.ticket, `until ${e.expires}`].filter(Boolean).join(', ');
  return { kind: 'external', status: 'accepted', justification: `${e.id}: ${e.reason} (${by})`, properties: { exemption: e.id, expires: e.expires } };
}

function resultMessage(f: Finding): string {
  const resource = f.logicalId ? `${f.logicalId} (${f.resourceType}): ` : '';
  const also = f.controlTowerIds?.length ? ` Reported as ${controlLabel(f)}.` : '';
  return `${resource}${f.message}${also}${f.fix ? ` Fix: ${f.fix}` : ''}`;
}

/**
 * Stable across commits: the control, the template (relative, / separators), stack, resource and property
 * path, and no line, so moving a resource in its file does not open a new alert and close the old one.
 */
function fingerprint(f: Finding, file: string): string {
  return createHash('sha256')
    .update([f.controlId, file, f.stack ?? '', f.logicalId ?? '', f.path ?? ''].join('\0'))
    .digest('hex');
}

/** The catalog as a tool extension when its label is a package (name@version, the name possibly @scoped). */
export function catalogPackage(label: string): { name: string; version: string } | undefined {
  const at = label.lastIndexOf('@');
  if (at <= 0) return undefined;
  const [name, version] = [label.slice(0, at), label.slice(at + 1)];
  // A directory label may hold an @ too (/tmp/a@b/policies): only a package name and a semantic version count.
  if (!/^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/.test(name) || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version)) return undefined;
  return { name, version };
}

/** Text as Markdown that renders as written: brackets, stars and the like in a fix are not markup. */
function markdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, '\\$&');
}
