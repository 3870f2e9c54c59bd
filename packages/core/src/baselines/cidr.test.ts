import { blockSize, cidrsOverlap, parseCidr } from './cidr';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

test('parses a network address and its prefix', () => {
  expect(parseCidr('10.4.0.0/14')).toEqual({ base: 10 * 2 ** 24 + 4 * 2 ** 16, prefix: 14, text: '10.4.0.0/14' });
  expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, prefix: 0, text: '0.0.0.0/0' });
});

test.each([
  ['10.0.0.0', /not an IPv4 CIDR/],
  ['10.0.0/16', /not an IPv4 CIDR/],
  ['10.0.256.0/24', /octet above 255/],
  ['10.0.0.0/33', /longer than \/32/],
  ['10.1.0.0/14', /host bits set; the network is 10\.0\.0\.0\/14/],
])('refuses %s, saying why', (text, why) => {
  expect(parseCidr(text)).toMatch(why);
});

test('counts the addresses of a block', () => {
  expect(blockSize(22)).toBe(1024);
  expect(blockSize(14) / blockSize(22)).toBe(256);
});

test('two blocks overlap when one contains the other or they share addresses, not when adjacent', () => {
  expect(cidrsOverlap(cidr('10.0.0.0/14'), cidr('10.2.0.0/16'))).toBe(true);
  expect(cidrsOverlap(cidr('10.2.0.0/16'), cidr('10.0.0.0/14'))).toBe(true);
  expect(cidrsOverlap(cidr('10.0.0.0/14'), cidr('10.4.0.0/14'))).toBe(false);
  expect(cidrsOverlap(cidr('10.3.255.0/24'), cidr('10.4.0.0/24'))).toBe(false);
});
