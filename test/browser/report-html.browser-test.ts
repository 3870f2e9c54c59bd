// The HTML report (tarmac report --format html) in a real browser: Debian's chromium, headless, through
// playwright-core. Run by `npm run test:browser` (test/browser/jest.config.js), not by `npm test`. What the page
// should show is worked out here from the report model, independently of the page's script: the rows, columns
// and cells each filter leaves. The page is the example organization's (policies/), on a day both example
// exemptions are in force.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { renderHtml } from '../../packages/cli/src/report/format-html';
import { ReportAccountControl, ReportModel } from '../../packages/cli/src/report/report-model';
import type { LiveFinding, LiveReport } from '../../packages/cli/src/report/live/model';
import { ML_PROD_S3_2_EXPLANATION, POLICIES, collect, exampleModel } from '../../packages/cli/src/report/__tests__/example';

const { launchChromium }: { launchChromium: () => Promise<Browser> } = require('./chromium');

interface Filters {
  ou?: string;
  profile?: string;
  framework?: string;
  point?: string;
  status?: string;
}

/** What the page shows: account rows and control columns displayed, applicable cells displayed (dimmed or not). */
interface Shown {
  rows: string[];
  columns: string[];
  bright: number;
  dimmed: number;
  text: string;
}

let model: ReportModel;
let dir: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  model = await exampleModel();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-report-html-'));
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, collect(renderHtml(model)));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Reads what is displayed: an element is shown when it has a box (display:none, [hidden] and hidden columns have none). */
function shown(): Promise<Shown> {
  // Runs in the page: the DOM is typed loosely (this project compiles without the DOM library).
  return page.evaluate(() => {
    const d = (globalThis as any).document;
    const w = globalThis as any;
    const displayed = (el: any) => el.getClientRects().length > 0;
    const rows = [...d.querySelectorAll('#matrix tbody tr')].filter(displayed);
    let bright = 0;
    let dimmed = 0;
    for (const tr of rows)
      for (const td of tr.querySelectorAll('td[class]'))
        if (displayed(td)) {
          if (w.getComputedStyle(td).opacity === '1') bright++;
          else dimmed++;
        }
    return {
      rows: rows.map((tr: any) => tr.querySelector('th').firstChild.textContent),
      columns: [...d.querySelectorAll('#matrix thead th.c')].filter(displayed).map((th: any) => th.textContent),
      bright,
      dimmed,
      text: d.getElementById('shown').textContent,
    };
  });
}

/** What the filters should leave, from the model: documented in docs/report.md (an OU includes its sub-OUs). */
function expected(f: Filters): Shown {
  const filtering = Boolean(f.point || f.status);
  const accounts = model.accounts.filter((a) => (!f.ou || a.ou === f.ou || a.ou.startsWith(`${f.ou}/`)) && (!f.profile || a.profile === f.profile));
  const controls = model.controls.filter((c) => !f.framework || f.framework in c.frameworks).map((c) => c.id);
  const matches = (c: ReportAccountControl) => (!f.point || c.points.some((p) => p.point === f.point)) && (!f.status || c.status === f.status);
  const hit = (c: ReportAccountControl) => controls.includes(c.id) && matches(c);
  const rows = filtering ? accounts.filter((a) => a.controls.some(hit)) : accounts;
  const columns = filtering ? controls.filter((id) => accounts.some((a) => a.controls.some((c) => c.id === id && hit(c)))) : controls;
  const cells = rows.flatMap((a) => a.controls.filter((c) => columns.includes(c.id)));
  const bright = filtering ? cells.filter(matches).length : cells.length;
  return {
    rows: rows.map((a) => a.name),
    columns,
    bright,
    dimmed: cells.length - bright,
    text: `${rows.length} of ${model.accounts.length} accounts, ${columns.length} of ${model.controls.length} controls`,
  };
}

const SELECTS: Readonly<Record<keyof Filters, string>> = {
  ou: '#f-ou',
  profile: '#f-profile',
  framework: '#f-framework',
  point: '#f-point',
  status: '#f-status',
};

/** Chooses in the filter bar as a user does (playwright fires input and change), all other filters back to "all". */
async function choose(f: Filters): Promise<Shown> {
  for (const [key, selector] of Object.entries(SELECTS)) {
    const value = f[key as keyof Filters] ?? '';
    if ((await page.inputValue(selector)) !== value) await page.selectOption(selector, value);
  }
  return shown();
}

