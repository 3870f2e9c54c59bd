/**
 * Bytes and text around the same document: a UTF-8 BOM, CRLF and CR line endings, tab indentation in
 * JSON, YAML comments (all meaning-preserving); comments in JSON (`//`, `/* *\/`), UTF-16, a BOM twice,
 * two concatenated JSON documents, a NUL byte (not templates CloudFormation reads: no pass).
 */
import { Draft, Family } from '../mutant';
import { write } from '../serialize';
import { Rng } from '../prng';

function insertLines(rng: Rng, text: string, make: (indent: string) => string, count: number): string {
  const lines = text.split('\n');
  for (let n = 0; n < count; n++) {
    const at = rng.int(1, lines.length - 1);
    const indent = /^\s*/.exec(lines[at] ?? '')![0];
    lines.splice(at, 0, make(indent));
  }
  return lines.join('\n');
}

export const encoding: Family = {
  name: 'encoding',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const variant = rng.pick([
      'bom',
      'crlf',
      'cr',
      'bom-crlf',
      'json-tabs',
      'yaml-comments',
      'json-line-comments',
      'json-block-comment',
      'utf16',
      'bom-twice',
      'concatenated-json',
      'nul-in-yaml-comment',
    ] as const);
    const json = write(doc, 'json');
    const yaml = write(doc, rng.pick(['yaml', 'yaml-short'] as const));
    const anyText = rng.chance(0.5) ? json : yaml;
    const ext = anyText === json ? 'json' : 'yaml';
    const draft = (description: string, text: string | Uint8Array, preserving: boolean, e = ext): Draft => ({ variant, description, text, ext: e, preserving });
    switch (variant) {
      case 'bom':
        return draft(`${ext} with a UTF-8 byte order mark`, `\uFEFF${anyText}`, true);
      case 'crlf':
        return draft(`${ext} with CRLF line endings`, anyText.replace(/\n/g, '\r\n'), true);
      case 'cr':
        return draft(`${ext} with CR line endings`, anyText.replace(/\n/g, '\r'), true);
      case 'bom-crlf':
        return draft(`${ext} with a BOM and CRLF line endings`, `\uFEFF${anyText.replace(/\n/g, '\r\n')}`, true);
      case 'json-tabs':
        return draft(
          'JSON indented with tabs',
          json.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2)),
          true,
          'json',
        );
      case 'yaml-comments':
        return draft(
          'YAML with comment lines and trailing comments',
          insertLines(rng, yaml, (i) => `${i}# a comment: with Resources: and Type: AWS::S3::Bucket`, rng.int(1, 5)),
          true,
          'yaml',
        );
      case 'json-line-comments':
        return draft(
          'JSON with // comment lines',
          insertLines(rng, json, (i) => `${i}// reviewed`, rng.int(1, 3)),
          false,
          'json',
        );
      case 'json-block-comment':
        return draft('JSON with a /* */ comment', `/* generated */\n${json}`, false, 'json');
      case 'utf16': {
        const body = Buffer.from(`\uFEFF${anyText}`, 'utf16le');
        return draft(`${ext} encoded as UTF-16LE with a BOM`, new Uint8Array(body), false);
      }
      case 'bom-twice':
        return draft(`${ext} starting with two BOMs`, `\uFEFF\uFEFF${anyText}`, false);
      case 'concatenated-json':
        return draft(
          'two JSON documents in one file: a harmless template, then the original',
          `${write({ Resources: { Harmless: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }, 'json')}${json}`,
          false,
          'json',
        );
      case 'nul-in-yaml-comment':
        return draft('YAML with a NUL byte in a comment', `# generated\u0000\n${yaml}`, false, 'yaml');
    }
  },
};
