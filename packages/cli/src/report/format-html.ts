import { describeExemption } from './format-csv';
import { controlsText, liveSummary } from './live/live-summary';
import { CellStatus, POINTS, ReportAccountControl, ReportModel, STATUSES } from './report-model';

/** Up to this many cells, each carries its explanation as a title attribute; beyond, the page's script adds it on hover. */
const INLINE_TITLES_UP_TO = 60_000;

export const STATUS_LETTER: Readonly<Record<CellStatus, string>> = { enforce: 'E', warn: 'W', detect: 'D', 'partly-exempt': 'P', exempt: 'X' };
const STATUS_CLASS: Readonly<Record<CellStatus, string>> = { enforce: 'sE', warn: 'sW', detect: 'sD', 'partly-exempt': 'sP', exempt: 'sX' };

/** What a cell says, shared by every cell that says the same: status, points and exemptions. */
interface Kind {
  readonly s: CellStatus;
  readonly p: readonly string[];
  readonly t: string;
}

/**
 * One self-contained HTML file (inline CSS and script, nothing fetched): the accounts × controls matrix with
 * filters (OU, profile, framework, point, status), each cell explaining itself (title, and details on click),
 * the exemptions in force and the framework view; printable. Without script the matrix is still complete.
 */
export function* renderHtml(model: ReportModel): Generator<string> {
  const kinds: Kind[] = [];
  const kindIndex = new Map<string, number>();
  const kindOf = (c: ReportAccountControl): number => {
    const t = cellText(c);
    const key = `${c.status}\0${t}`;
    let k = kindIndex.get(key);
    if (k === undefined) {
      k = kinds.length;
      kinds.push({ s: c.status, p: [...new Set(c.points.map((p) => p.point))], t });
      kindIndex.set(key, k);
    }
    return k;
  };
  const controlIndex = new Map(model.controls.map((c, i) => [c.id, i]));
  const inlineTitles = model.accounts.length * model.controls.length <= INLINE_TITLES_UP_TO;
  const frameworks = Object.keys(model.frameworks);
  const ous = [...new Set(model.accounts.flatMap((a) => a.ou.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))))].sort();
  const profiles = [...new Set(model.accounts.map((a) => a.profile))].sort();
  const title = `Compliance report: ${model.catalog.label}`;

  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p>Intended state from the sources (policies/, hooks/, stacksets/), with the exemptions in force on <time datetime="${esc(model.at)}">${esc(model.at)}</time> (UTC). ${model.accounts.length} accounts, ${model.controls.length} controls.</p>${
    model.live ? `\n<p class="live"><a href="#live">Live</a>: ${esc(liveSummary(model.live))}</p>` : ''
  }
</header>
<form id="filters" class="no-print" aria-label="Filters">
${select('f-ou', 'OU', ous)}
${select('f-profile', 'Profile', profiles)}
${select('f-framework', 'Framework', frameworks)}
${select('f-point', 'Point', [...POINTS])}
${select('f-status', 'Status', [...STATUSES])}
<button type="reset" id="f-reset">Clear</button>
<output id="shown" aria-live="polite"></output>
</form>
<p class="legend">${STATUSES.map((s) => `<span class="cell ${STATUS_CLASS[s]}">${STATUS_LETTER[s]}</span> ${esc(s)}`).join(' &nbsp; ')} &nbsp; <span class="cell"></span> does not apply. Hover or click a cell for how each point enforces the control there.</p>
<div class="wrap">
<table id="matrix">
<thead><tr><th class="acct">Account</th><th>OU</th><th>Profile</th>${model.controls
    .map(
      (c) =>
        `<th class="c" scope="col" title="${esc(`${c.id}: ${c.title} (${c.severity}${c.aliases.length ? `; also ${c.aliases.join(', ')}` : ''})`)}"><span>${esc(c.id)}</span></th>`,
    )
    .join('')}</tr></thead>
