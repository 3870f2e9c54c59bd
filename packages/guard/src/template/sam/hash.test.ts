import { logicalIdHash, pythonJson } from './hash';

describe('hashes in SAM logical IDs', () => {
  test('the value as Python writes it with sorted keys, compact separators and ASCII escapes', () => {
    expect(pythonJson({ b: [1, true, null], a: 'é "q"\n', '\u00ff': {} })).toBe('{"a":"\\u00e9 \\"q\\"\\n","b":[1,true,null],"\\u00ff":{}}');
  });

  test('the first 10 hex digits of the SHA-1 of that text, or of a string as it is', () => {
    expect(logicalIdHash('abc')).toBe('a9993e3647');
    expect(logicalIdHash('abc', 40)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(logicalIdHash({ b: 1, a: 2 })).toBe(logicalIdHash('{"a":2,"b":1}'));
  });
});
