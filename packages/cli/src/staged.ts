import { execFileSync } from 'child_process';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { Discovery, TEMPLATE_EXTENSIONS, classifyFile } from '@tarmac/guard';

const GIT_OPTIONS = { encoding: 'buffer' as const, stdio: 'pipe' as const, maxBuffer: 1024 * 1024 * 1024 };
const NO_OBJECT = /^0+$/;

/** One staged change that leaves a file: its path from the top of the work tree, mode and blob. */
interface StagedEntry {
  readonly file: string;
  readonly mode: string;
  readonly blob: string;
}

/**
 * Templates staged in git, read from the index (what will be committed), not the working tree. Every staged
 * change that leaves a file is looked at (added, copied, modified, renamed, type-changed, unmerged): a
 * symlink replaced by a template is a type change, and leaving those out would let it through.
 */
export function stagedTemplates(cwd = process.cwd()): Discovery {
  let top: string;
  let entries: StagedEntry[];
  try {
    // Outside a work tree `git diff` falls back to --no-index and prints its usage: ask first.
    top = git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
    entries = parseRawDiff(git(cwd, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=d']).toString('utf8'));
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '')
      .trim()
      .split('\n')[0];
    return { sources: [], skipped: [], errors: [new InputError({ file: cwd }, `--staged needs a git repository: ${stderr || (err as Error).message}`)] };
  }
  const out: Discovery = { sources: [], skipped: [], errors: [] };
  const shown = (file: string) => path.relative(cwd, path.join(top, file)) || file;
  const wanted: { file: string; object: string }[] = [];
  const links: StagedEntry[] = [];
  for (const e of entries) {
    const file = shown(e.file);
    if (e.mode === '160000') out.skipped.push({ path: file, reason: 'submodule' });
    else if (NO_OBJECT.test(e.blob))
      out.skipped.push({ path: file, reason: 'no staged content' }); // intent to add, unmerged
    else if (!TEMPLATE_EXTENSIONS.test(e.file)) out.skipped.push({ path: file, reason: 'not a template file name' });
    else if (e.mode === '120000') links.push(e);
    else wanted.push({ file, object: e.blob });
  }
  // A staged symlink is checked with the staged content of what it points at.
  readBlobs(
    cwd,
    links.map((l) => l.blob),
  ).forEach((target, i) => wanted.push({ file: shown(links[i].file), object: `:${linkTarget(links[i].file, target)}` }));
  const contents = readBlobs(
    cwd,
    wanted.map((w) => w.object),
  );
  wanted.forEach((w, i) => {
    const bytes = contents[i];
    if (bytes === undefined) {
      out.skipped.push({ path: w.file, reason: 'dangling symbolic link' }); // a link whose target is not in the index
      return;
    }
    const found = classifyFile(w.file, bytes);
    if ('error' in found) out.errors.push(found.error);
    else if ('skip' in found) out.skipped.push({ path: w.file, reason: found.skip });
    else out.sources.push({ file: w.file, read: () => bytes, parsed: found.parsed });
  });
  return out;
}

/** `git diff --raw -z`: ":srcmode dstmode srcsha dstsha status" NUL path NUL, per entry. */
function parseRawDiff(raw: string): StagedEntry[] {
  const fields = raw.split('\0');
  const entries: StagedEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode, , blob] = fields[i].replace(/^:/, '').split(' ');
    entries.push({ file: fields[i + 1], mode, blob });
  }
  return entries;
}

/** A staged symlink's target, as a path from the top of the work tree. */
function linkTarget(link: string, target: Buffer | undefined): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(link), (target ?? Buffer.alloc(0)).toString('utf8')));
}

/** Object contents by name (a blob id or `:path` in the index), undefined where git has none. */
function readBlobs(cwd: string, objects: readonly string[]): (Buffer | undefined)[] {
  if (!objects.length) return [];
  const output = git(cwd, ['cat-file', '--batch'], objects.join('\n') + '\n');
  const out: (Buffer | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < objects.length; i++) {
    const eol = output.indexOf(0x0a, at);
    const header = output.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^\S+ (\S+) (\d+)$/.exec(header);
    if (!m) {
      out.push(undefined); // "<name> missing"
      continue;
    }
    const size = Number(m[2]);
    out.push(m[1] === 'blob' ? output.subarray(at, at + size) : undefined);
    at += size + 1;
  }
  return out;
}

function git(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync('git', args, { ...GIT_OPTIONS, cwd, input: input === undefined ? undefined : Buffer.from(input) });
}
