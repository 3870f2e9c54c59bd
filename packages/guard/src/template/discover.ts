import * as fs from 'fs';
import * as path from 'path';
import { InputError, SourceDocument } from '@tarmac/core';
import { readTemplateSource } from './parse-template';
import { templateShape } from './template-shape';
import { isCloudAssemblyManifest, CloudAssemblyManifest, artifactAccount } from './cloud-assembly';

/** A template to check: its bytes are read lazily by the checker. */
export interface TemplateSource {
  readonly file: string;
  readonly stack?: string;
  /** Where a stack deploys, when its cloud assembly or synthesis says: the account's ID and the stack's name. */
  readonly deployment?: StackDeployment;
  read(): Uint8Array;
  /** Already parsed (a directory scan parses a file to decide whether it is a template). */
  readonly parsed?: SourceDocument;
}

export interface StackDeployment {
  readonly accountId?: string;
  readonly stackName?: string;
}

/** Why a path found in a directory was not checked: counted and shown in the summary, never silent. */
export type SkipReason =
  | 'not a template'
  | 'not a single JSON or YAML document'
  | 'not a template file name'
  | 'not a regular file'
  | 'dangling symbolic link'
  | 'excluded directory'
  | 'submodule'
  | 'no staged content';

/**
 * Skips that say only "this file is not a template" (a tsconfig.json with comments, a Kubernetes manifest of
 * several documents): counted, but not worth a word on success, unlike a directory that was not scanned.
 */
export const NOT_TEMPLATE_SKIPS: ReadonlySet<SkipReason> = new Set(['not a template', 'not a template file name', 'not a single JSON or YAML document']);

export interface Skipped {
  readonly path: string;
  readonly reason: SkipReason;
}

export interface Discovery {
  readonly sources: TemplateSource[];
  readonly skipped: Skipped[];
  readonly errors: InputError[];
}

/** File names that may hold a template; other files found in directories are skipped and counted. */
export const TEMPLATE_EXTENSIONS = /\.(json|ya?ml|template|cfn)$/i;
/** Dependencies, version control and caches: never scanned below a directory, scanned when named. */
const EXCLUDED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', '.tarmac-cache']);

/** Expands files, directories (recursively, symlink loops cut) and CDK cloud assemblies into templates. */
export function discoverTemplates(paths: readonly string[]): Discovery {
  const out: Discovery = { sources: [], skipped: [], errors: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      out.errors.push(
        new InputError({ file: p }, code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'symbolic link loop' : `cannot read: ${code}`),
      );
      continue;
    }
    if (stat.isDirectory() && path.basename(path.resolve(p)) === 'cdk.out' && !readAssemblyManifest(p)) {
      // The CDK's output folder without an assembly (not synthesized yet, or emptied): checking it would pass on nothing.
      out.errors.push(
        new InputError(
          { file: p },
          "not a cloud assembly: no manifest.json with the CDK's shape",
          'cdk synth first (a pre-commit hook listed before tarmac-check-cdk)',
        ),
      );
    } else if (stat.isDirectory()) walk(p, out, seenDirs, seenFiles);
    // Named files are judged like scanned ones: pre-commit and lint-staged name package.json and workflows too.
    else if (stat.isFile()) addFile(p, false, undefined, out, seenFiles);
    else out.errors.push(new InputError({ file: p }, `not a regular file (${kindOf(stat)})`, 'a template file, a directory or a cdk.out folder'));
  }
  return out;
}

function walk(dir: string, out: Discovery, seenDirs: Set<string>, seenFiles: Set<string>): void {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (err) {
    out.errors.push(new InputError({ file: dir }, `cannot resolve directory: ${(err as NodeJS.ErrnoException).code}`));
    return;
  }
  if (seenDirs.has(real)) return; // a symlink loop or a directory reached twice
  seenDirs.add(real);
  const manifest = readAssemblyManifest(dir);
  if (manifest) {
    addCloudAssembly(dir, manifest, out, seenFiles, seenDirs);
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    out.errors.push(new InputError({ file: dir }, `cannot list directory: ${(err as NodeJS.ErrnoException).code}`));
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    let stat: fs.Stats | fs.Dirent = e;
    if (e.isSymbolicLink()) {
      try {
        stat = fs.statSync(p);
      } catch {
        out.skipped.push({ path: p, reason: 'dangling symbolic link' });
        continue;
      }
    }
    if (stat.isDirectory()) {
      if (EXCLUDED_DIRS.has(e.name)) out.skipped.push({ path: p, reason: 'excluded directory' });
      else walk(p, out, seenDirs, seenFiles);
    } else if (!stat.isFile()) {
      out.skipped.push({ path: p, reason: 'not a regular file' }); // a FIFO would block the read forever
    } else if (TEMPLATE_EXTENSIONS.test(e.name)) {
      addFile(p, false, undefined, out, seenFiles);
    } else {
      out.skipped.push({ path: p, reason: 'not a template file name' });
    }
  }
}

