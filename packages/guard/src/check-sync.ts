import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { checkSourcesSync } from './check';
import { EngineChoice } from './engines/create-engine';
import { SyncGuardEngine } from './engines/engine';
import { CheckReport } from './findings';
import { parseJsonReport } from './format/json';
import { stackCheckInputs } from './stack-check';

/** What the check runner needs: everything by name or path, so it crosses a process boundary as JSON. */
export interface StackCheckRequest {
  readonly policies: string;
  readonly profile: string;
  readonly controlTower?: boolean;
  readonly rules?: readonly string[];
  readonly engine?: EngineChoice;
  /** Remember each rule's verdicts on each template here (see CachedEngine). */
  readonly cacheDir?: string;
  /** Synthesized stack templates (with the account and stack name they deploy to, when known); their nested stacks are found and checked too. */
  readonly templates: readonly { file: string; stack: string; accountId?: string; stackName?: string }[];
  /** Judge exemptions as on this day (YYYY-MM-DD, UTC) instead of today. */
  readonly at?: string;
}

/** Compiled beside this module's own output (dist/), from src/ under jest as well. */
const RUNNER = path.join(__dirname, '..', 'dist', 'check-runner.js');

/**
 * Checks stack templates from synchronous code: a CDK validation plugin's validate() cannot wait for a
 * promise. With the compiled engine (the default) the check runs here, synchronously; where a rule needs
 * cfn-guard (asynchronous: several processes at once), or another engine is asked for, a child Node process
 * runs it and prints its JSON report. Both run the same checkSources as `tarmac check` on the same inputs
 * (stackCheckInputs), so the verdicts are the same by construction. A runner that crashes or prints no report
 * is an Error, never a pass.
 */
export function checkStackTemplatesSync(request: StackCheckRequest): CheckReport {
  if (request.engine === undefined || request.engine === 'auto' || request.engine === 'compiled') {
    const report = checkInProcess(request);
    if (report) return report;
  }
  return checkInChildProcess(request);
}

/** The check here and now; undefined when a rule needs an engine that cannot answer synchronously. */
function checkInProcess(request: StackCheckRequest): CheckReport | undefined {
  const inputs = stackCheckInputs(request);
  if (!('discovery' in inputs)) return inputs;
  const { engine } = inputs.options;
  try {
    return 'evaluateSync' in engine ? checkSourcesSync(inputs.discovery, { ...inputs.options, engine: engine as SyncGuardEngine }) : undefined;
  } finally {
    engine.dispose();
  }
}

function checkInChildProcess(request: StackCheckRequest): CheckReport {
  if (!fs.existsSync(RUNNER)) throw new Error(`${RUNNER} is missing: build @tarmac/guard first (npm run build)`);
  const run = spawnSync(process.execPath, [RUNNER], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.error) throw new Error(`cannot run the Tarmac check: ${run.error.message}`);
  if (run.status !== 0) {
    const detail = run.stderr.trim().split('\n').slice(0, 5).join('\n');
    throw new Error(`the Tarmac check ${run.signal ? `was killed by ${run.signal}` : `exited with ${run.status}`}${detail ? `:\n${detail}` : ''}`);
  }
  try {
    return parseJsonReport(run.stdout);
  } catch (err) {
    throw new Error(`the Tarmac check printed no readable report: ${(err as Error).message}`);
  }
}