async function options(selector: string): Promise<string[]> {
  return page.$$eval(`${selector} option`, (opts: any[]) => opts.map((o) => o.value));
}

/** Member accounts listed anywhere in org.yaml (the OU tree, or directly under the root). */
function orgYamlAccounts(): { ids: string[]; management: string } {
  const doc = parse(fs.readFileSync(path.join(POLICIES, 'org.yaml'), 'utf8'));
  const ids: string[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === 'accounts' && Array.isArray(v)) ids.push(...v.map((a: any) => String(a.id)));
        walk(v);
      }
  };
  walk(doc.ous);
  walk(doc.accounts);
  return { ids, management: String(doc.organization.managementAccount.id) };
}

test('the matrix renders: a row per account of org.yaml (the management account too: it has its own hook stack), a column per control, every cell shown', async () => {
  expect(errors).toEqual([]);
  const org = orgYamlAccounts();
  const ids = await page.$$eval('#matrix tbody th.acct small', (els: any[]) => els.map((e) => e.textContent));
  expect([...ids].sort()).toEqual([...org.ids.filter((id) => id !== org.management), org.management].sort());
  // Listed last: it is outside every OU and every stack set.
  expect(ids.at(-1)).toBe(org.management);
  expect(ids).toHaveLength(9);

  const all = await shown();
  expect(all).toEqual(expected({}));
  expect(all.rows).toHaveLength(9);
  expect(all.columns).toContain('LZ.S3.2');
  expect(all.columns).toHaveLength(model.controls.length);
  expect(all.dimmed).toBe(0);
  expect(all.text).toBe(`9 of 9 accounts, ${model.controls.length} of ${model.controls.length} controls`);
  expect(await page.textContent('h1')).toBe(`Compliance report: ${model.catalog.label}`);
  // Headers stand upright (vertical text): taller than wide.
  const header = await page.locator('#matrix thead th.c span', { hasText: /^LZ\.S3\.2$/ }).boundingBox();
  expect(header!.height).toBeGreaterThan(header!.width);
  // The exemptions and framework sections follow the matrix.
  expect(await page.locator('h2', { hasText: 'Exemptions in force' }).isVisible()).toBe(true);
  expect(await page.locator('section.framework h3').allTextContents()).toEqual(Object.keys(model.frameworks));
});

