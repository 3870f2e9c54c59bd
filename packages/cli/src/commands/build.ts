import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors, loadCatalog, resolvePoliciesDir } from '@tarmac/core';
import { OrgBuild, POLICY_TYPE_DIR, buildOrgPolicies, loadOrgPolicies, manifestOf } from '@tarmac/core/org';

export interface BuildCommandOptions {
  policies?: string;
  out: string;
  format: 'text' | 'json';
}

/**
 * Validates and builds the organization policies: DIR/org/<type>/<name>.json (the exact bytes to send),
 * DIR/org/manifest.json, and the tag set's companion Config and Guard rules. Prints per target what the
 * policies use of the quotas. Nothing is written when anything is invalid.
 */
export async function buildCommand(opts: BuildCommandOptions): Promise<number> {
  const policiesDir = resolvePoliciesDir(opts.policies);
  const catalog = loadCatalog(policiesDir);
  const set = await loadOrgPolicies(catalog);
  if (!set) throw new InputErrors([new InputError({ file: path.join(policiesDir, 'org.yaml') }, 'no organization described', 'policies/org.yaml with the OU tree, accounts and regions')]);
  const build = buildOrgPolicies(set, catalog);
  writeBuild(opts.out, build);
  process.stdout.write(opts.format === 'json' ? JSON.stringify(manifestOf(build), null, 2) + '\n' : usageTable(build));
  return 0;
}

export function writeBuild(out: string, build: OrgBuild): void {
  const orgDir = path.join(out, 'org');
  const files = new Map<string, string>([
    ...build.policies.map((p): [string, string] => [p.file, p.content]),
    ['org/manifest.json', JSON.stringify(manifestOf(build), null, 2) + '\n'],
    ...build.companions,
  ]);
  // Policies removed from the sources must not linger in the output, or a deploy would keep them.
  if (fs.existsSync(orgDir)) fs.rmSync(orgDir, { recursive: true });
  for (const [rel, content] of files) {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function usageTable(build: OrgBuild): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = [['TARGET', 'TYPE', 'ATTACHED', 'LARGEST POLICY (CHARACTERS)'], ...build.usage.map((u) => [u.target, POLICY_TYPE_DIR[u.type].toUpperCase(), `${u.attached}/${u.maxAttached}`, `${n(u.largest)}/${n(u.maxSize)}`])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  return lines.join('\n') + `\n${build.policies.length} policies built\n`;
}
