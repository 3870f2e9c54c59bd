import { resolveCatalog } from '@tarmac/core';
import { explainControl, loadExplainSources } from '../explain/control-explanation';
import { renderExplanation } from '../explain/render-explanation';
import { dayOption } from '../day-option';

export interface ExplainCommandOptions {
  format: 'text' | 'json';
  policies?: string;
  catalog?: string;
  at?: string;
}

/** Prints one control and where it is enforced. An unknown ID is a usage error (exit 2) naming the closest one. */
export async function explainCommand(id: string, opts: ExplainCommandOptions): Promise<number> {
  const today = dayOption(opts.at);
  const catalog = resolveCatalog({ policies: opts.policies, catalog: opts.catalog });
  const explanation = explainControl(await loadExplainSources(catalog, today), id);
  process.stdout.write(opts.format === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : renderExplanation(explanation));
  return 0;
}
