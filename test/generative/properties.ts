/**
 * The properties every mutant must have, checked on the reports of both engines:
 *   P1 no crash: checkSources does not throw, and no error reads like a JavaScript failure;
 *   P2 every error names the mutant's file, and a parse or shape error also a line;
 *   P3 fail closed: a mutant of a template that blocked does not pass (see Meaning for what each class
 *      of mutant must keep); P3b a third-party type changes nothing;
 *   P4 the engines agree on findings (file, control, logical ID, mode) and on which files have errors.
 */
import { InputError } from '@tarmac/core';
import { Finding } from '@tarmac/guard';
import { FileResult, RunResult } from './harness';
import { Mutant } from './mutant';
import { Base } from './seeds';

export const CRASH_PATTERNS: readonly RegExp[] = [
  /\n\s+at /,
  /TypeError/,
  /RangeError/,
  /ReferenceError/,
  /SyntaxError: /,
  /Cannot read propert/,
  /is not a function/,
  /is not iterable/,
  /Converting circular structure/,
  /Maximum call stack/,
  /undefined is not/,
  /\[object Object\]/,
];

/**
 * Errors that need no line: from evaluating rules, or about the file as a whole (not text, empty, unreadable).
 * Anything else is about parsing or the shape of the template, and says where.
 */
const NO_LINE_NEEDED = /Guard engine|Guard rule|cfn-guard|not a text file|the file is empty|cannot read/i;

/** A checked file: a mutant, or an unmutated base (family `original`), with what its verdict is compared to. */
export interface Subject {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly mutant?: Mutant;
  readonly base: Base;
  readonly controlTower: boolean;
}

export interface Violation {
  readonly property: 'P1 no crash' | 'P2 errors name file and line' | 'P3 fail closed' | 'P3b third-party type stays allowed' | 'P4 engines agree';
  /** Coarse kind, for grouping: e.g. "exit 0", "lost blocking finding". */
  readonly kind: string;
  readonly subject?: Subject;
  readonly engine: string;
  readonly detail: string;
}

const key = (f: Pick<Finding, 'controlId' | 'logicalId'>) => `${f.controlId} ${f.logicalId ?? '(template)'}`;

export function crashMatch(message: string): string | undefined {
  return CRASH_PATTERNS.find((p) => p.test(message))?.source;
}

/** P1 and P2 for one engine run. */
export function checkRun(run: RunResult, subjects: readonly Subject[]): Violation[] {
  const out: Violation[] = [];
  if (run.thrown !== undefined) {
    const e = run.thrown as Error;
    out.push({
      property: 'P1 no crash',
      kind: 'checkSources threw',
      engine: run.engine,
      detail:
        `${e?.stack ?? String(e)}`.slice(0, 1500) +
        `\n(run of ${subjects.length} files: ${subjects
          .slice(0, 5)
          .map((s) => s.file)
          .join(', ')}...)`,
    });
  }
  for (const e of run.stray) {
    out.push({ property: 'P2 errors name file and line', kind: 'error names no checked file', engine: run.engine, detail: describeError(e) });
    const crash = crashMatch(e.message);
    if (crash) out.push({ property: 'P1 no crash', kind: `error text matches /${crash}/`, engine: run.engine, detail: describeError(e) });
  }
  for (const s of subjects) {
    const r = run.byFile.get(s.file);
    if (!r) continue;
    for (const e of r.errors) {
      const crash = crashMatch(e.message) ?? crashMatch(String(e.problem ?? ''));
      if (crash) out.push({ property: 'P1 no crash', kind: `error text matches /${crash}/`, subject: s, engine: run.engine, detail: describeError(e) });
      if (!(e instanceof InputError))
        out.push({ property: 'P1 no crash', kind: 'error is not an InputError', subject: s, engine: run.engine, detail: describeError(e) });
      if (!NO_LINE_NEEDED.test(e.message) && (e.location?.line === undefined || e.location.line < 1)) {
        out.push({
          property: 'P2 errors name file and line',
          kind: 'parse/shape error without a line',
          subject: s,
          engine: run.engine,
          detail: describeError(e),
        });
      }
    }
  }
  return out;
}

