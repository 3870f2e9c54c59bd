// Browser runs (`npm run test:browser`): the HTML report loaded in Debian's chromium (apt-get install chromium)
// through playwright-core. Not part of `npm test`, whose jest never picks these files up (*.browser-test.ts,
// not *.test.ts): a fresh clone has no chromium. Here a missing chromium fails the run, it never skips.
// The tests run src/ through ts-jest and spawn nothing compiled, so the build step (globalSetup) is left out.
const { globalSetup: _globalSetup, ...base } = require('../../jest.config.js');
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser-test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
