import { ReportModel } from './report-model';

/**
 * The model as JSON, the bytes JSON.stringify(model, null, 2) gives, produced an account at a time so a
 * large organization never needs one string of the whole report.
 */
export function* renderJson(model: ReportModel): Generator<string> {
  const { accounts, ...rest } = model;
  const keys = Object.keys(model) as (keyof ReportModel)[];
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const comma = i < keys.length - 1 ? ',' : '';
    if (key !== 'accounts') {
      yield `  ${JSON.stringify(key)}: ${nest((rest as Record<string, unknown>)[key], 2)}${comma}\n`;
      continue;
    }
    if (!accounts.length) {
      yield `  "accounts": []${comma}\n`;
      continue;
    }
    yield '  "accounts": [\n';
    for (let j = 0; j < accounts.length; j++) yield `    ${nest(accounts[j], 4)}${j < accounts.length - 1 ? ',' : ''}\n`;
    yield `  ]${comma}\n`;
  }
  yield '}\n';
}

/** JSON.stringify with two-space indentation, its lines indented by `level` more spaces after the first. */
function nest(value: unknown, level: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + ' '.repeat(level));
}
