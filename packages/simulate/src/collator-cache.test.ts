import { withCachedCollators } from './collator-cache';

const original = String.prototype.localeCompare;
const WORDS = ['IfExists', 'ifexists', 'IFEXISTS', 'IfExist', 'ïfexists', 'a', 'B', 'straße', 'STRASSE', '', 'Ä', 'a10', 'a9'];
const OPTIONS: Intl.CollatorOptions[] = [
  { sensitivity: 'accent' },
  { sensitivity: 'base' },
  { sensitivity: 'variant' },
  { numeric: true },
  { caseFirst: 'upper' },
];

test('compares exactly as localeCompare does, for every pair and set of options, and restores it after', async () => {
  const expected = OPTIONS.map((o) => WORDS.flatMap((a) => WORDS.map((b) => Math.sign(a.localeCompare(b, undefined, o)))));
  const actual = await withCachedCollators(async () => {
    expect(String.prototype.localeCompare).not.toBe(original);
    // A caller that reuses one options object and changes it between calls gets the new options.
    const shared: Intl.CollatorOptions = { sensitivity: 'base' };
    expect('a'.localeCompare('A', undefined, shared)).toBe(0);
    shared.sensitivity = 'variant';
    expect('a'.localeCompare('A', undefined, shared)).not.toBe(0);
    // Explicit locales go to the original.
    expect('ä'.localeCompare('z', 'sv')).toBe(original.call('ä', 'z', 'sv'));
    return OPTIONS.map((o) => WORDS.flatMap((a) => WORDS.map((b) => Math.sign(a.localeCompare(b, undefined, o)))));
  });
  expect(actual).toEqual(expected);
  expect(String.prototype.localeCompare).toBe(original);
});

test('nested and concurrent runs share one installation, removed when the last ends (also on a throw)', async () => {
  let release!: () => void;
  const outer = withCachedCollators(() => new Promise<void>((r) => (release = r)));
  await expect(withCachedCollators(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(String.prototype.localeCompare).not.toBe(original);
  release();
  await outer;
  expect(String.prototype.localeCompare).toBe(original);
});
