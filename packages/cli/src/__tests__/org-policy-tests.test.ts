import * as path from 'path';
import { InputErrors, loadCatalog } from '@tarmac/core';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

describe('runOrgPolicyTests without the optional simulator', () => {
  afterEach(() => jest.resetModules());

  it('refuses to pass: the cases did not run, so exit 2 with how to install it', async () => {
    jest.doMock('@tarmac/simulate', () => {
      const err = Object.assign(new Error("Cannot find module '@tarmac/simulate' from 'org-policy-tests.ts'"), { code: 'MODULE_NOT_FOUND' });
      throw err;
    });
    const { runOrgPolicyTests } = await import('../org-policy-tests');
    const run = runOrgPolicyTests(loadCatalog(POLICIES), false);
    await expect(run).rejects.toThrow(InputErrors);
    await expect(run).rejects.toThrow(/organization policy test cases need the optional package @tarmac\/simulate .*--skip-simulation/);
  });

  it('an error inside the simulator is not mistaken for a missing package', async () => {
    jest.doMock('@tarmac/simulate', () => {
      throw Object.assign(new Error("Cannot find module 'some-dependency'"), { code: 'MODULE_NOT_FOUND' });
    });
    const { runOrgPolicyTests } = await import('../org-policy-tests');
    await expect(runOrgPolicyTests(loadCatalog(POLICIES), false)).rejects.toThrow(/some-dependency/);
  });
});
