/**
 * The AI services opt-out policy (AISERVICES_OPT_OUT_POLICY): friendly settings in, AWS syntax out.
 * Syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html
 * The value names are case-sensitive ("The policies do not work if you use unexpected capitalization").
 */

import * as fs from 'fs';
import * as path from 'path';

export type OptOutChoice = 'optIn' | 'optOut';

export interface AiOptOutSettings {
  /** The `default` service key: every AI service, including ones AWS adds later. */
  readonly default: OptOutChoice;
  /** Per-service exceptions, by AWS service name key (rekognition, lex, ...). */
  readonly services?: Readonly<Record<string, OptOutChoice>>;
}

interface ServiceData {
  readonly source: string;
  readonly retrieved: string;
  readonly services: readonly string[];
}

/** The documented service name keys (packages/core/data/ai-opt-out-services.json), without `default`. */
export const AI_OPT_OUT_SERVICES: ServiceData = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'ai-opt-out-services.json'), 'utf8'),
) as ServiceData;

const CHOICE = { type: 'string', enum: ['optIn', 'optOut'] };

/** JSON schema of the settings: closed, so a service name AWS does not document is an unknown key. */
export const AI_OPT_OUT_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['default'],
  properties: {
    default: CHOICE,
    services: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(AI_OPT_OUT_SERVICES.services.map((s) => [s, CHOICE])),
    },
  },
};

type OptOutStatement = { opt_out_policy: { '@@assign': OptOutChoice } };

/** `default` first, then the named services sorted, so the document does not depend on source order. */
export function compileAiOptOut(settings: AiOptOutSettings): { services: Record<string, OptOutStatement> } {
  const statement = (choice: OptOutChoice): OptOutStatement => ({ opt_out_policy: { '@@assign': choice } });
  const services: Record<string, OptOutStatement> = { default: statement(settings.default) };
  for (const name of Object.keys(settings.services ?? {}).sort()) services[name] = statement(settings.services![name]);
  return { services };
}