<tbody>
`;
  const cells: number[][] = [];
  const liveFindings = new Map((model.live?.accounts ?? []).map((a) => [a.id, a.findings]));
  for (const a of model.accounts) {
    const row = new Array<number>(model.controls.length).fill(-1);
    for (const c of a.controls) row[controlIndex.get(c.id)!] = kindOf(c);
    cells.push(row);
    const tds = row
      .map((k, j) => {
        if (k < 0) return '<td></td>';
        const kind = kinds[k];
        const tip = inlineTitles ? ` title="${esc(`${a.name} × ${model.controls[j].id}\n${kind.t}`)}"` : '';
        return `<td class="k${k} ${STATUS_CLASS[kind.s]}"${tip}>${STATUS_LETTER[kind.s]}</td>`;
      })
      .join('');
    const differences = liveFindings.get(a.id) ?? 0;
    const badge = differences ? ` <a class="diffs" href="#live" title="${differences} live difference${differences === 1 ? '' : 's'}">${differences}</a>` : '';
    yield `<tr><th class="acct" scope="row" title="${esc(`${a.name} (${a.id}), OU ${a.ou}, profile ${a.profile}, regions ${a.regions.join(', ')}${a.baselines.length ? `; baselines ${a.baselines.map((b) => b.stackSet).join(', ')}` : ''}`)}">${esc(a.name)}${badge}<small>${esc(a.id)}</small></th><td>${esc(a.ou)}</td><td>${esc(a.profile)}</td>${tds}</tr>\n`;
  }
  yield `</tbody>
</table>
</div>
<section id="details" class="no-print" aria-live="polite"><p>Click a cell to see how each enforcement point applies the control in that account.</p></section>
`;
  if (model.live) yield liveSection(model);
  yield exemptionsSection(model);
  yield frameworksSection(model);
  yield `<section><h2>Notes</h2><ul>${[
    ...model.notes,
    `management account ${model.managementAccount.name} (${model.managementAccount.id}): ${model.managementAccount.note}`,
  ]
    .map((n) => `<li>${esc(n)}</li>`)
    .join('')}</ul></section>
`;
  const data = {
    kinds,
    accounts: model.accounts.map((a) => ({ name: a.name, ou: a.ou, profile: a.profile })),
    controls: model.controls.map((c) => ({ id: c.id, title: c.title, fw: Object.keys(c.frameworks) })),
    cells,
  };
  // `<` never appears raw inside the script element, so no text in the data can close it.
  yield `<script type="application/json" id="report-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A cell's explanation: status, one line per point, then the exemptions in force. */
function cellText(c: ReportAccountControl): string {
  return [
    `status: ${c.status}`,
    ...c.points.map((p) => `${p.point}: ${p.mode}, ${p.via}`),
    ...c.exemptions.map((e) => `exemption ${describeExemption(e)}: ${e.reason}`),
  ].join('\n');
}

/** --live: every difference from the intended state (what, where, how to fix), then the deployments Guard Hooks blocked. */
function liveSection(model: ReportModel): string {
  const live = model.live!;
  const names = new Map(model.accounts.map((a) => [a.id, a.name]));
  const account = (id?: string) => (id ? `${esc(names.get(id) ?? id)}${names.has(id) ? ` <small>${esc(id)}</small>` : ''}` : '');
  const findings = live.findings
    .map(
      (f) =>
        `<tr class="diff" data-kind="${esc(f.kind)}"><td>${esc(f.kind)}</td><td>${account(f.account)}</td><td>${esc(f.region ?? '')}</td><td>${esc(f.subject)}</td><td${(f.controls?.length ?? 0) > 6 ? ` title="${esc(f.controls!.join(', '))}"` : ''}>${esc(controlsText(f.controls))}</td><td>${esc(f.message)}</td><td>${esc(f.fix)}</td></tr>`,
    )
    .join('\n');
  const blocked = live.blocked
    .map(
      (b) =>
        `<tr><td>${account(b.account)}</td><td>${esc(b.region)}</td><td>${esc(b.typeName)}</td><td>${esc(b.invokedAt ?? '')}</td><td>${esc(b.target ?? '')}</td><td>${esc(b.controls.join(', '))}</td></tr>`,
    )
    .join('\n');
  return `<section id="live"><h2>Live: what AWS says</h2><p>${esc(liveSummary(live))}</p>
${
  findings
    ? `<table class="list"><thead><tr><th>Difference</th><th>Account</th><th>Region</th><th>Subject</th><th>Controls</th><th>What</th><th>Fix</th></tr></thead><tbody>
${findings}
</tbody></table>`
    : ''
}${
    blocked
      ? `<h3>Deployments the Guard Hooks blocked</h3><table class="list"><thead><tr><th>Account</th><th>Region</th><th>Hook</th><th>When</th><th>Target</th><th>Controls</th></tr></thead><tbody>
${blocked}
</tbody></table>`
      : ''
  }</section>
`;
}

