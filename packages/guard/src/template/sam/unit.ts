import { NotExpanded, SourcedResource, UncheckedResource } from './model';
import { Dict, Path, dict } from './values';

/** A SAM resource as written, with its Globals merged into its properties. */
export interface SamResource {
  readonly logicalId: string;
  readonly type: string;
  /** The resource as written (Type, Properties, attributes). */
  readonly resource: Readonly<Dict>;
  readonly properties: Dict;
  readonly sourcePath: Path;
}

/**
 * A part of a SAM resource that is expanded or reported as a whole: the function itself, its role, one
 * event... It collects the resources it generates; `fail` turns it into an unchecked part instead, and
 * parts that depend on it (`dependsOn`) fail with it.
 */
export class Unit {
  readonly resources: SourcedResource[] = [];
  private failure?: { sourcePath: Path; reason: string };
  private readonly dependencies: Unit[] = [];

  constructor(
    readonly owner: SamResource,
    readonly sourcePath: Path,
    readonly mayCreate: readonly string[],
    private readonly what: string,
  ) {}

  add(logicalId: string, type: string, properties: Dict | undefined, attributes: Dict, sourcePath: Path = this.sourcePath): Dict {
    const resource = dict([['Type', type], ...Object.entries(attributes), ['Properties', properties]]);
    this.resources.push({ logicalId, resource, sourcePath });
    return resource;
  }

  fail(error: NotExpanded): void {
    this.failure ??= { sourcePath: error.sourcePath, reason: error.reason };
  }

  /** This part is exact only if `other` is (e.g. a role that an event adds permissions to). */
  dependsOn(other: Unit): void {
    this.dependencies.push(other);
  }

  /** Runs `build`, failing the unit on NotExpanded; other errors are bugs and propagate. */
  run(build: () => void): void {
    try {
      build();
    } catch (err) {
      if (!(err instanceof NotExpanded)) throw err;
      this.resources.length = 0;
      this.fail(err);
    }
  }

  /** Why the unit is not checkable, or undefined when it is expanded. */
  problem(seen: Set<Unit> = new Set()): { sourcePath: Path; reason: string } | undefined {
    if (this.failure) return this.failure;
    seen.add(this);
    for (const d of this.dependencies) {
      if (seen.has(d)) continue;
      const p = d.problem(seen);
      if (p) return { sourcePath: p.sourcePath, reason: `${p.reason}, and it changes ${this.what}` };
    }
    return undefined;
  }

  unchecked(): UncheckedResource | undefined {
    const p = this.problem();
    if (!p) return undefined;
    return { logicalId: this.owner.logicalId, type: this.owner.type, sourcePath: p.sourcePath, reason: p.reason, mayCreate: this.mayCreate };
  }
}
