import { execFileSync } from 'child_process';
import { InputError } from '@tarmac/core';
import { Discovery, TEMPLATE_EXTENSIONS, looksLikeTemplate } from '@tarmac/guard';

/** Templates staged in git, read from the index (what will be committed), not the working tree. */
export function stagedTemplates(cwd = process.cwd()): Discovery {
  let listing: string;
  try {
    // Outside a work tree `git diff` falls back to --no-index and prints its usage: ask first.
    execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    listing = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim().split('\n')[0];
    return { sources: [], skipped: [], errors: [new InputError({ file: cwd }, `--staged needs a git repository: ${stderr || (err as Error).message}`)] };
  }
  const out: Discovery = { sources: [], skipped: [], errors: [] };
  for (const file of listing.split('\0').filter(Boolean)) {
    if (!TEMPLATE_EXTENSIONS.test(file)) {
      out.skipped.push(file);
      continue;
    }
    const bytes = execFileSync('git', ['show', `:${file}`], { cwd, maxBuffer: 256 * 1024 * 1024 });
    if (!looksLikeTemplate(bytes.toString('utf8'))) {
      out.skipped.push(file);
      continue;
    }
    out.sources.push({ file, read: () => bytes });
  }
  return out;
}