function exemptionsSection(model: ReportModel): string {
  const byId = new Map<string, { text: string; reason: string; cells: string[] }>();
  for (const a of model.accounts)
    for (const c of a.controls)
      for (const e of c.exemptions) {
        const entry = byId.get(e.id) ?? { text: describeExemption(e), reason: e.reason, cells: [] };
        entry.cells.push(`${a.name} × ${c.id}`);
        byId.set(e.id, entry);
      }
  if (!byId.size) return '<section><h2>Exemptions in force</h2><p>None.</p></section>\n';
  const rows = [...byId]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, e]) => `<tr><td>${esc(e.text)}</td><td>${esc(e.reason)}</td><td>${esc(e.cells.join(', '))}</td></tr>`)
    .join('\n');
  return `<section><h2>Exemptions in force</h2><table class="list"><thead><tr><th>Exemption</th><th>Reason</th><th>Account × control</th></tr></thead><tbody>
${rows}
</tbody></table></section>
`;
}

function frameworksSection(model: ReportModel): string {
  const parts = Object.entries(model.frameworks).map(([name, fw]) => {
    const rows = fw.requirements
      .map(
        (r) =>
          `<tr><td>${esc(r.id)}</td><td>${r.controls
            .map(
              (c) =>
                `${esc(c.id)} <small>(${c.accounts.length} account${c.accounts.length === 1 ? '' : 's'}${c.accounts.length ? `: ${esc(c.accounts.join(', '))}` : ''})</small>`,
            )
            .join('<br>')}</td></tr>`,
      )
      .join('\n');
    const uncovered = fw.uncovered ? (fw.uncovered.length ? esc(fw.uncovered.join(', ')) : 'none') : esc(fw.note.replace(/^uncovered requirements /, ''));
    return `<section class="framework" data-framework="${esc(name)}"><h3>${esc(name)}</h3><table class="list"><thead><tr><th>Requirement</th><th>Controls (accounts where they apply)</th></tr></thead><tbody>
${rows}
</tbody></table><p>Uncovered requirements: ${uncovered}.</p></section>`;
  });
  return `<section><h2>Frameworks</h2>\n${parts.join('\n')}\n</section>\n`;
}

