import { NotExpanded } from '../model';
import { checkKeys, literalMap } from '../properties';
import { Unit } from '../unit';
import { Dict, Path, clone, dict } from '../values';

/**
 * FunctionUrlConfig: an AWS::Lambda::Url for the function (or its alias). With AuthType NONE SAM also
 * makes it public: one permission for lambda:InvokeFunctionUrl and one for lambda:InvokeFunction through
 * the URL, both for Principal '*'.
 */
export function addFunctionUrl(unit: Unit, fnId: string, config: unknown, path: Path, target: Dict, attributes: Dict): void {
  const c = literalMap(config, path, 'FunctionUrlConfig');
  checkKeys(c, ['AuthType', 'Cors', 'InvokeMode'], path, 'FunctionUrlConfig');
  if (c.AuthType === undefined) throw new NotExpanded(path, 'FunctionUrlConfig has no AuthType');
  unit.add(
    `${fnId}Url`,
    'AWS::Lambda::Url',
    dict([
      ['AuthType', clone(c.AuthType)],
      ['Cors', clone(c.Cors)],
      ['InvokeMode', clone(c.InvokeMode)],
      ['TargetFunctionArn', target],
    ]),
    attributes,
    path,
  );
  if (c.AuthType !== 'NONE') return;
  unit.add(
    `${fnId}UrlPublicPermissions`,
    'AWS::Lambda::Permission',
    {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: target,
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    },
    attributes,
    path,
  );
  unit.add(
    `${fnId}URLInvokeAllowPublicAccess`,
    'AWS::Lambda::Permission',
    {
      Action: 'lambda:InvokeFunction',
      FunctionName: target,
      InvokedViaFunctionUrl: true,
      Principal: '*',
    },
    attributes,
    path,
  );
}
