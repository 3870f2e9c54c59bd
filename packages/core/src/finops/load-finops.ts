import * as fs from 'fs';
import * as path from 'path';
import { Catalog } from '../catalog/model';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { Organization } from '../org/model';
import { LoadedBudgets, loadBudgets } from './load-budgets';
import { loadAnomalyDetection } from './load-anomaly-detection';
import { loadCostExport } from './load-cost-export';
import { AnomalyDetection, CostExport, FinOpsBuild } from './model';
import { savedQueryPrincipalTags, savedQueryTags } from './saved-queries';

/** The files of policies/finops/, each optional. */
export const FINOPS_FILES = { budgets: 'budgets.yaml', anomalyDetection: 'anomaly-detection.yaml', costExport: 'cost-export.yaml' } as const;

/**
 * Loads and validates policies/finops/ (budgets.yaml, anomaly-detection.yaml, cost-export.yaml) against the
 * catalog's tags and org.yaml. Undefined when policies/finops/ does not exist. Throws InputErrors naming every
 * problem of every file. Tarmac's own SCPs are not counted against the budget SCPs' attachment quota here
 * (building them is async): checkBudgetAttachments does that once they are built.
 */
export function loadFinOps(catalog: Catalog, org: Organization): FinOpsBuild | undefined {
  const dir = path.join(catalog.root, 'finops');
  if (!fs.existsSync(dir)) return undefined;
  const file = (name: string) => (fs.existsSync(path.join(dir, name)) ? path.join(dir, name) : undefined);
  const files = { budgets: file(FINOPS_FILES.budgets), anomalyDetection: file(FINOPS_FILES.anomalyDetection), costExport: file(FINOPS_FILES.costExport) };
  const errors: InputError[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      errors.push(...collectInputErrors(err));
      return undefined;
    }
  };

  const loaded: LoadedBudgets | undefined = files.budgets
    ? attempt(() => loadBudgets(files.budgets!, catalog, org))
    : { notifications: { topics: [], emails: [] }, budgets: [] };
  // Subscriptions name budgets.yaml's targets; when that file failed, its own errors say why, so skip them.
  const anomalyDetection: AnomalyDetection | undefined =
    files.anomalyDetection && loaded ? attempt(() => loadAnomalyDetection(files.anomalyDetection!, catalog, loaded.notifications)) : undefined;
  const costExport: CostExport | undefined = files.costExport ? attempt(() => loadCostExport(files.costExport!, catalog, org)) : undefined;
  if (errors.length) throw new InputErrors(errors);

  const tagKeys = catalog.tags.map((t) => t.key);
  const costAllocationTags = [
    ...new Set([
      ...loaded!.budgets.map((b) => b.scope.tag),
      ...(anomalyDetection?.monitors ?? []).flatMap((m) => (m.tag ? [m.tag] : [])),
      ...(costExport ? savedQueryTags(costExport.includeIamPrincipal, tagKeys) : []),
    ]),
  ].sort();
  const principalCostAllocationTags = costExport ? savedQueryPrincipalTags(costExport.includeIamPrincipal, tagKeys).sort() : [];
  return {
    notifications: loaded!.notifications,
    budgets: loaded!.budgets,
    anomalyDetection,
    costExport,
    costAllocationTags,
    principalCostAllocationTags,
    files: {
      ...(files.budgets ? { budgets: files.budgets } : {}),
      ...(files.anomalyDetection ? { anomalyDetection: files.anomalyDetection } : {}),
      ...(files.costExport ? { costExport: files.costExport } : {}),
    },
  };
}