function select(id: string, label: string, values: readonly string[]): string {
  return `<label for="${id}">${esc(label)} <select id="${id}"><option value="">all</option>${values.map((v) => `<option>${esc(v)}</option>`).join('')}</select></label>`;
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem;color:#111}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.5rem}h3{font-size:1rem}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.5rem 0;padding:.5rem;background:#f3f4f6;border-radius:4px}
.legend{font-size:.85rem}
.wrap{overflow:auto;max-height:75vh;border:1px solid #ccc}
#matrix{border-collapse:collapse;font-size:12px}
#matrix th,#matrix td{border:1px solid #ddd;padding:2px 4px;text-align:center;white-space:nowrap}
#matrix thead th{position:sticky;top:0;background:#fff;z-index:2;vertical-align:bottom}
#matrix th.c span{writing-mode:vertical-rl;transform:rotate(180deg)}
#matrix th.acct{position:sticky;left:0;background:#fff;z-index:1;text-align:left}
#matrix thead th.acct{z-index:3}
#matrix th.acct small{display:block;color:#666;font-weight:normal}
#matrix td[class]{cursor:pointer;font-weight:600}
.cell{display:inline-block;min-width:1.2em;text-align:center;border:1px solid #ccc;font-weight:600}
.sE{background:#c6f0c6}.sW{background:#fde9a8}.sD{background:#d6e4ff}.sP{background:#f2d0f5}.sX{background:#e5e5e5;color:#555}
td.sel{outline:2px solid #000}
a.diffs{display:inline-block;margin-left:.3em;padding:0 .35em;border-radius:.6em;background:#b91c1c;color:#fff;font-size:.75rem;text-decoration:none}
p.live{padding:.3rem .5rem;border-left:4px solid #b91c1c;background:#fef2f2}
#details{margin-top:.5rem;padding:.5rem;border:1px solid #ccc;white-space:pre-wrap;font-size:.9rem}
table.list{border-collapse:collapse;font-size:.85rem}table.list th,table.list td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
[hidden]{display:none!important}
@media print{
  @page{size:landscape;margin:1cm}
  .no-print{display:none!important}
  body{margin:0;font-size:9pt}
  .wrap{overflow:visible;max-height:none;border:0}
  #matrix{font-size:7pt}
  #matrix thead{display:table-header-group}
  #matrix tr{break-inside:avoid}
  #matrix thead th,#matrix th.acct{position:static}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var rows = document.querySelectorAll('#matrix tbody tr');
  var style = document.createElement('style');
  document.head.appendChild(style);
  var ids = ['f-ou', 'f-profile', 'f-framework', 'f-point', 'f-status'];
  function val(id) { return document.getElementById(id).value; }
  function apply() {
    var ou = val('f-ou'), profile = val('f-profile'), fw = val('f-framework'), point = val('f-point'), status = val('f-status');
    var filtering = point !== '' || status !== '';
    var kindOk = data.kinds.map(function (k) { return (!point || k.p.indexOf(point) >= 0) && (!status || k.s === status); });
    var accOk = data.accounts.map(function (a) { return (!ou || a.ou === ou || a.ou.indexOf(ou + '/') === 0) && (!profile || a.profile === profile); });
    var ctlOk = data.controls.map(function (c) { return !fw || c.fw.indexOf(fw) >= 0; });
    var rowHit = [], colHit = data.controls.map(function () { return false; });
    data.cells.forEach(function (row, i) {
      rowHit[i] = false;
      if (!accOk[i]) return;
      row.forEach(function (k, j) {
        if (k >= 0 && ctlOk[j] && kindOk[k]) { rowHit[i] = true; colHit[j] = true; }
      });
    });
    var shownRows = 0, shownCols = 0, css = [];
    for (var i = 0; i < rows.length; i++) {
      var show = accOk[i] && (!filtering || rowHit[i]);
      rows[i].hidden = !show;
      if (show) shownRows++;
    }
    data.controls.forEach(function (c, j) {
      if (ctlOk[j] && (!filtering || colHit[j])) shownCols++;
      else css.push('#matrix tr>:nth-child(' + (j + 4) + '){display:none}');
    });
    var dim = [];
    if (filtering) kindOk.forEach(function (ok, k) { if (!ok) dim.push('#matrix td.k' + k); });
    if (dim.length) css.push(dim.join(',') + '{opacity:.2}');
    style.textContent = css.join('\\n');
    document.getElementById('shown').textContent = shownRows + ' of ' + data.accounts.length + ' accounts, ' + shownCols + ' of ' + data.controls.length + ' controls';
  }
  ids.forEach(function (id) { document.getElementById(id).addEventListener('change', apply); });
  document.getElementById('filters').addEventListener('reset', function () { setTimeout(apply, 0); });
  function cellAt(target) {
    var td = target.closest && target.closest('#matrix tbody td');
    if (!td || !td.className) return null;
    var k = Number(/k(\\d+)/.exec(td.className)[1]);
    var tr = td.parentNode, i = Array.prototype.indexOf.call(rows, tr), j = td.cellIndex - 3;
    return { td: td, kind: data.kinds[k], account: data.accounts[i], control: data.controls[j] };
  }
  var table = document.getElementById('matrix');
  table.addEventListener('mouseover', function (e) {
    var c = cellAt(e.target);
    if (c && !c.td.title) c.td.title = c.account.name + ' \\u00d7 ' + c.control.id + '\\n' + c.kind.t;
  });
  var selected = null;
  table.addEventListener('click', function (e) {
    var c = cellAt(e.target);
    if (!c) return;
    if (selected) selected.classList.remove('sel');
    selected = c.td;
    selected.classList.add('sel');
    var box = document.getElementById('details');
    box.textContent = '';
    var h = document.createElement('h2');
    h.textContent = c.account.name + ' \\u00d7 ' + c.control.id + ': ' + c.control.title;
    var body = document.createElement('div');
    body.textContent = c.kind.t;
    box.appendChild(h);
    box.appendChild(body);
  });
  apply();
})();
`;
