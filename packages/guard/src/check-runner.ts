/**
 * The child process behind checkStackTemplatesSync: reads a StackCheckRequest on stdin, prints the JSON
 * report on stdout. Bad input is part of the report (errors); anything else exits non-zero.
 */
import * as fs from 'fs';
import { checkSources } from './check';
import { StackCheckRequest } from './check-sync';
import { CheckReport } from './findings';
import { formatJson } from './format/json';
import { stackCheckInputs } from './stack-check';

async function run(request: StackCheckRequest): Promise<CheckReport> {
  const inputs = stackCheckInputs(request);
  if (!('discovery' in inputs)) return inputs;
  try {
    return await checkSources(inputs.discovery, inputs.options);
  } finally {
    inputs.options.engine.dispose();
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(fs.readFileSync(0, 'utf8')) as StackCheckRequest;
  process.stdout.write(formatJson(await run(request)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 70;
});