/** P3 and P3b: a subject's verdict against its base's verdict on the same engine. */
export function checkFailClosed(s: Subject, engine: string, base: FileResult | undefined, m: FileResult | undefined): Violation[] {
  const mutant = s.mutant;
  if (!mutant || !base || !m) return [];
  const out: Violation[] = [];
  const v = (property: Violation['property'], kind: string, detail: string) => out.push({ property, kind, subject: s, engine, detail });
  // Resources a transform generates from a written one (SAM: `Fn` -> `FnRole`) follow its rename.
  const written = (s.base.doc.Resources ?? {}) as object;
  const rename = (id: string): string => {
    if (mutant.renames?.[id] !== undefined) return mutant.renames[id];
    if (Object.prototype.hasOwnProperty.call(written, id)) return id;
    const from = Object.keys(mutant.renames ?? {}).find((r) => id.startsWith(r));
    return from ? mutant.renames![from] + id.slice(from.length) : id;
  };
  const renamed = (f: Finding) => ({ controlId: f.controlId, logicalId: f.logicalId !== undefined ? rename(f.logicalId) : undefined });
  const blocking = base.findings.filter((f) => f.mode === 'enforce').map(renamed);
  const verdict = `base exit ${base.exit} [${base.findings.map((f) => `${key(f)} ${f.mode}`).join(', ')}]; mutant exit ${m.exit} [${m.findings.map((f) => `${key(f)} ${f.mode}/${f.verdict}`).join(', ')}]${m.errors.length ? ` errors: ${m.errors.map((e) => e.message).join(' | ')}` : ''}`;

  if (mutant.sameAsBase && base.exit !== 2) {
    const a = new Set(base.findings.map((f) => `${key(f)} ${f.mode}`));
    const b = new Set(m.findings.map((f) => `${key(f)} ${f.mode}`));
    if (m.exit !== base.exit) v('P3b third-party type stays allowed', `exit ${base.exit} -> ${m.exit}`, verdict);
    else if (a.size !== b.size || [...a].some((x) => !b.has(x))) v('P3b third-party type stays allowed', 'findings changed', verdict);
  }
  if (base.exit !== 1 || m.exit === 2) return out;
  if (mutant.preserving) {
    const have = new Set(m.findings.filter((f) => f.mode === 'enforce').map(key));
    const lost = blocking.filter((f) => !have.has(key(f)));
    if (m.exit === 0) v('P3 fail closed', 'meaning-preserving mutant exits 0', verdict);
    else if (lost.length) v('P3 fail closed', 'meaning-preserving mutant lost a blocking finding', `lost ${lost.map(key).join(', ')}; ${verdict}`);
  } else if (mutant.deployTimeValue) {
    const have = new Set(m.findings.map(key));
    const lost = blocking.filter((f) => !have.has(key(f)));
    if (lost.length) v('P3 fail closed', 'finding behind a deploy-time value vanished (not even unknown)', `lost ${lost.map(key).join(', ')}; ${verdict}`);
  } else if (m.exit === 0) {
    v('P3 fail closed', 'mutant of a blocking template exits 0', verdict);
  }
  return out;
}

/** The findings one engine has and the other lacks, as `control logicalId mode`. */
export function disagreement(a: FileResult, b: FileResult): { onlyA: string[]; onlyB: string[] } {
  const fk = (f: Finding) => `${f.controlId} ${f.logicalId ?? '(template)'} ${f.mode}`;
  const fa = new Set(a.findings.map(fk));
  const fb = new Set(b.findings.map(fk));
  return { onlyA: [...fa].filter((x) => !fb.has(x)), onlyB: [...fb].filter((x) => !fa.has(x)) };
}

/**
 * P4: the same findings and the same files with errors on both engines. A mutant that only repeats its
 * base's disagreement (same controls and modes) is not reported again: the base is.
 */
