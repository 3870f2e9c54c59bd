import { Control, SEVERITIES, Severity, compareIds } from '@tarmac/core';
import { Finding } from './findings';

/**
 * With --control-tower, a catalog control and a Control Tower rule its metadata declares equivalent
 * (`controlTower: [CT...]`) often fail on the same resource: one defect, one finding. The catalog control's
 * finding stays, names the Control Tower rules it stands for, and takes the stricter mode and the more severe
 * severity of them all, so merging never softens a verdict.
 *
 * Fail closed: a Control Tower finding is absorbed only by a catalog finding of an equivalent control on the
 * same resource (file, stack, logical ID) with the same verdict. Anything else (another resource, a
 * template-level finding, a catalog control that passed there, or one unknown until deploy where the Control
 * Tower rule fails outright) stays as it was.
 */
export function mergeControlTowerEquivalents(findings: readonly Finding[], controls: readonly Pick<Control, 'id' | 'controlTower'>[]): Finding[] {
  const equivalents = new Map(controls.filter((c) => c.controlTower?.length).map((c) => [c.id, new Set(c.controlTower)]));
  const catalogAt = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.origin !== 'catalog' || !equivalents.has(f.controlId) || f.logicalId === undefined) continue;
    const key = resourceKey(f);
    const at = catalogAt.get(key);
    if (at) at.push(f);
    else catalogAt.set(key, [f]);
  }
  const absorbed = new Map<Finding, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const claimants =
      f.origin === 'control-tower' && f.logicalId !== undefined
        ? (catalogAt.get(resourceKey(f)) ?? []).filter((c) => equivalents.get(c.controlId)!.has(f.controlId))
        : [];
    if (!claimants.length) {
      out.push(f);
      continue;
    }
    for (const c of claimants) {
      const by = absorbed.get(c);
      if (by) by.push(f);
      else absorbed.set(c, [f]);
    }
  }
  return out.map((f) => {
    const ct = absorbed.get(f);
    if (!ct) return f;
    const all = [f, ...ct];
    const merged: Finding = {
      ...f,
      mode: all.some((x) => x.mode === 'enforce') ? 'enforce' : f.mode,
      severity: mostSevere(all.map((x) => x.severity)),
      controlTowerIds: [...new Set([...(f.controlTowerIds ?? []), ...ct.map((x) => x.controlId)])].sort(compareIds),
    };
    return merged;
  });
}

function resourceKey(f: Finding): string {
  return `${f.file}\0${f.stack ?? ''}\0${f.logicalId}\0${f.verdict}`;
}

function mostSevere(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (SEVERITIES.indexOf(b) < SEVERITIES.indexOf(a) ? b : a));
}
