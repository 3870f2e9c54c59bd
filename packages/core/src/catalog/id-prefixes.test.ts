import * as path from 'path';
import { isYaml, listFiles } from '../list-files';
import { readSourceFile } from '../yaml-source';
import { loadCatalog } from './load-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

/**
 * One ID prefix per folder, fixed here (ADR 0012, "Aliases and one ID per intent"). IDs are public and never
 * change, so the short prefixes already in use stay; this map keeps the next control from drifting: a new
 * folder needs a line here, and a control in a folder takes that folder's prefix.
 */
const CONTROL_PREFIXES: Readonly<Record<string, string>> = {
  bedrock: 'BEDROCK',
  cloudtrail: 'CLOUDTRAIL',
  dynamodb: 'DDB',
  ec2: 'EC2',
  ecr: 'ECR',
  efs: 'EFS',
  glue: 'GLUE',
  iam: 'IAM',
  kms: 'KMS',
  lambda: 'LAMBDA',
  logs: 'LOGS',
  opensearch: 'OS',
  rds: 'RDS',
  s3: 'S3',
  sagemaker: 'SM',
  sns: 'SNS',
  sqs: 'SQS',
  tagging: 'TAG',
};

/** Organization policy folders; a policy that is an alias of a control may carry that control's prefix instead. */
const ORG_PREFIXES: Readonly<Record<string, string>> = { scp: 'SCP', rcp: 'RCP', declarative: 'DEC' };

const prefixOf = (id: string) => id.split('.')[1];

describe('control ID prefixes', () => {
  const catalog = loadCatalog(POLICIES);

  test('every Guard control has the prefix of its folder under controls/', () => {
    const wrong = catalog.controls
      .map((c) => ({ id: c.id, folder: path.basename(path.dirname(c.file)) }))
      .filter(({ id, folder }) => CONTROL_PREFIXES[folder] !== prefixOf(id))
      .map(({ id, folder }) => `${id} in controls/${folder} (expected LZ.${CONTROL_PREFIXES[folder] ?? '<add the folder to CONTROL_PREFIXES>'}.n)`);
    expect(wrong).toEqual([]);
  });

  test('no two folders share a prefix, and each listed folder exists', () => {
    expect(new Set(Object.values({ ...CONTROL_PREFIXES, ...ORG_PREFIXES })).size).toBe(Object.keys(CONTROL_PREFIXES).length + Object.keys(ORG_PREFIXES).length);
    const folders = new Set(catalog.controls.map((c) => path.basename(path.dirname(c.file))));
    expect([...folders].sort()).toEqual(Object.keys(CONTROL_PREFIXES).sort());
  });

  test("every organization policy has its folder's prefix, or that of the control it is an alias of", () => {
    const wrong: string[] = [];
    for (const [folder, prefix] of Object.entries(ORG_PREFIXES)) {
      for (const file of listFiles(path.join(POLICIES, folder), isYaml)) {
        const { id, control } = readSourceFile(file).value as { id: string; control?: string };
        const allowed = [prefix, ...(control ? [prefixOf(control)] : [])];
        if (!allowed.includes(prefixOf(id))) wrong.push(`${id} in ${folder}/ (expected LZ.${allowed.join(' or LZ.')}.n)`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
