import { esc, renderHtml } from './format-html';
import { ReportModel } from './report-model';
import { ML_PROD_S3_2_EXPLANATION, collect, exampleModel } from './__tests__/example';

let model: ReportModel;
let html: string;
beforeAll(async () => {
  model = await exampleModel();
  html = collect(renderHtml(model));
});

const FILTERS = ['f-ou', 'f-profile', 'f-framework', 'f-point', 'f-status'];

/** Runs the page's script against a minimal stand-in for the DOM it touches: the rows, the filters, the style it writes. */
function page(text: string) {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(text)![1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(text)![1];
  const values: Record<string, string> = Object.fromEntries(FILTERS.map((id) => [id, '']));
  const listeners: Record<string, () => void> = {};
  const rows = model.accounts.map((a) => ({ name: a.name, hidden: false }));
  const style = { textContent: '' };
  const elements: Record<string, unknown> = {
    'report-data': { textContent: json },
    shown: { textContent: '' },
    filters: { addEventListener: () => undefined },
    matrix: { addEventListener: () => undefined },
    ...Object.fromEntries(
      FILTERS.map((id) => [
        id,
        {
          get value() {
            return values[id];
          },
          addEventListener: (_: string, fn: () => void) => (listeners[id] = fn),
        },
      ]),
    ),
  };
  const document = {
    getElementById: (id: string) => elements[id],
    querySelectorAll: () => rows,
    createElement: () => style,
    head: { appendChild: () => undefined },
  };
  new Function('document', script)(document);
  return {
    set(id: string, value: string) {
      values[id] = value;
      listeners[id]();
    },
    visibleAccounts: () => rows.filter((r) => !r.hidden).map((r) => r.name),
    hiddenColumns: () => [...style.textContent.matchAll(/nth-child\((\d+)\)/g)].map((m) => model.controls[Number(m[1]) - 4].id),
    shown: () => (elements.shown as { textContent: string }).textContent,
    style: () => style.textContent,
  };
}

test('one self-contained file: no network, inline CSS and script, printable', () => {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\(/i);
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).toContain('@media print{');
  expect((html.match(/<script\b/g) ?? []).length).toBe(2);
  for (const id of FILTERS) expect(html).toContain(`<select id="${id}">`);
  expect(html).toContain('<option>Workloads/Prod</option>');
  expect(html).toContain('<option>nist-800-53-r5</option>');
  expect(html).toContain('<option>partly-exempt</option>');
});

test('accounts × controls: every cell explains itself', () => {
  // Titles hold line breaks (a tooltip shows them): a row spans several lines of the file.
  const row = /<tr><th class="acct" scope="row" title="ml-prod \(777777777777\)[\s\S]*?<\/tr>/.exec(html)![0];
  expect(row).toContain('<td>Workloads/Prod</td><td>prod</td>');
  expect((row.match(/<td/g) ?? []).length).toBe(model.controls.length + 2);
  const s32 = /<td class="k\d+ sE" title="(ml-prod × LZ\.S3\.2[^"]*)">E<\/td>/.exec(row)![1];
  expect(s32).toBe(esc(ML_PROD_S3_2_EXPLANATION.join('\n')));
  expect(html).toMatch(
    /<td class="k\d+ sP" title="data-prod × LZ\.S3\.2\nstatus: partly-exempt\n[^"]*exemption EX-0001 \(active, expires 2027-03-31;[^"]*">P<\/td>/,
  );
  expect(html).toMatch(
    /<td class="k\d+ sX" title="data-dev × LZ\.SCP\.6\nstatus: exempt\nscp: exempt, SCP tarmac-scp-root-1 attached at root; this account is carved out by EX-0002/,
  );
  expect(html).toContain('<h2>Exemptions in force</h2>');
  expect(html).toContain('data-prod × LZ.S3.2');
  expect(html).toContain('<h3>gdpr</h3>');
});

test('the embedded data cannot close its script element', () => {
  const hostile = { ...model, controls: model.controls.map((c, i) => (i === 0 ? { ...c, title: '</script><b>x' } : c)) };
  const text = collect(renderHtml(hostile));
  expect(text).not.toContain('</script><b>');
  expect(text).toContain('&lt;/script&gt;&lt;b&gt;x');
  expect(page(text).visibleAccounts()).toHaveLength(9);
});

test('filters: OU, profile, framework, point and status', () => {
  const p = page(html);
  // The eight member accounts and the management account, whose own stack runs the prod hook.
  expect(p.visibleAccounts()).toHaveLength(9);
  expect(p.hiddenColumns()).toEqual([]);
  expect(p.shown()).toBe(`9 of 9 accounts, ${model.controls.length} of ${model.controls.length} controls`);
  p.set('f-ou', 'Workloads');
  expect(p.visibleAccounts()).toEqual(['data-prod', 'ml-prod', 'data-dev']);
  p.set('f-profile', 'dev');
  expect(p.visibleAccounts()).toEqual(['data-dev']);
  p.set('f-ou', '');
  p.set('f-profile', '');
  p.set('f-framework', 'gdpr');
  expect(model.controls.map((c) => c.id).filter((id) => !p.hiddenColumns().includes(id))).toEqual(['LZ.DEC.2', 'LZ.RCP.1', 'LZ.SCP.3']);
  p.set('f-framework', '');
  p.set('f-status', 'partly-exempt');
  expect(p.visibleAccounts()).toEqual(['data-prod']);
  expect(model.controls.map((c) => c.id).filter((id) => !p.hiddenColumns().includes(id))).toEqual(['LZ.S3.2']);
  expect(p.style()).toMatch(/opacity:\.2/);
  p.set('f-status', '');
  p.set('f-point', 'rcp');
  expect(model.controls.map((c) => c.id).filter((id) => !p.hiddenColumns().includes(id))).toEqual(['LZ.RCP.1']);
  p.set('f-point', 'tag-policy');
  expect(model.controls.map((c) => c.id).filter((id) => !p.hiddenColumns().includes(id))).toEqual(['LZ.TAG.1', 'LZ.TAG.2']);
  p.set('f-point', 'hook');
  p.set('f-status', 'warn');
  expect(p.visibleAccounts()).toEqual(['data-dev', 'sandbox-alice']);
});
