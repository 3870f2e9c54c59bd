import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Discovery, discoverStackTemplates, discoverTemplates } from './discover';
import { parseTemplate } from './parse-template';

interface SynthesizedApp {
  outdir: string;
  /** The parent stack's template file. */
  template: string;
  /** The nested stack's template file, as the CDK wrote it. */
  nestedTemplate: string;
  /** Logical ID of the AWS::CloudFormation::Stack resource in the parent. */
  nestedLogicalId: string;
}

/** A Stack 'Data' with a bucket, and a NestedStack with another bucket, synthesized into a temp dir. */
function synthesize(context: Record<string, unknown> = {}): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-'));
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Data');
  new s3.CfnBucket(stack, 'TopBucket');
  const nested = new NestedStack(stack, 'Inner');
  new s3.CfnBucket(nested, 'DeepBucket');
  const assembly = app.synth();
  const artifact = assembly.getStackByName('Data');
  return {
    outdir,
    template: artifact.templateFullPath,
    nestedTemplate: path.join(outdir, nested.templateFile),
    nestedLogicalId: stack.resolve((nested.nestedStackResource as CfnElement).logicalId),
  };
}

const summary = (d: Discovery) => d.sources.map((s) => [s.file, s.stack]);
/** The resource types a discovered template holds, read through the source as the checker does. */
const typesOf = (d: Discovery, stack: string) => {
  const source = d.sources.find((s) => s.stack === stack);
  if (!source) throw new Error(`no template for stack ${stack}: ${JSON.stringify(summary(d))}`);
  return [...parseTemplate(source.read(), source.file, source.stack).types].sort();
};
const nestedStackResource = (file: string) =>
  Object.values(JSON.parse(fs.readFileSync(file, 'utf8')).Resources as Record<string, { Type: string; Metadata?: Record<string, unknown> }>).find(
    (r) => r.Type === 'AWS::CloudFormation::Stack',
  )!;

