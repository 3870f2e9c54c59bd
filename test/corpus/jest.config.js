// Corpus runs: real-world templates from ../shared/corpus (not in a user's clone, so not part of npm test).
const base = require('../../jest.config.js');
module.exports = { ...base, rootDir: '../..', roots: ['<rootDir>/test/corpus'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 300000 };
