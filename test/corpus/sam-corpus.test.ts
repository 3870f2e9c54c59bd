import * as fs from 'fs';
import * as path from 'path';
import { parseSource } from '@tarmac/core';
import { CFN_YAML_TAGS } from '../../packages/guard/src/template/cfn-yaml-tags';
import { expandResources } from '../../packages/guard/src/template/foreach';
import { ServerlessExpansion, SourcedResource, expandServerless } from '../../packages/guard/src/template/sam';

/**
 * Tarmac's SAM expansion against what the real SAM translator produced (../shared/sam-corpus: SAM's own
 * translator tests, inputs and expected outputs; read from there, never copied). For every input whose
 * output is a template: each resource Tarmac generates exists in the output with the same Type and the
 * same Properties and resource attributes, and each output resource Tarmac did not generate is covered by
 * an unchecked part that says it may create that type. Fully expanded inputs match the output exactly.
 *
 * Deliberate exceptions, the only ones:
 * 1. List order is not compared. SAM's test suite compares its expected files order-insensitively, so
 *    their lists are not in the order the translator writes (some even list Fn::GetAtt arguments sorted).
 * 2. The 10 hex digits ending the logical IDs of AWS::ApiGateway::Deployment and AWS::Lambda::Version, and
 *    the digest in the deployment's Description: SAM hashes a Python 2.7-ordered repr of the document (and,
 *    for versions, properties beyond the code in some cases); Tarmac hashes the same content its own stable
 *    way. They only name the resource: no control reads them.
 * 3. Resources SAM does not generate but edits stay as written (an S3 bucket's notification configuration
 *    for an S3 event, DependsOn added by connectors, references to layers SAM renames): they are not
 *    generated resources, and no control reads what SAM changes in them.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'sam-corpus');
const run = fs.existsSync(path.join(CORPUS, 'input')) ? describe : describe.skip;

type Dict = Record<string, any>;
const isObject = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const HASHED_ID = /^(.*(?:Deployment|Version))[0-9a-f]{10}$/;
const COMPARED_ATTRIBUTES = ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy'];

/** Exceptions 1 and 2: canonical JSON with lists sorted and content hashes blanked. */
function normalize(v: unknown): unknown {
  if (typeof v === 'string') {
    const m = HASHED_ID.exec(v);
    return m ? `${m[1]}#` : v.replace(/^RestApi deployment id: [0-9a-f]{40}$/, 'RestApi deployment id: #');
  }
  if (Array.isArray(v))
    return v
      .map(normalize)
      .map((x) => [JSON.stringify(x), x] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, x]) => x);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normalize(v[k])]),
    );
  return v;
}
const comparable = (r: Dict) => JSON.stringify(normalize({ Properties: r.Properties ?? {}, ...Object.fromEntries(COMPARED_ATTRIBUTES.map((a) => [a, r[a]])) }));
const normalId = (id: string) => normalize(id) as string;
const isSam = (r: unknown) => isObject(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::Serverless::');

interface Case {
  readonly name: string;
  readonly root: Dict;
  readonly input: SourcedResource[];
  readonly expansion: ServerlessExpansion;
  readonly oracle?: Dict;
}

function load(): Case[] {
  return fs
    .readdirSync(path.join(CORPUS, 'input'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const name = file.replace(/\.yaml$/, '');
      const root = parseSource(fs.readFileSync(path.join(CORPUS, 'input', file), 'utf8'), file, { customTags: CFN_YAML_TAGS }).value;
      if (!isObject(root) || !isObject(root.Resources)) return [];
      const input = expandResources(root.Resources, isObject(root.Parameters) ? root.Parameters : {})
        .filter((r) => isObject(r.resource))
        .map((r) => ({ logicalId: r.logicalId, resource: r.resource as Dict, sourcePath: r.sourcePath }));
      const outFile = path.join(CORPUS, 'output', `${name}.json`);
      const output = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : undefined;
      const oracle = !name.startsWith('error_') && isObject(output) && isObject(output.Resources) ? output.Resources : undefined;
      return [{ name, root, input, expansion: expandServerless(root, input), oracle }];
    });
}

/** What differs between Tarmac's expansion and the translator's output, beyond what unchecked parts cover. */
function differences(c: Case): string[] {
  const oracle = c.oracle!;
  const written = new Map(c.input.filter((r) => !isSam(r.resource)).map((r) => [r.logicalId, r.resource]));
  // Resources SAM edits but does not generate keep their logical ID and type (exception 3).
  const generatedByOracle = Object.entries(oracle).filter(([id, r]) => !(written.has(id) && JSON.stringify(written.get(id)!.Type) === JSON.stringify(r.Type)));
  const oracleById = new Map(generatedByOracle.map(([id, r]) => [normalId(id), { id, r: r as Dict }]));
  const ours = c.expansion.resources.filter((r) => written.get(r.logicalId) !== r.resource);
  const problems: string[] = [];
  const matched = new Set<string>();
  for (const r of ours) {
    const o = oracleById.get(normalId(r.logicalId));
    if (!o) {
      problems.push(`${r.logicalId} (${r.resource.Type}) is not in SAM's output`);
      continue;
    }
    matched.add(o.id);
    if (o.r.Type !== r.resource.Type) problems.push(`${r.logicalId} is ${r.resource.Type}, SAM's is ${o.r.Type}`);
    else if (comparable(r.resource) !== comparable(o.r))
      problems.push(`${r.logicalId} (${r.resource.Type}) differs:\n  tarmac: ${comparable(r.resource)}\n  sam:    ${comparable(o.r)}`);
  }
  const mayCreate = new Set(c.expansion.unchecked.flatMap((u) => u.mayCreate));
  for (const [id, r] of generatedByOracle) {
    if (!matched.has(id) && !mayCreate.has('*') && !mayCreate.has(r.Type))
      problems.push(`${id} (${r.Type}) is neither expanded nor covered by an unchecked part`);
  }
  return problems;
}

run('SAM expansion against the SAM translator (../shared/sam-corpus)', () => {
  const cases = load();
  const pairs = cases.filter((c) => c.oracle);

  test('every input expands, keeps other resources as they are, and accounts for each SAM resource', () => {
    expect(cases.length).toBeGreaterThan(700);
    const problems: string[] = [];
    for (const c of cases) {
      const others = c.input.filter((r) => !isSam(r.resource));
      const kept = c.expansion.resources.filter((r) => others.some((o) => o === r));
      if (kept.length !== others.length || kept.some((r, i) => r !== others[i]))
        problems.push(`${c.name}: resources other than SAM's are not returned unchanged, in order`);
      const ids = new Set(c.expansion.resources.map((r) => r.logicalId));
      for (const r of c.input.filter((x) => isSam(x.resource))) {
        const reported = c.expansion.unchecked.some((u) => u.logicalId === r.logicalId);
        // A layer version keeps its logical ID plus a content hash.
        const generated = ids.has(r.logicalId) || [...ids].some((id) => id.startsWith(r.logicalId) && /^[0-9a-f]{10}$/.test(id.slice(r.logicalId.length)));
        if (!reported && !generated) problems.push(`${c.name}: ${r.logicalId} (${r.resource.Type}) vanished`);
      }
      for (const u of c.expansion.unchecked)
        if (u.mayCreate.length === 0 || !u.reason) problems.push(`${c.name}: unchecked ${u.logicalId} says neither why nor what it may create`);
    }
    expect(problems).toEqual([]);
  });

  test('what Tarmac generates is what SAM generates; what it does not is reported as unchecked', () => {
    const problems = pairs.flatMap((c) => differences(c).map((p) => `${c.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('coverage: the large majority of the common SAM resources are fully expanded', () => {
    const full = pairs.filter((c) => c.expansion.unchecked.length === 0);
    const byType = new Map<string, { total: number; expanded: number }>();
    for (const c of pairs) {
      for (const r of c.input.filter((x) => isSam(x.resource))) {
        const type = r.resource.Type as string;
        const t = byType.get(type) ?? { total: 0, expanded: 0 };
        t.total += 1;
        if (!c.expansion.unchecked.some((u) => u.logicalId === r.logicalId)) t.expanded += 1;
        byType.set(type, t);
      }
    }
    const oracleResources = pairs.reduce((n, c) => n + Object.keys(c.oracle!).length, 0);
    const expandedResources = pairs.reduce((n, c) => n + c.expansion.resources.length, 0);
    const lines = [
      `SAM corpus: ${pairs.length} input/output pairs, ${full.length} fully expanded (no unchecked part), ${pairs.length - full.length} with unchecked parts`,
      `resources: ${expandedResources} in Tarmac's expansion, ${oracleResources} in SAM's output; ${pairs.reduce((n, c) => n + c.expansion.unchecked.length, 0)} unchecked parts`,
      ...[...byType.entries()].sort().map(([type, t]) => `  ${type}: ${t.expanded}/${t.total} fully expanded`),
    ];
    console.log(lines.join('\n'));
    const ratio = (type: string) => byType.get(type)!.expanded / byType.get(type)!.total;
    // Measured when written: 239 pairs; Function 469/573, Api 93/175, HttpApi 25/40, SimpleTable 15/15,
    // StateMachine 54/64, LayerVersion 25/29. A drop is a regression.
    expect(full.length).toBeGreaterThanOrEqual(239);
    expect(ratio('AWS::Serverless::Function')).toBeGreaterThanOrEqual(469 / 573);
    expect(ratio('AWS::Serverless::Api')).toBeGreaterThanOrEqual(93 / 175);
    expect(ratio('AWS::Serverless::HttpApi')).toBeGreaterThanOrEqual(25 / 40);
    expect(ratio('AWS::Serverless::SimpleTable')).toBe(1);
    expect(ratio('AWS::Serverless::StateMachine')).toBeGreaterThanOrEqual(54 / 64);
    expect(ratio('AWS::Serverless::LayerVersion')).toBeGreaterThanOrEqual(25 / 29);
  });
});