export function checkAgreement(
  s: Subject,
  a: { engine: string; r?: FileResult },
  b: { engine: string; r?: FileResult },
  baseA?: FileResult,
  baseB?: FileResult,
): Violation[] {
  if (!a.r || !b.r) return [];
  const engine = `${a.engine} vs ${b.engine}`;
  if (!!a.r.errors.length !== !!b.r.errors.length) {
    const show = (r: FileResult) => (r.errors.length ? r.errors.map((e) => e.message).join(' | ') : 'no errors');
    // The findings of a file one engine could not evaluate differ too: one violation says it.
    return [{ property: 'P4 engines agree', kind: 'errors differ', subject: s, engine, detail: `${a.engine}: ${show(a.r)}; ${b.engine}: ${show(b.r)}` }];
  }
  const { onlyA, onlyB } = disagreement(a.r, b.r);
  if (!onlyA.length && !onlyB.length) return [];
  // Control and mode, without the logical ID (but saying when there is none): the kind of disagreement.
  const shape = (x: string) => x.replace(/ (\S+) (\S+)$/, (_m, id: string, mode: string) => (id === '(template)' ? ` (template) ${mode}` : ` ${mode}`));
  const signature = `${a.engine} [${[...new Set(onlyA.map(shape))].sort().join(', ')}] vs ${b.engine} [${[...new Set(onlyB.map(shape))].sort().join(', ')}]`;
  if (s.mutant && baseA && baseB) {
    const base = disagreement(baseA, baseB);
    const knownA = new Set(base.onlyA.map(shape));
    const knownB = new Set(base.onlyB.map(shape));
    if (onlyA.every((x) => knownA.has(shape(x))) && onlyB.every((x) => knownB.has(shape(x)))) return [];
  }
  return [
    {
      property: 'P4 engines agree',
      kind: `findings differ: ${signature}`,
      subject: s,
      engine,
      detail: `only ${a.engine}: [${onlyA.join(', ')}]; only ${b.engine}: [${onlyB.join(', ')}]`,
    },
  ];
}

function describeError(e: InputError): string {
  const loc = e.location ? `location ${JSON.stringify(e.location)}` : 'no location';
  return `${loc}: ${String(e.message).slice(0, 800)}`;
}

// ------------------------------------------------------------------------------------------- report

/** Invisible and control characters made visible; long texts cut in the middle. */
/** Control, invisible and combining characters: shown escaped (a lone combining mark in the class is meant). */
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\u007f-\u009f\u00a0\u00ad\u0300-\u036f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufffd]/g;

export function showText(bytes: Uint8Array, max = 1400): string {
  let text = Buffer.from(bytes).toString('utf8');
  text = text.replace(INVISIBLE, (c) => (c === '\r' ? '\\r' : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`));
  text = text.replace(/[^\x00-\x7e\n]/g, (c) =>
    /\p{L}/u.test(c) && c.codePointAt(0)! > 0x7e ? `${c}\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}` : c,
  );
  if (text.length <= max) return text;
  return `${text.slice(0, max * 0.7)}\n  [... ${text.length - max} characters ...]\n${text.slice(-max * 0.3)}`;
}

/** Groups violations by (property, kind, family/variant) and shows the smallest mutant of each group. */
export function formatViolations(violations: readonly Violation[], runSeed: string, replay = `TARMAC_GEN_SEED=${runSeed}`): string {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const fam = v.subject?.mutant ? `${v.subject.mutant.family}/${v.subject.mutant.variant}` : v.subject ? 'original' : '(run)';
    const k = `${v.property} | ${v.kind} | ${fam}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(v);
  }
  const parts: string[] = [`${violations.length} violations in ${groups.size} classes (run seed ${runSeed}):`];
  const sorted = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [k, vs] of sorted) {
    const smallest = [...vs].sort((a, b) => (a.subject?.bytes.length ?? 0) - (b.subject?.bytes.length ?? 0))[0];
    const s = smallest.subject;
    const engines = [...new Set(vs.map((v) => v.engine))].join(', ');
    const lines = [`\n■ ${k}  (${vs.length}x; engines: ${engines})`];
    if (s) {
      const m = s.mutant;
      lines.push(`  file: ${s.file}${s.controlTower ? ' (with --control-tower)' : ''}`);
      lines.push(`  base: ${s.base.name}`);
      if (m)
        lines.push(
          `  seed: ${m.seed} (replay: ${replay} TARMAC_GEN_ONLY=${m.index} npx jest test/generative/fail-closed.test.ts)`,
          `  mutation: ${m.description} [${m.preserving ? 'meaning-preserving' : m.deployTimeValue ? 'deploy-time value' : 'not preserving'}]`,
        );
    }
    lines.push(`  engine ${smallest.engine}: ${smallest.detail}`);
    if (s)
      lines.push(
        '  text:',
        ...showText(s.bytes)
          .split('\n')
          .map((l) => `    | ${l}`),
      );
    parts.push(lines.join('\n'));
  }
  return parts.join('\n');
}
