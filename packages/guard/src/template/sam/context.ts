import { Globals } from './globals';
import type { DeclaredEvent } from './api/implicit';
import type { RestRoute } from './api/routes';
import type { HttpRoute } from './http-api/routes';
import { NotExpanded } from './model';
import type { SamResource } from './unit';
import { Dict, Path, get, isObject } from './values';

/** What the expansion of one SAM resource may read of the rest of the template. */
export class Context {
  readonly globals: Globals;
  /** Api events by the logical ID of the AWS::Serverless::Api they add a route to. */
  readonly restRoutes = new Map<string, RestRoute[]>();
  readonly httpRoutes = new Map<string, HttpRoute[]>();
  /** Api and HttpApi events as written, by event type: what each API should receive. */
  readonly declared = new Map<string, readonly DeclaredEvent[]>();
  /** The REST APIs of the template (the implicit one last), which may share custom domains and hosted zones. */
  readonly restApis: SamResource[] = [];
  readonly httpApis: SamResource[] = [];
  /** Logical IDs SAM gives a resource other than its own (layer versions), which references follow. */
  readonly renames = new Map<string, string>();

  constructor(
    readonly root: Readonly<Dict>,
    private readonly resources: ReadonlyMap<string, Readonly<Dict>>,
  ) {
    this.globals = new Globals(root);
  }

  /** The Type of a resource of the template as written (before SAM), if there is one with that logical ID. */
  typeOf(logicalId: string): string | undefined {
    const type = this.resources.get(logicalId)?.Type;
    return typeof type === 'string' ? type : undefined;
  }

  /** A resource of the template as written (before SAM). */
  resource(logicalId: string): Readonly<Dict> | undefined {
    return this.resources.get(logicalId);
  }

  renamed(logicalId: string): string {
    return this.renames.get(logicalId) ?? logicalId;
  }

  private parameterDefault(name: string): { value: unknown } | undefined {
    const parameter = get(get(this.root, 'Parameters'), name);
    return isObject(parameter) && Object.hasOwn(parameter, 'Default') ? { value: parameter.Default } : undefined;
  }

  /**
   * SAM resolves `Ref` to a template parameter with its Default where it needs a literal (alias names,
   * code hashes): the value without overriding parameters, which is what SAM's own tests translate.
   */
  resolveParameter(value: unknown): unknown {
    if (!isObject(value) || Object.keys(value).length !== 1 || typeof value.Ref !== 'string') return value;
    return this.parameterDefault(value.Ref)?.value ?? value;
  }

  /**
   * The same for the properties SAM resolves everywhere they appear (a Ref, or the variables of a Fn::Sub
   * string). Pseudo parameters (AWS::Region...) depend on where the stack is deployed: not expanded.
   */
  resolveStrictly(value: unknown, path: Path): unknown {
    if (!isObject(value) || Object.keys(value).length !== 1) return value;
    const pseudo = () => new NotExpanded(path, 'a value SAM resolves refers to a pseudo parameter, known only where the stack is deployed');
    if (typeof value.Ref === 'string') {
      if (value.Ref.startsWith('AWS::')) throw pseudo();
      return this.resolveParameter(value);
    }
    const text = value['Fn::Sub'];
    if (typeof text !== 'string') return value;
    return {
      'Fn::Sub': text.replace(/\$\{([^}!][^}]*)\}/g, (whole, name: string) => {
        if (name.startsWith('AWS::')) throw pseudo();
        const found = this.parameterDefault(name);
        return found && typeof found.value !== 'object' ? String(found.value) : whole;
      }),
    };
  }

  addRoute<T>(routes: Map<string, T[]>, apiId: string, route: T): void {
    const list = routes.get(apiId);
    if (list) list.push(route);
    else routes.set(apiId, [route]);
  }
}
