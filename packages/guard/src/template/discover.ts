import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { looksLikeTemplate } from './parse-template';

/** A template to check: its bytes are read lazily by the checker. */
export interface TemplateSource {
  readonly file: string;
  readonly stack?: string;
  read(): Uint8Array;
}

export interface Discovery {
  readonly sources: TemplateSource[];
  /** Files found in directories that are not CloudFormation templates. */
  readonly skipped: string[];
  readonly errors: InputError[];
}

/** File names that may hold a template; other files found in directories are skipped and counted. */
export const TEMPLATE_EXTENSIONS = /\.(json|ya?ml|template|cfn)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.tarmac-cache']);

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
      out.errors.push(new InputError({ file: p }, code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'symbolic link loop' : `cannot read: ${code}`));
      continue;
    }
    if (stat.isDirectory()) walk(p, out, seenDirs, seenFiles);
    else addFile(p, true, undefined, out, seenFiles);
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
  if (fs.existsSync(path.join(dir, 'manifest.json')) && isCloudAssembly(path.join(dir, 'manifest.json'))) {
    addCloudAssembly(dir, out, seenFiles, seenDirs);
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
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        isDir = fs.statSync(p).isDirectory();
      } catch {
        out.skipped.push(p); // dangling link
        continue;
      }
    }
    if (isDir) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out, seenDirs, seenFiles);
    } else if (TEMPLATE_EXTENSIONS.test(e.name)) {
      addFile(p, false, undefined, out, seenFiles);
    } else {
      out.skipped.push(p);
    }
  }
}

function addFile(file: string, explicit: boolean, stack: string | undefined, out: Discovery, seenFiles: Set<string>): void {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    /* reported when read */
  }
  if (seenFiles.has(real)) return;
  seenFiles.add(real);
  if (explicit) {
    out.sources.push({ file, stack, read: () => fs.readFileSync(file) });
    return;
  }
  // Found in a directory: only files that claim to be templates are checked; the rest are counted as skipped.
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    out.errors.push(new InputError({ file }, `cannot read file: ${(err as NodeJS.ErrnoException).code}`));
    return;
  }
  if (looksLikeTemplate(bytes.toString('utf8'))) out.sources.push({ file, stack, read: () => bytes });
  else out.skipped.push(file);
}

/** The templates of synthesized stacks (a CDK validation plugin's context), with their nested stacks. */
export function discoverStackTemplates(stacks: readonly { file: string; stack: string }[]): Discovery {
  const out: Discovery = { sources: [], skipped: [], errors: [] };
  const seenFiles = new Set<string>();
  const assets = assetIndex();
  for (const { file, stack } of stacks) {
    addFile(file, true, stack, out, seenFiles);
    addNestedStacks(path.dirname(file), file, stack, out, seenFiles, assets);
  }
  return out;
}

interface AssemblyManifest {
  artifacts?: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string; directoryName?: string } }>;
}

function isCloudAssembly(manifest: string): boolean {
  try {
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as AssemblyManifest;
    return typeof m.artifacts === 'object';
  } catch {
    return false;
  }
}

/** A CDK cloud assembly (cdk.out): every stack template, nested stacks and nested assemblies (stages) included. */
function addCloudAssembly(dir: string, out: Discovery, seenFiles: Set<string>, seenDirs: Set<string>): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as AssemblyManifest;
  const assets = assetIndex();
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const stack = artifact.displayName ?? id;
      const file = path.join(dir, artifact.properties.templateFile);
      addFile(file, true, stack, out, seenFiles);
      addNestedStacks(dir, file, stack, out, seenFiles, assets);
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      walk(path.join(dir, artifact.properties.directoryName), out, seenDirs, seenFiles);
    }
  }
}

interface NestedStackResource {
  Type?: string;
  Metadata?: Record<string, unknown>;
  Properties?: { TemplateURL?: unknown };
}

function addNestedStacks(dir: string, templateFile: string, stack: string, out: Discovery, seenFiles: Set<string>, assets: AssetIndex): void {
  let template: { Resources?: Record<string, NestedStackResource> };
  try {
    template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  } catch {
    return; // the parent's own parse reports it
  }
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== 'AWS::CloudFormation::Stack') continue;
    const asset = nestedTemplateAsset(dir, r, assets);
    if (asset === undefined) {
      // A CDK nested stack whose template is not in the assembly would go unchecked: never a silent pass.
      const hash = assetHashOf(r);
      if (hash) out.errors.push(new InputError({ file: templateFile }, `nested stack ${logicalId}: no asset manifest in ${dir} lists its template (asset ${hash})`, 'the complete cdk.out of a synthesis'));
      continue;
    }
    const nested = path.join(dir, asset);
    const name = `${stack}/${logicalId}`;
    addFile(nested, true, name, out, seenFiles);
    addNestedStacks(dir, nested, name, out, seenFiles, assets);
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
