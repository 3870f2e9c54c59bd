import * as fs from 'fs';
import * as path from 'path';
import { readSourceFile } from '../yaml-source';

/** What CloudFormation calls, with the credentials it acts with, to create, update and delete one resource of a type. */
export interface HandlerPermissions {
  readonly create: readonly string[];
  /** Absent when the type has no update handler: a change replaces the resource (create, then delete). */
  readonly update?: readonly string[];
  readonly delete: readonly string[];
  /** Where the lists come from: the registry schema's file, or the documentation page of a hand-written entry. */
  readonly source: string;
}

const DATA = path.join(__dirname, '..', '..', 'data');
export const HANDLER_PERMISSIONS_FILE = path.join(DATA, 'handler-permissions.json');
export const HANDLER_PERMISSIONS_OVERRIDES_FILE = path.join(DATA, 'handler-permissions-overrides.yaml');

interface Lists {
  create: string[];
  update?: string[] | null;
  delete: string[];
}

let table: ReadonlyMap<string, HandlerPermissions> | undefined;

/**
 * The handler permissions of every resource type Tarmac deploys: generated from the CloudFormation registry
 * schemas (scripts/generate-handler-permissions.js), with the overrides file's corrections: hand-written lists for
 * the legacy types whose schema has none, and IAM actions for schema entries that name an API operation.
 * Undefined for any other type: the caller must say it cannot check it, never treat it as allowed.
 */
export function handlerPermissions(type: string): HandlerPermissions | undefined {
  table ??= loadTable();
  return table.get(type);
}

function loadTable(): Map<string, HandlerPermissions> {
  const generated = JSON.parse(fs.readFileSync(HANDLER_PERMISSIONS_FILE, 'utf8')) as {
    repo: string;
    commit: string;
    types: Record<string, Lists & { schema: string }>;
  };
  const overrides = readSourceFile(HANDLER_PERMISSIONS_OVERRIDES_FILE).value as {
    types: Record<string, Lists & { source: string }>;
    actions: Record<string, string | null>;
  };
  const actions = (list: readonly string[]) => [
    ...new Set(list.flatMap((a) => (a in overrides.actions ? (overrides.actions[a] === null ? [] : [overrides.actions[a]!]) : [a]))),
  ];
  const entry = (lists: Lists, source: string): HandlerPermissions => ({
    create: actions(lists.create),
    ...(lists.update ? { update: actions(lists.update) } : {}),
    delete: actions(lists.delete),
    source,
  });
  return new Map([
    ...Object.entries(generated.types).map(([type, l]): [string, HandlerPermissions] => [
      type,
      entry(l, `${generated.repo}@${generated.commit.slice(0, 8)}:${l.schema}`),
    ]),
    ...Object.entries(overrides.types).map(([type, l]): [string, HandlerPermissions] => [type, entry(l, l.source)]),
  ]);
}
