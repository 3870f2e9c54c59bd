#!/usr/bin/env node
// Regenerates docs/report-screenshot.png: the example organization's HTML report (tarmac report --format html,
// from policies/) as headless chromium shows it at 1400×900. Needs Debian's chromium (apt-get install -y
// chromium; TARMAC_CHROMIUM names another binary) and the built CLI:
//   npm run build && node scripts/report-screenshot.js
// The day is fixed (both example exemptions in force) so that the picture changes only with the sources.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { launchChromium } = require('../test/browser/chromium');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'report-screenshot.png');
const DAY = '2026-12-01';

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-report-screenshot-'));
  try {
    const html = path.join(dir, 'report.html');
    const cli = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
    const run = spawnSync(process.execPath, [cli, 'report', '--policies', path.join(ROOT, 'policies'), '--format', 'html', '--output', html, '--at', DAY], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`tarmac report exited with ${run.status ?? run.signal} (npm run build first?)\n${run.stderr}`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const fetched = [];
      page.on('request', (r) => fetched.push(r.url()));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      // ml-prod × LZ.S3.2 selected (outlined), as after a click: its explanation is in the details box below the matrix.
      const column = await page.$$eval('#matrix thead th', (ths) => ths.findIndex((th) => th.textContent === 'LZ.S3.2'));
      await page.click(`#matrix tbody tr:has(th.acct:has-text("ml-prod")) > :nth-child(${column + 1})`);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: OUT });
      const remote = fetched.filter((url) => !/^(file|data):/.test(url));
      if (remote.length) throw new Error(`the report fetched ${remote.join(', ')}`);
    } finally {
      await browser.close();
    }
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