describe('a plain app.synth() (no asset metadata): found through the TemplateURL hash and *.assets.json', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesize();
  });
  afterAll(() => fs.rmSync(synth.outdir, { recursive: true, force: true }));

  test('the nested stack resource has no aws:asset:path (the case the fallback exists for)', () => {
    expect(nestedStackResource(synth.template).Metadata?.['aws:asset:path']).toBeUndefined();
    expect(fs.existsSync(synth.nestedTemplate)).toBe(true);
  });

  test('discoverStackTemplates returns the stack and its nested stack, named Data/<logical ID>', () => {
    const d = discoverStackTemplates([{ file: synth.template, stack: 'Data' }]);
    expect(d.errors).toEqual([]);
    expect(summary(d)).toEqual([
      [synth.template, 'Data'],
      [synth.nestedTemplate, `Data/${synth.nestedLogicalId}`],
    ]);
    expect(synth.nestedLogicalId).toMatch(/^Inner/);
    expect(typesOf(d, 'Data')).toEqual(['AWS::CloudFormation::Stack', 'AWS::S3::Bucket']);
    expect(typesOf(d, `Data/${synth.nestedLogicalId}`)).toEqual(['AWS::S3::Bucket']);
  });

  test('discoverTemplates on the cloud assembly directory finds both, with the same names', () => {
    const d = discoverTemplates([synth.outdir]);
    expect(d.errors).toEqual([]);
    const byStack = new Map(d.sources.map((s) => [s.stack, fs.realpathSync(s.file)]));
    expect(byStack.get('Data')).toBe(fs.realpathSync(synth.template));
    expect(byStack.get(`Data/${synth.nestedLogicalId}`)).toBe(fs.realpathSync(synth.nestedTemplate));
    expect(d.sources).toHaveLength(2);
  });

  test('the file comes from the assets manifest, not from its name: a renamed asset is still found', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-renamed-'));
    try {
      fs.cpSync(synth.outdir, copy, { recursive: true });
      const oldName = path.basename(synth.nestedTemplate);
      fs.renameSync(path.join(copy, oldName), path.join(copy, 'renamed-nested.json'));
      const assets = path.join(copy, 'Data.assets.json');
      const text = fs.readFileSync(assets, 'utf8');
      expect(text).toContain(oldName);
      fs.writeFileSync(assets, text.split(oldName).join('renamed-nested.json'));
      const d = discoverStackTemplates([{ file: path.join(copy, 'Data.template.json'), stack: 'Data' }]);
      expect(summary(d)).toEqual([
        [path.join(copy, 'Data.template.json'), 'Data'],
        [path.join(copy, 'renamed-nested.json'), `Data/${synth.nestedLogicalId}`],
      ]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("with 'aws:cdk:enable-asset-metadata': found through the aws:asset:path metadata", () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesize({ 'aws:cdk:enable-asset-metadata': true });
  });
  afterAll(() => fs.rmSync(synth.outdir, { recursive: true, force: true }));

  test('the nested stack resource carries aws:asset:path', () => {
    expect(nestedStackResource(synth.template).Metadata?.['aws:asset:path']).toBe(path.basename(synth.nestedTemplate));
  });

  test('discoverStackTemplates and discoverTemplates return both templates', () => {
    const expected = [
      [synth.template, 'Data'],
      [synth.nestedTemplate, `Data/${synth.nestedLogicalId}`],
    ];
    expect(summary(discoverStackTemplates([{ file: synth.template, stack: 'Data' }]))).toEqual(expected);
    const d = discoverTemplates([synth.outdir]);
    expect(d.errors).toEqual([]);
    expect(d.sources.map((s) => [fs.realpathSync(s.file), s.stack])).toEqual(expected.map(([f, s]) => [fs.realpathSync(f), s]));
  });

  test('the metadata alone is enough: no assets manifest needed', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-meta-'));
    try {
      fs.cpSync(synth.outdir, copy, { recursive: true });
      fs.rmSync(path.join(copy, 'Data.assets.json'));
      const d = discoverStackTemplates([{ file: path.join(copy, 'Data.template.json'), stack: 'Data' }]);
      expect(summary(d)).toEqual([
        [path.join(copy, 'Data.template.json'), 'Data'],
        [path.join(copy, path.basename(synth.nestedTemplate)), `Data/${synth.nestedLogicalId}`],
      ]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

test('a stack template that does not exist is passed on to be reported when read, not dropped', () => {
  const missing = path.join(os.tmpdir(), 'tarmac-no-such-dir', 'Missing.template.json');
  const d = discoverStackTemplates([{ file: missing, stack: 'Missing' }]);
  expect(summary(d)).toEqual([[missing, 'Missing']]);
  expect(() => d.sources[0].read()).toThrow(/ENOENT/);
});

test('a nested stack inside a nested stack is found and named by both logical IDs', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-deep-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Data');
    const inner = new NestedStack(stack, 'Inner');
    const innermost = new NestedStack(inner, 'Innermost');
    new s3.CfnBucket(innermost, 'DeepBucket');
    const template = app.synth().getStackByName('Data').templateFullPath;
    const innerId = stack.resolve((inner.nestedStackResource as CfnElement).logicalId);
    const innermostId = inner.resolve((innermost.nestedStackResource as CfnElement).logicalId);
    const d = discoverStackTemplates([{ file: template, stack: 'Data' }]);
    expect(d.errors).toEqual([]);
    expect(summary(d)).toEqual([
      [template, 'Data'],
      [path.join(outdir, inner.templateFile), `Data/${innerId}`],
      [path.join(outdir, innermost.templateFile), `Data/${innerId}/${innermostId}`],
    ]);
    expect(typesOf(d, `Data/${innerId}/${innermostId}`)).toEqual(['AWS::S3::Bucket']);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('a CDK nested stack whose template no asset manifest lists is an error naming it, never skipped', () => {
  const synth = synthesize();
  for (const f of fs.readdirSync(synth.outdir).filter((n) => n.endsWith('.assets.json'))) fs.rmSync(path.join(synth.outdir, f));
  const found = discoverStackTemplates([{ file: synth.template, stack: 'Data' }]);
  expect(summary(found)).toEqual([[synth.template, 'Data']]);
  expect(found.errors.map((e) => e.message)).toEqual([expect.stringContaining(`nested stack ${synth.nestedLogicalId}: no asset manifest`)]);
});
