import { Catalog } from '../catalog/model';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors } from '../errors';
import { Organization } from '../org/model';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { permissionsBoundaryDocument } from './boundary-statements';
import { AccountBaselineSettings, SecurityServices } from './model';

interface AccountBaselineSource {
  ebsDefaultKey?: { alias: string };
  profiles: Record<string, { securityServices: SecurityServices; accessAnalyzer?: { unusedAccessAgeDays?: number } }>;
}

/**
 * policies/baselines/account.yaml resolved per profile: the shared settings, the profile's own, the home
 * region of org.yaml and the permissions boundary of the catalog. Throws InputErrors naming every problem.
 */
export function loadAccountBaseline(file: string, catalog: Catalog, org: Organization): Map<string, AccountBaselineSettings> {
  const doc = readSourceFile(file);
  const schemaProblems = validateAgainstSchema(doc, loadSchema('account-baseline'));
  if (schemaProblems.length) throw new InputErrors(schemaProblems);
  const src = doc.value as AccountBaselineSource;
  const errors: InputError[] = [...profileNameProblems(doc, Object.keys(src.profiles), catalog)];

  const alias = src.ebsDefaultKey?.alias;
  // KMS reserves alias/aws/ for AWS managed keys; CreateAlias refuses it.
  if (alias?.toLowerCase().startsWith('alias/aws/'))
    errors.push(
      new InputError(
        doc.locate(['ebsDefaultKey', 'alias']),
        `alias ${alias} is in the alias/aws/ namespace AWS reserves for its managed keys`,
        'an alias such as alias/tarmac/ebs-default',
      ),
    );

  const boundary = permissionsBoundaryDocument(catalog, doc.locate([]));
  if (Array.isArray(boundary)) errors.push(...boundary);
  if (errors.length || Array.isArray(boundary)) throw new InputErrors(errors);

  const settings = new Map<string, AccountBaselineSettings>();
  for (const [profile, p] of Object.entries(src.profiles)) {
    settings.set(profile, {
      profile,
      homeRegion: org.regions.home,
      permissionsBoundary: boundary,
      accessAnalyzer: p.accessAnalyzer?.unusedAccessAgeDays === undefined ? {} : { unusedAccessAgeDays: p.accessAnalyzer.unusedAccessAgeDays },
      ...(alias ? { ebsDefaultKey: { alias } } : {}),
      securityServices: { ...p.securityServices },
    });
  }
  return settings;
}

/** Profile keys of account.yaml and network.yaml name profiles of policies/profiles. */
export function profileNameProblems(doc: SourceDocument, names: readonly string[], catalog: Catalog): InputError[] {
  const known = [...catalog.profiles.keys()];
  return names
    .filter((n) => !catalog.profiles.has(n))
    .map((n) => {
      const close = closestMatch(n, known);
      return new InputError(
        doc.locate(['profiles', n]),
        `unknown profile ${n}${close ? `; did you mean ${close}?` : ''}`,
        `a profile of policies/profiles (${known.join(', ')})`,
      );
    });
}
