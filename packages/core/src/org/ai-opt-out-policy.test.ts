import { validateAgainstSchema } from '../schema-validation';
import { parseSource } from '../yaml-source';
import { AI_OPT_OUT_SERVICES, AI_OPT_OUT_SETTINGS_SCHEMA, AiOptOutSettings, compileAiOptOut } from './ai-opt-out-policy';

function errorsOf(yaml: string): string[] {
  return validateAgainstSchema(parseSource(yaml, 'ai.yaml'), AI_OPT_OUT_SETTINGS_SCHEMA).map((e) => e.message);
}

describe('compileAiOptOut', () => {
  test('default first, then the named services in sorted order', () => {
    const yaml = 'default: optOut\nservices:\n  rekognition: optIn\n  lex: optOut\n';
    expect(errorsOf(yaml)).toEqual([]);
    expect(compileAiOptOut(parseSource(yaml, 'ai.yaml').value as AiOptOutSettings)).toEqual({
      services: {
        default: { opt_out_policy: { '@@assign': 'optOut' } },
        lex: { opt_out_policy: { '@@assign': 'optOut' } },
        rekognition: { opt_out_policy: { '@@assign': 'optIn' } },
      },
    });
  });

  test('default alone', () => {
    expect(JSON.stringify(compileAiOptOut({ default: 'optOut' }))).toBe('{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}}}}');
  });
});

describe('AI_OPT_OUT_SETTINGS_SCHEMA', () => {
  test('a service AWS does not document is an unknown key at its line', () => {
    const [error] = errorsOf('default: optOut\nservices:\n  rekognitoin: optIn\n');
    expect(error).toMatch(/^ai\.yaml:3:3: unknown key 'rekognitoin' in 'services' \(expected one of: .*rekognition/);
  });

  test('values are case-sensitive: optout is refused', () => {
    expect(errorsOf('default: optout\n')).toEqual([`ai.yaml:1:1: 'default' has value "optout" (expected one of: optIn, optOut)`]);
  });

  test('default is required; default is not a service name', () => {
    expect(errorsOf('services:\n  lex: optIn\n')).toEqual(["ai.yaml:1:1: the document is missing required key 'default'"]);
    expect(errorsOf('default: optIn\nservices:\n  default: optOut\n')[0]).toMatch(/^ai\.yaml:3:3: unknown key 'default' in 'services'/);
  });
});

describe('ai-opt-out-services.json', () => {
  test('names its AWS source and lists documented service keys', () => {
    expect(AI_OPT_OUT_SERVICES.source).toBe('https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html');
    expect(AI_OPT_OUT_SERVICES.services).toEqual(expect.arrayContaining(['rekognition', 'lex', 'comprehend', 'aiops']));
    expect(AI_OPT_OUT_SERVICES.services).not.toContain('default');
    expect(AI_OPT_OUT_SERVICES.services).toEqual([...new Set(AI_OPT_OUT_SERVICES.services)].sort());
  });
});
