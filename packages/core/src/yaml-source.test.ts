import { InputError } from './errors';
import { parseSource } from './yaml-source';

const errorOf = (text: string): InputError => {
  try {
    parseSource(text, 'org.yaml');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('parseSource', () => {
  test.each([
    ['a map that contains itself', 'ous:\n  - &sb {name: Sandbox, id: ou-a1b2-11111111, ous: [*sb]}\n', 'org.yaml:2:53'],
    ['a list that contains itself', 'x: &a [1, *a]\n', 'org.yaml:1:11'],
  ])('a cyclic alias (%s) is an error at the alias, never a circular value', (_name, text, where) => {
    const e = errorOf(text);
    expect(e.message).toMatch(new RegExp(`^${where}: the alias \\*\\w+ refers to a node that contains it \\(a cycle\\)`));
  });

  test('an alias to an earlier, complete node is read as a copy', () => {
    expect(parseSource('a: &x {k: 1}\nb: *x\n', 'f.yaml').value).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });

  test('merge keys are merged, explicit keys win, a quoted << is an ordinary key', () => {
    expect(parseSource('base: &b {A: 1, B: 2}\nr:\n  <<: *b\n  B: 3\nq: {"<<": 1}\n', 'f.yaml').value).toEqual({
      base: { A: 1, B: 2 },
      r: { A: 1, B: 3 },
      q: { '<<': 1 },
    });
  });

  test('a second document is named at its separator, in words for people', () => {
    expect(errorOf('a: 1\n---\nb: 2\n').message).toBe('org.yaml:2:1: a second YAML document starts here (---): a template or policy file is a single document');
  });

  test('a comment in JSON is named where it is', () => {
    expect(errorOf('{\n  "a": 1, /* why */\n  "b": 2\n}').message).toMatch(/^org\.yaml:2:11: JSON does not allow comments/);
  });
});