test('a cell explains itself: tooltip, colour, and the details box on click', async () => {
  const j = model.controls.findIndex((c) => c.id === 'LZ.S3.2');
  const row = page.locator('#matrix tbody tr', { has: page.locator('th.acct', { hasText: 'ml-prod' }) });
  const cell = row.locator('td').nth(j + 2); // after the OU and profile cells
  expect(await cell.textContent()).toBe('E');
  const title = await cell.getAttribute('title');
  expect(title!.split('\n')).toEqual(ML_PROD_S3_2_EXPLANATION);
  expect(await cell.evaluate((td: any) => (globalThis as any).getComputedStyle(td).backgroundColor)).toBe('rgb(198, 240, 198)');

  await cell.click();
  expect(await cell.getAttribute('class')).toMatch(/\bsel\b/);
  const control = model.controls[j];
  expect(await page.textContent('#details h2')).toBe(`ml-prod × LZ.S3.2: ${control.title}`);
  expect(await page.textContent('#details div')).toBe(title!.split('\n').slice(1).join('\n'));

  // The partly exempt cell names its exemption; clicking it moves the selection.
  const partly = page.locator('#matrix tbody td.sP');
  expect(await partly.count()).toBe(1);
  await partly.click();
  expect(await page.textContent('#details h2')).toMatch(/^data-prod × LZ\.S3\.2: /);
  expect(await page.textContent('#details div')).toMatch(/^status: partly-exempt\n[\s\S]*\nexemption EX-0001 \(active, expires 2027-03-31;/);
  expect(await page.locator('#matrix td.sel').count()).toBe(1);
});

test('each filter shows exactly the rows, columns and cells it should', async () => {
  // The choices offered are the model's: every OU (with its parents), profile, framework, point and status.
  const ouPaths = [...new Set(model.accounts.flatMap((a) => a.ou.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))))].sort();
  expect(await options('#f-ou')).toEqual(['', ...ouPaths]);
  expect(await options('#f-profile')).toEqual(['', ...[...new Set(model.accounts.map((a) => a.profile))].sort()]);
  expect(await options('#f-framework')).toEqual(['', ...Object.keys(model.frameworks)]);
  expect(await options('#f-point')).toEqual(expect.arrayContaining(['', 'pre-commit', 'hook', 'scp', 'rcp', 'config', 'control-tower']));
  expect(await options('#f-status')).toEqual(['', 'enforce', 'warn', 'detect', 'partly-exempt', 'exempt']);

  const everything = expected({});
  const narrowed: Record<keyof Filters, number> = { ou: 0, profile: 0, framework: 0, point: 0, status: 0 };
  for (const key of Object.keys(SELECTS) as (keyof Filters)[]) {
    for (const value of (await options(SELECTS[key])).filter(Boolean)) {
      const f: Filters = { [key]: value };
      const got = await choose(f);
      expect({ filter: f, ...got }).toEqual({ filter: f, ...expected(f) });
      if (got.rows.length < everything.rows.length || got.columns.length < everything.columns.length || got.dimmed) narrowed[key]++;
    }
  }
  // Not a vacuous check: every OU and profile hides rows; frameworks (all but NIST, which maps every control),
  // points and statuses hide rows, columns or dim cells.
  expect(narrowed.ou).toBe((await options('#f-ou')).length - 1);
  expect(narrowed.profile).toBe((await options('#f-profile')).length - 1);
  for (const key of ['framework', 'point', 'status'] as const) expect(narrowed[key]).toBeGreaterThan(1);

  // Known facts of the example organization, not only the model's arithmetic.
  expect((await choose({ ou: 'Workloads' })).rows).toEqual(['data-prod', 'ml-prod', 'data-dev']);
  expect((await choose({ ou: 'Workloads', profile: 'dev' })).rows).toEqual(['data-dev']);
  expect((await choose({ framework: 'gdpr' })).columns).toEqual(['LZ.DEC.2', 'LZ.RCP.1', 'LZ.SCP.3']);
  const partly = await choose({ status: 'partly-exempt' });
  expect([partly.rows, partly.columns, partly.bright]).toEqual([['data-prod'], ['LZ.S3.2'], 1]);
  const exempt = await choose({ status: 'exempt' });
  expect([exempt.rows, exempt.columns, exempt.bright]).toEqual([['data-dev'], ['LZ.SCP.6'], 1]);
  expect((await choose({ point: 'rcp' })).columns).toEqual(['LZ.RCP.1']);
  expect((await choose({ point: 'tag-policy' })).columns).toEqual(['LZ.TAG.1', 'LZ.TAG.2']);
  expect((await choose({ point: 'hook', status: 'warn' })).rows).toEqual(['data-dev', 'sandbox-alice']);
  // A point or status match in a column the framework hides does not keep the row.
  expect(await choose({ framework: 'gdpr', status: 'exempt' })).toEqual({
    rows: [],
    columns: [],
    bright: 0,
    dimmed: 0,
    text: `0 of ${model.accounts.length} accounts, 0 of ${model.controls.length} controls`,
  });
  // Combinations, worked out the same way.
  for (const f of [
    { framework: 'cis-aws-3.0', point: 'rcp' },
    { ou: 'Workloads', point: 'hook', status: 'warn' },
    { profile: 'prod', framework: 'pci-dss-4.0', point: 'scp' },
    { ou: 'Security', status: 'enforce' },
  ]) {
    const got = await choose(f);
    expect({ filter: f, ...got }).toEqual({ filter: f, ...expected(f) });
  }
});

test('Clear shows everything again', async () => {
  const f = { ou: 'Workloads', profile: 'prod', framework: 'nist-800-53-r5', point: 'hook', status: 'enforce' };
  const narrowed = await choose(f);
  expect(narrowed).toEqual(expected(f));
  expect(narrowed.rows.length).toBeLessThan(model.accounts.length);
  await page.click('#f-reset');
  // The form resets after its reset event; the page applies the filters once it has.
  const everything = `${model.accounts.length} of ${model.accounts.length}`;
  await page.waitForFunction((text: string) => (globalThis as any).document.getElementById('shown').textContent.startsWith(text), everything, {
    timeout: 5000,
  });
  for (const selector of Object.values(SELECTS)) expect(await page.inputValue(selector)).toBe('');
  expect(await shown()).toEqual(expected({}));
  // And choosing "all" again in each select (rather than Clear) does the same.
  await choose(f);
  expect(await choose({})).toEqual(expected({}));
});