function addFile(file: string, explicit: boolean, stack: string | undefined, out: Discovery, seenFiles: Set<string>, deployment?: StackDeployment): void {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    /* reported when read */
  }
  if (seenFiles.has(real)) return;
  seenFiles.add(real);
  // A stack template a cloud assembly names is a template whatever it holds.
  if (explicit) {
    out.sources.push({ file, stack, ...(deployment ? { deployment } : {}), read: () => fs.readFileSync(file) });
    return;
  }
  // Named or found in a directory: parsed, and checked when the parsed document is a template (a text
  // pattern would miss an escaped key such as "Re\u0073ources").
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    out.errors.push(new InputError({ file }, `cannot read file: ${(err as NodeJS.ErrnoException).code}`));
    return;
  }
  const found = classifyFile(file, bytes);
  if ('error' in found) out.errors.push(found.error);
  else if ('skip' in found) out.skipped.push({ path: file, reason: found.skip });
  else out.sources.push({ file, stack, read: () => bytes, parsed: found.parsed });
}

/**
 * Is a file found by a scan a template? Decided on the parsed document (see templateShape). A file that does
 * not parse is an error when its text names a template section, so a broken template is never skipped.
 */
export function classifyFile(file: string, bytes: Uint8Array): { parsed: SourceDocument } | { skip: SkipReason } | { error: InputError } {
  let parsed: SourceDocument;
  try {
    parsed = readTemplateSource(bytes, file);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return mentionsTemplateSection(Buffer.from(bytes).toString('utf8')) ? { error: err } : { skip: 'not a single JSON or YAML document' };
  }
  // A near miss of Resources is checked, so that reading it as a template reports it (templateFromSource).
  return templateShape(parsed.value).kind === 'other' ? { skip: 'not a template' } : { parsed };
}

