// Debian's chromium (`apt-get install chromium`), driven by playwright-core: the browser the HTML report is checked
// in (test/browser/) and photographed with (scripts/report-screenshot.js). playwright-core downloads no browser;
// `npx playwright install` is neither needed nor used. TARMAC_CHROMIUM names another binary.
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.TARMAC_CHROMIUM || '/usr/bin/chromium';

// Headless, no sandbox (containers, root), and nothing the browser would fetch on its own (updates, sync, QUIC
// probes): the only requests left are the page's, which the test asserts are file: or data: URLs.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches chromium (playwright gives it a fresh temporary profile); throws, with how to install it, when it is missing. */
async function launchChromium() {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set TARMAC_CHROMIUM to a Chromium binary`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

module.exports = { CHROMIUM, ARGS, launchChromium };
