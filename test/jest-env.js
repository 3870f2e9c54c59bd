// Each jest worker keeps Tarmac's caches in a temporary directory of its own, inherited by the CLIs it spawns:
// the tests load hundreds of catalog copies, which would otherwise fill the developer's ~/.cache/tarmac.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

if (!process.env.TARMAC_CACHE_DIR) process.env.TARMAC_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-jest-cache-'));
