import * as fs from 'fs';
import { validateActionList } from '../org/iam-validation';
import { readSourceFile } from '../yaml-source';
import { HANDLER_PERMISSIONS_FILE, HANDLER_PERMISSIONS_OVERRIDES_FILE, handlerPermissions } from './handler-permissions';

const generated = JSON.parse(fs.readFileSync(HANDLER_PERMISSIONS_FILE, 'utf8')) as {
  commit: string;
  types: Record<string, { schema: string; create: string[]; update: string[] | null; delete: string[] }>;
};
const overrides = readSourceFile(HANDLER_PERMISSIONS_OVERRIDES_FILE).value as { types: Record<string, unknown>; actions: Record<string, string | null> };
const allTypes = [...Object.keys(generated.types), ...Object.keys(overrides.types)];

describe('handler permissions data', () => {
  test('every action, after the overrides, is an IAM action of the Service Authorization Reference', async () => {
    const actions = [
      ...new Set(
        allTypes.flatMap((t) => {
          const p = handlerPermissions(t)!;
          return [...p.create, ...(p.update ?? []), ...p.delete];
        }),
      ),
    ].sort();
    expect(actions.length).toBeGreaterThan(250);
    expect(await validateActionList(actions, (i) => ({ file: actions[i] }))).toEqual([]);
  });

  test('an override names an entry some schema has, and a hand-written type is one no schema describes', () => {
    const listed = new Set(Object.values(generated.types).flatMap((t) => [...t.create, ...(t.update ?? []), ...t.delete]));
    expect(Object.keys(overrides.actions).filter((a) => !listed.has(a))).toEqual([]);
    expect(Object.keys(overrides.types).filter((t) => t in generated.types)).toEqual([]);
  });

  test('the generated lists are the schema lists, sorted, with the schema they came from', () => {
    expect(generated.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const [type, entry] of Object.entries(generated.types)) {
      expect(entry.schema).toBe(`aws-${type.split('::').slice(1).join('-').toLowerCase()}.json`);
      for (const list of [entry.create, entry.update ?? [], entry.delete]) expect(list).toEqual([...list].sort());
    }
  });
});

describe('handlerPermissions', () => {
  test('an operation name in a schema becomes the IAM action that authorizes it', () => {
    const bucket = handlerPermissions('AWS::S3::Bucket')!;
    expect(bucket.update).toEqual(expect.arrayContaining(['s3:PutBucketCORS', 's3:PutReplicationConfiguration']));
    expect(bucket.update).not.toContain('s3:DeleteBucketCors');
    expect(bucket.source).toBe(`pulumi/pulumi-aws-native@${generated.commit.slice(0, 8)}:aws-s3-bucket.json`);
  });

  test('a type without an update handler has no update list (a change replaces it); a legacy type has hand-written lists', () => {
    expect(handlerPermissions('AWS::Athena::NamedQuery')).toEqual({
      create: ['athena:CreateNamedQuery'],
      delete: ['athena:DeleteNamedQuery'],
      source: expect.any(String),
    });
    expect(handlerPermissions('AWS::Glue::Table')).toMatchObject({ create: ['glue:CreateTable'], update: ['glue:UpdateTable'], delete: ['glue:DeleteTable'] });
  });

  test('an unknown type has none (the self-check reports it as not checkable)', () => {
    expect(handlerPermissions('AWS::Nope::Thing')).toBeUndefined();
    expect(handlerPermissions('aws::iam::role')).toBeUndefined();
  });
});
