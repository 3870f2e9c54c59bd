import { Catalog, Control, Mode, compareIds, modeOf, catalogLabel } from '@tarmac/core';

/** What moving from one catalog to another changes, in the terms a workload team reviews a bump in. */
export interface CatalogDiff {
  readonly from: string;
  readonly to: string;
  readonly added: { id: string; title: string; modes: Record<string, Mode> }[];
  readonly removed: { id: string; title: string }[];
  /** Per profile: controls whose mode changes (a new control appears here too, from 'absent'). */
  readonly modes: { profile: string; id: string; from: Mode | 'absent'; to: Mode | 'absent' }[];
  readonly profilesAdded: string[];
  readonly profilesRemoved: string[];
  readonly ruleChanged: string[];
  /** Metadata fields that changed per control (severity, title, message, fix, resourceTypes, unresolved). */
  readonly metadata: { id: string; field: string; from: string; to: string }[];
  readonly tags: { key: string; change: string }[];
}

const FIELDS = ['title', 'severity', 'message', 'fix', 'resourceTypes', 'unresolved'] as const;

export function diffCatalogs(a: Catalog, b: Catalog): CatalogDiff {
  const before = new Map(a.controls.map((c) => [c.id, c]));
  const after = new Map(b.controls.map((c) => [c.id, c]));
  const profiles = [...new Set([...a.profiles.keys(), ...b.profiles.keys()])].sort();
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareIds);
  const modeIn = (catalog: Catalog, profile: string, id: string, has: boolean): Mode | 'absent' => {
    const p = catalog.profiles.get(profile);
    return p && has ? modeOf(p, id) : 'absent';
  };
  const modes: CatalogDiff['modes'] = [];
  for (const profile of profiles) {
    for (const id of ids) {
      const from = modeIn(a, profile, id, before.has(id));
      const to = modeIn(b, profile, id, after.has(id));
      if (from !== to && !(from === 'absent' && to === 'off') && !(from === 'off' && to === 'absent')) modes.push({ profile, id, from, to });
    }
  }
  const metadata: CatalogDiff['metadata'] = [];
  const ruleChanged: string[] = [];
  for (const id of ids) {
    const x = before.get(id);
    const y = after.get(id);
    if (!x || !y) continue;
    if (x.guard !== y.guard) ruleChanged.push(id);
    for (const field of FIELDS) {
      const from = show(x[field]);
      const to = show(y[field]);
      if (from !== to) metadata.push({ id, field, from, to });
    }
  }
  return {
    from: catalogLabel(a),
    to: catalogLabel(b),
    added: ids.filter((id) => !before.has(id)).map((id) => ({ id, title: after.get(id)!.title, modes: modesOf(b, after.get(id)!) })),
    removed: ids.filter((id) => !after.has(id)).map((id) => ({ id, title: before.get(id)!.title })),
    modes,
    profilesAdded: profiles.filter((p) => !a.profiles.has(p)),
    profilesRemoved: profiles.filter((p) => !b.profiles.has(p)),
    ruleChanged,
    metadata,
    tags: tagChanges(a, b),
  };
}

export function isEmptyDiff(d: CatalogDiff): boolean {
  return !(
    d.added.length ||
    d.removed.length ||
    d.modes.length ||
    d.profilesAdded.length ||
    d.profilesRemoved.length ||
    d.ruleChanged.length ||
    d.metadata.length ||
    d.tags.length
  );
}

function modesOf(catalog: Catalog, control: Control): Record<string, Mode> {
  return Object.fromEntries([...catalog.profiles].sort(([x], [y]) => x.localeCompare(y)).map(([name, p]) => [name, modeOf(p, control.id)]));
}

function show(value: unknown): string {
  return Array.isArray(value) ? [...value].sort().join(', ') : String(value ?? '');
}

function tagChanges(a: Catalog, b: Catalog): CatalogDiff['tags'] {
  const before = new Map(a.tags.map((t) => [t.key, t]));
  const after = new Map(b.tags.map((t) => [t.key, t]));
  const out: CatalogDiff['tags'] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(key);
    const y = after.get(key);
    if (!x) out.push({ key, change: 'now mandatory' });
    else if (!y) out.push({ key, change: 'no longer mandatory' });
    else {
      if (show(x.values) !== show(y.values)) out.push({ key, change: `allowed values ${show(x.values) || '(any)'} -> ${show(y.values) || '(any)'}` });
      if ((x.pattern ?? '') !== (y.pattern ?? '')) out.push({ key, change: `pattern ${x.pattern ?? '(none)'} -> ${y.pattern ?? '(none)'}` });
    }
  }
  return out;
}

/** The text report: what newly blocks first, since that is what breaks a pipeline. */
export function formatCatalogDiff(d: CatalogDiff): string {
  if (isEmptyDiff(d)) return `${d.from} -> ${d.to}: no differences\n`;
  const out = [`${d.from} -> ${d.to}`];
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push('', `${title}:`, ...lines.map((l) => `  ${l}`));
  };
  const blocking = d.modes.filter((m) => m.to === 'enforce');
  section(
    'Newly blocking (enforce)',
    blocking.map((m) => `${m.profile}: ${m.id} ${m.from} -> enforce`),
  );
  section(
    'Other mode changes',
    d.modes.filter((m) => m.to !== 'enforce').map((m) => `${m.profile}: ${m.id} ${m.from} -> ${m.to}`),
  );
  section(
    'Controls added',
    d.added.map(
      (c) =>
        `${c.id} ${c.title} (${Object.entries(c.modes)
          .map(([p, m]) => `${p}: ${m}`)
          .join(', ')})`,
    ),
  );
  section(
    'Controls removed',
    d.removed.map((c) => `${c.id} ${c.title}`),
  );
  section('Rule text changed', d.ruleChanged);
  section(
    'Metadata changed',
    d.metadata.map((m) => `${m.id} ${m.field}: ${m.from} -> ${m.to}`),
  );
  section('Profiles', [...d.profilesAdded.map((p) => `${p} added`), ...d.profilesRemoved.map((p) => `${p} removed`)]);
  section(
    'Mandatory tags',
    d.tags.map((t) => `${t.key}: ${t.change}`),
  );
  return out.join('\n') + '\n';
}