/** For files that do not parse: a template section, in any case, as a key. */
function mentionsTemplateSection(text: string): boolean {
  return /(^|[{,\s"'])(AWSTemplateFormatVersion|Resources?|Transform)["']?\s*:/im.test(text);
}

/** The templates of synthesized stacks (a CDK validation plugin's context), with their nested stacks. */
export function discoverStackTemplates(stacks: readonly ({ file: string; stack: string } & StackDeployment)[]): Discovery {
  const out: Discovery = { sources: [], skipped: [], errors: [] };
  const seenFiles = new Set<string>();
  const assets = assetIndex();
  for (const { file, stack, accountId, stackName } of stacks) {
    addFile(file, true, stack, out, seenFiles, { accountId, stackName });
    addNestedStacks(path.dirname(file), file, stack, out, seenFiles, assets, accountId);
  }
  return out;
}

function readAssemblyManifest(dir: string): CloudAssemblyManifest | undefined {
  const file = path.join(dir, 'manifest.json');
  let manifest: unknown;
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // no manifest, or not JSON: an ordinary directory, whose files are scanned
  }
  return isCloudAssemblyManifest(manifest) ? manifest : undefined;
}

/** A CDK cloud assembly (cdk.out): every stack template, nested stacks and nested assemblies (stages) included. */
function addCloudAssembly(dir: string, manifest: CloudAssemblyManifest, out: Discovery, seenFiles: Set<string>, seenDirs: Set<string>): void {
  const assets = assetIndex();
  const before = out.sources.length + out.errors.length;
  for (const [id, artifact] of Object.entries(manifest.artifacts).sort(([a], [b]) => a.localeCompare(b))) {
    if (artifact.type === 'aws:cloudformation:stack' && typeof artifact.properties?.templateFile === 'string') {
      const stack = artifact.displayName ?? id;
      const file = path.join(dir, artifact.properties.templateFile);
      const accountId = artifactAccount(artifact);
      // The CloudFormation stack name, which the CDK writes for every stack (the artifact ID is the default).
      const stackName = typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : id;
      addFile(file, true, stack, out, seenFiles, { accountId, stackName });
      addNestedStacks(dir, file, stack, out, seenFiles, assets, accountId);
    } else if (artifact.type === 'aws:cloudformation:stack') {
      out.errors.push(
        new InputError({ file: path.join(dir, 'manifest.json') }, `stack artifact ${id} names no templateFile`, 'the cdk.out of a complete synthesis'),
      );
    } else if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
      walk(path.join(dir, artifact.properties.directoryName), out, seenDirs, seenFiles);
    }
  }
  // A cloud assembly that yields nothing would pass with nothing checked.
  if (out.sources.length + out.errors.length === before) {
    out.errors.push(
      new InputError(
        { file: path.join(dir, 'manifest.json') },
        'this cloud assembly (cdk.out) has no stack templates',
        'the cdk.out of a synthesis with at least one stack',
      ),
    );
  }
}

interface NestedStackResource {
  Type?: string;
  Metadata?: Record<string, unknown>;
  Properties?: { TemplateURL?: unknown };
}

/** A nested stack deploys to its parent's account under a name CloudFormation generates: unknown here. */
function addNestedStacks(
  dir: string,
  templateFile: string,
  stack: string,
  out: Discovery,
  seenFiles: Set<string>,
  assets: AssetIndex,
  accountId?: string,
): void {
  let template: { Resources?: Record<string, NestedStackResource> };
  try {
    template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  } catch {
    return; // the parent's own parse reports it
  }
  for (const [logicalId, r] of Object.entries(template?.Resources ?? {})) {
    if (r?.Type !== 'AWS::CloudFormation::Stack') continue;
    const asset = nestedTemplateAsset(dir, r, assets);
    if (asset === undefined) {
      // A CDK nested stack whose template is not in the assembly would go unchecked: never a silent pass.
      const hash = assetHashOf(r);
      if (hash)
        out.errors.push(
          new InputError(
            { file: templateFile },
            `nested stack ${logicalId}: no asset manifest in ${dir} lists its template (asset ${hash})`,
            'the complete cdk.out of a synthesis',
          ),
        );
      continue;
    }
    const nested = path.join(dir, asset);
    const name = `${stack}/${logicalId}`;
    addFile(nested, true, name, out, seenFiles, { accountId });
    addNestedStacks(dir, nested, name, out, seenFiles, assets, accountId);
  }
}

/**
 * The file of a CDK nested stack's template: its aws:asset:path metadata (written when the CDK CLI
 * synthesizes), else the asset whose hash names the object in its TemplateURL (a plain app.synth()).
 */
function nestedTemplateAsset(dir: string, resource: NestedStackResource, assets: AssetIndex): string | undefined {
  const asset = resource.Metadata?.['aws:asset:path'];
  if (typeof asset === 'string') return asset;
  const hash = assetHashOf(resource);
  return hash ? assets(dir).get(hash) : undefined;
}

/** The asset hash naming a CDK nested stack's template object in its TemplateURL. */
function assetHashOf(resource: NestedStackResource): string | undefined {
  return /([0-9a-f]{64})\.json/.exec(JSON.stringify(resource.Properties?.TemplateURL ?? ''))?.[1];
}

/** Asset hash -> source path of an assembly directory, read once per discovery. */
type AssetIndex = (dir: string) => ReadonlyMap<string, string>;

function assetIndex(): AssetIndex {
  const byDir = new Map<string, ReadonlyMap<string, string>>();
  return (dir) => byDir.get(dir) ?? byDir.set(dir, fileAssets(dir)).get(dir)!;
}

/** Asset hash -> source path, from every *.assets.json of an assembly directory. */
function fileAssets(dir: string): Map<string, string> {
  const assets = new Map<string, string>();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.assets.json'))) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
      for (const [hash, file] of Object.entries(manifest.files ?? {})) if (file.source?.path) assets.set(hash, file.source.path);
    } catch {
      // not an asset manifest we can read: its nested stacks are found through their metadata, if at all
    }
  }
  return assets;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a file';
}
