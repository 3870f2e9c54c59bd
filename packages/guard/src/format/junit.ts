import { SEVERITIES, compareIds } from '@tarmac/core';
import { CheckReport, Finding, blocks, controlLabel, isExempted } from '../findings';

// XML 1.0 has no way to write most control characters, even escaped: they are dropped.
const esc = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot hold, removed on purpose
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

interface Suite {
  readonly name: string;
  readonly controls: Set<string>;
  readonly findings: Map<string, Finding[]>;
}

/**
 * JUnit XML: one suite per template, one test case per control dispatched to it, so a clean template counts
 * its passes. A case fails when any of its findings blocks (one <failure> listing them all); warnings go to
 * <system-out> and pass. A catalog finding that stands for Control Tower rules fails their cases too. Input
 * errors are <error> cases.
 */
export function formatJunit(report: CheckReport): string {
  const suites = new Map<string, Suite>();
  const suite = (file: string, stack?: string) => {
    const key = `${file}\0${stack ?? ''}`;
    let s = suites.get(key);
    if (!s) suites.set(key, (s = { name: stack ? `${file} (stack ${stack})` : file, controls: new Set(), findings: new Map() }));
    return s;
  };
  for (const t of report.evaluated) {
    const s = suite(t.file, t.stack);
    for (const id of t.controls) s.controls.add(id);
  }
  // Findings of controls not dispatched on the template's own types (a transform's unchecked resources) get cases too.
  for (const f of report.findings) {
    const s = suite(f.file, f.stack);
    for (const id of [f.controlId, ...(f.controlTowerIds ?? [])]) {
      s.controls.add(id);
      s.findings.set(id, [...(s.findings.get(id) ?? []), f]);
    }
  }
  const blocks: string[] = [];
  let [tests, failures] = [0, 0];
  for (const s of suites.values()) {
    const ids = [...s.controls].sort(compareIds);
    const cases = ids.map((id) => testCase(s.name, id, s.findings.get(id) ?? []));
    const failed = cases.filter((c) => c.failed).length;
    tests += cases.length;
    failures += failed;
    blocks.push(
      testSuite(
        s.name,
        cases.length,
        failed,
        0,
        report.catalog,
        cases.map((c) => c.xml),
      ),
    );
  }
  if (report.errors.length) {
    const cases = report.errors.map(
      (e) => `    <testcase classname="tarmac" name="${esc(e.location.file)}"><error message="${esc(e.problem)}">${esc(e.message)}</error></testcase>`,
    );
    blocks.push(testSuite('input errors', cases.length, 0, cases.length, report.catalog, cases));
    tests += cases.length;
  }
  const time = (report.summary.durationMs / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tarmac check" tests="${tests}" failures="${failures}" errors="${report.errors.length}" time="${time}">\n${blocks.join('\n')}\n</testsuites>\n`;
}

function testSuite(name: string, tests: number, failures: number, errors: number, catalog: string, cases: readonly string[]): string {
  const properties = `    <properties><property name="catalog" value="${esc(catalog)}"/></properties>`;
  return `  <testsuite name="${esc(name)}" tests="${tests}" failures="${failures}" errors="${errors}">\n${[properties, ...cases].join('\n')}\n  </testsuite>`;
}

function testCase(classname: string, id: string, findings: readonly Finding[]): { xml: string; failed: boolean } {
  const blocking = findings.filter(blocks);
  const exempted = findings.filter(isExempted);
  const warnings = findings.filter((f) => !blocks(f) && !isExempted(f));
  const open = `    <testcase classname="${esc(classname)}" name="${esc(id)}"`;
  if (!findings.length) return { xml: `${open}/>`, failed: false };
  const parts: string[] = [];
  if (blocking.length) {
    const severity = blocking.map((f) => f.severity).reduce((a, b) => (SEVERITIES.indexOf(b) < SEVERITIES.indexOf(a) ? b : a));
    const message = blocking.length === 1 ? blocking[0].message : `${blocking.length} blocking findings`;
    parts.push(`<failure message="${esc(message)}" type="${severity}">${esc(blocking.map(describe).join('\n'))}</failure>`);
  }
  const out = [
    ...warnings.map((f) => `warning: ${describe(f)}`),
    ...exempted.map((f) => `exempted by ${f.exemption!.id} until ${f.exemption!.expires} (${f.exemption!.reason}): ${describe(f)}`),
  ];
  if (out.length) parts.push(`<system-out>${esc(out.join('\n'))}</system-out>`);
  return { xml: `${open}>${parts.join('')}</testcase>`, failed: blocking.length > 0 };
}

function describe(f: Finding): string {
  const resource = f.logicalId ? `${f.logicalId} (${f.resourceType ?? '?'})` : '(template)';
  return `${f.file}:${f.line ?? ''} ${resource} [${controlLabel(f)}] ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`;
}
