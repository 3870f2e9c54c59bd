import { Catalog, ExemptionSet, controlIdsOf, exemptionFor } from '@tarmac/core';
import { Finding } from './findings';

/** Where a template deploys, as far as the check knows: the account's ID and the stack's name. */
export interface TemplateDeployment {
  readonly accountId?: string;
  readonly stackName?: string;
}

/**
 * Marks each finding an exemption covers (by the control's ID or an alias, at the template's account, stack
 * and the resource's logical ID). A finding whose account is unknown is never exempted: every exemption is
 * scoped to accounts, so without one Tarmac cannot tell that it applies. A finding of a Control Tower or custom
 * rule is exempted only through the catalog control it is reported as.
 */
export function exemptFindings(findings: readonly Finding[], deploymentOf: (f: Finding) => TemplateDeployment, set: ExemptionSet, catalog: Catalog): Finding[] {
  const idsOf = new Map(catalog.controls.map((c) => [c.id, controlIdsOf(c)]));
  return findings.map((f) => {
    const { accountId, stackName } = deploymentOf(f);
    const ids = idsOf.get(f.controlId);
    if (!accountId || !ids) return f;
    const match = exemptionFor(set, ids, { accountId, stack: stackName, logicalId: f.logicalId });
    if (!match) return f;
    const { exemption, status } = match;
    return {
      ...f,
      exemption: {
        id: exemption.id,
        status,
        expires: exemption.expires.toISOString().slice(0, 10),
        reason: exemption.reason,
        owner: exemption.owner,
        ...(exemption.ticket ? { ticket: exemption.ticket } : {}),
      },
    };
  });
}