test('printed: no filter bar or details box, the whole matrix on the page', async () => {
  await choose({});
  const layout = () =>
    page.evaluate(() => {
      const d = (globalThis as any).document;
      const w = globalThis as any;
      const box = (sel: string) => d.querySelector(sel).getClientRects().length > 0;
      return {
        filters: box('#filters'),
        details: box('#details'),
        matrix: box('#matrix'),
        overflow: w.getComputedStyle(d.querySelector('.wrap')).overflow,
        header: w.getComputedStyle(d.querySelector('#matrix thead th')).position,
      };
    });
  expect(await layout()).toEqual({ filters: true, details: true, matrix: true, overflow: 'auto', header: 'sticky' });
  await page.emulateMedia({ media: 'print' });
  try {
    expect(await layout()).toEqual({ filters: false, details: false, matrix: true, overflow: 'visible', header: 'static' });
    expect(await shown()).toEqual(expected({}));
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
  expect((await layout()).filters).toBe(true);
  const pdf = await page.pdf({ landscape: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});

test('--live: every difference is listed, and each account with differences carries their count, linking to them', async () => {
  const byName = (name: string) => model.accounts.find((a) => a.name === name)!;
  const mlProd = byName('ml-prod');
  const finops = byName('finops');
  const findings: LiveFinding[] = [
    {
      kind: 'hook-missing',
      account: mlProd.id,
      region: 'eu-central-1',
      subject: 'Tarmac::Guard::Guardrails',
      controls: mlProd.controls.map((c) => c.id),
      message: 'Guard Hook <b>not</b> activated',
      fix: 'run tarmac deploy',
    },
    {
      kind: 'not-read',
      account: finops.id,
      subject: 'finops',
      message: 'Cannot assume the reader role: AccessDenied',
      fix: 'deploy the account baseline there',
    },
    { kind: 'policy-outside-tarmac', subject: 'legacy-deny', message: 'attached to root outside Tarmac', fix: 'detach it' },
  ];
  const live: LiveReport = {
    collectedAt: '2026-12-01T12:00:00.000Z',
    hookResultsSince: '2026-11-01T00:00:00.000Z',
    findings,
    blocked: [],
    accounts: model.accounts.map((a) => ({ id: a.id, read: a.id !== finops.id, findings: findings.filter((f) => f.account === a.id).length, nonCompliant: 0 })),
  };
  const file = path.join(dir, 'live.html');
  fs.writeFileSync(file, collect(renderHtml({ ...model, live })));
  const livePage = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors: string[] = [];
  livePage.on('pageerror', (e) => pageErrors.push(e.message));
  livePage.on('request', (r) => requests.push(r.url()));
  try {
    await livePage.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const rows = await livePage.$$eval('#live tbody tr.diff', (trs: any[]) => trs.map((tr) => [...tr.cells].map((td: any) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['hook-missing', 'not-read', 'policy-outside-tarmac']);
    // Text from AWS is shown as text, never as markup; a long list of controls is cut to a count, all of them in the tooltip.
    expect(rows[0][5]).toBe('Guard Hook <b>not</b> activated');
    expect(rows[0][4]).toBe(
      `${mlProd.controls
        .slice(0, 5)
        .map((c) => c.id)
        .join(', ')} and ${mlProd.controls.length - 5} more`,
    );
    const badges = await livePage.$$eval('#matrix tbody th.acct', (ths: any[]) =>
      ths.map((th) => [th.querySelector('small').textContent, th.querySelector('a.diffs')?.textContent ?? null]),
    );
    expect(badges.filter(([, n]) => n !== null)).toEqual([
      [finops.id, '1'],
      [mlProd.id, '1'],
    ]);
    await livePage.click(`#matrix tbody tr:has(small:text("${mlProd.id}")) a.diffs`);
    expect(new URL(livePage.url()).hash).toBe('#live');
    expect(await livePage.locator('#live h2').isVisible()).toBe(true);
    // The filters still work with the badges in the row headers.
    await livePage.selectOption('#f-ou', 'Workloads');
    expect(await livePage.textContent('#shown')).toMatch(/^3 of 9 accounts/);
    // Printed, the differences stay.
    await livePage.emulateMedia({ media: 'print' });
    expect(await livePage.locator('#live').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  } finally {
    await livePage.close();
  }
});

test('nothing is fetched: the one file is the whole page', () => {
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => !/^(file|data):/.test(url))).toEqual([]);
  expect(errors).toEqual([]);
});
