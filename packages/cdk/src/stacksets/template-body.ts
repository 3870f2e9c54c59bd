import { MAX_TEMPLATE_BODY_BYTES } from '@tarmac/core/org';

export { MAX_TEMPLATE_BODY_BYTES };

/** Returns the body, or throws naming what carries it and how to shrink it: CloudFormation would refuse it only at deploy time. */
export function checkTemplateBodySize(body: string, what: string, fix = 'split its targets or turn controls off in the profile'): string {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `${what}: its template is ${bytes.toLocaleString('en-US')} bytes minified, over CloudFormation's ${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')}-byte TemplateBody limit; ${fix}`,
    );
  }
  return body;
}
