import { Path } from './values';

export interface SourcedResource {
  readonly logicalId: string;
  readonly resource: Record<string, unknown>; // has a string Type
  /** Path of the node in the written template (e.g. ['Resources','Fn','Properties','Policies']), for line numbers. */
  readonly sourcePath: readonly (string | number)[];
}

export interface UncheckedResource {
  readonly logicalId: string; // the SAM resource
  readonly type: string; // e.g. AWS::Serverless::Application
  readonly sourcePath: readonly (string | number)[]; // the resource, or the property/event that was not expanded
  readonly reason: string; // for people: "event Stream (type Kinesis) is not expanded by Tarmac"
  readonly mayCreate: readonly string[]; // CloudFormation types SAM may generate for that part; ['*'] if unknown
}

export interface ServerlessExpansion {
  readonly resources: SourcedResource[];
  readonly unchecked: UncheckedResource[];
}

/**
 * A part of a SAM resource that Tarmac cannot expand exactly as the SAM translator would. Thrown where it is
 * found, caught by the part that owns it, which then goes to `unchecked` instead of `resources`.
 */
export class NotExpanded extends Error {
  constructor(
    readonly sourcePath: Path,
    readonly reason: string,
  ) {
    super(reason);
  }
}
