import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadRuleFiles } from '../compiled/__tests__/differential';
import { cachedFromText } from '../text-cache';
import { analyzeRule } from './rule-analysis';

const saved = process.env.TARMAC_CACHE_DIR;
afterAll(() => {
  if (saved === undefined) delete process.env.TARMAC_CACHE_DIR;
  else process.env.TARMAC_CACHE_DIR = saved;
});

test('every catalog and Control Tower rule analysis reads back between runs as it was made', () => {
  process.env.TARMAC_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-analysis-cache-'));
  const rules = loadRuleFiles();
  expect(rules.length).toBeGreaterThan(280);
  // analyzeRule stores each (this process also memoizes it); cachedFromText reads what was stored, or fails here.
  const made = rules.map((r) => analyzeRule(r.text));
  const stored = rules.map((r) =>
    cachedFromText(
      'rule-analysis',
      r.text,
      '',
      () => {
        throw new Error(`${r.id}: not stored`);
      },
      () => true,
    ),
  );
  expect(stored).toEqual(made);
  expect(made.some((a) => a.filterTypes.size > 0)).toBe(true);
});
