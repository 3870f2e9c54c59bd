import { packStatements, policyJson, policySize } from './pack';

const sizeOf = (bins: number[][], sizes: number[]) => bins.map((b) => policySize(b.map((i) => sizes[i])));

describe('policySize', () => {
  it('equals the length of the document as sent', () => {
    const statements = ['{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}', '{"Sid":"B","Effect":"Deny","Action":"iam:*","Resource":"*"}'];
    expect(policySize(statements.map((s) => s.length))).toBe(policyJson(statements).length);
    expect(policySize([])).toBe(policyJson([]).length);
  });
});

describe('packStatements', () => {
  const overhead = policySize([]);

  it('keeps everything in one policy when it fits exactly, and splits at one character more', () => {
    const sizes = [100, 200, 300];
    const exact = policySize(sizes);
    expect(packStatements(sizes, exact)).toEqual([[0, 1, 2]]);
    expect(packStatements(sizes, exact - 1)).toHaveLength(2);
  });

  it('never exceeds the quota and places every statement exactly once', () => {
    const sizes = Array.from({ length: 40 }, (_, i) => 150 + ((i * 7919) % 900));
    const max = 3000;
    const bins = packStatements(sizes, max);
    expect(Math.max(...sizeOf(bins, sizes))).toBeLessThanOrEqual(max);
    expect(bins.flat().sort((a, b) => a - b)).toEqual(sizes.map((_, i) => i));
  });

  it('finds fewer policies than first-fit decreasing where FFD is not optimal', () => {
    // Capacity 100 (in statement+comma units). FFD: [45,40] [30,30,25] [25,...] uses 3 bins; optimal is 2: [45,30,25] [40,30,25].
    const capacity = 100;
    const max = overhead - 1 + capacity;
    const costs = [45, 40, 30, 30, 25, 25];
    const sizes = costs.map((c) => c - 1);
    const bins = packStatements(sizes, max);
    expect(bins).toHaveLength(2);
    expect(Math.max(...sizeOf(bins, sizes))).toBeLessThanOrEqual(max);
  });

  it('is deterministic and keeps source order inside each policy', () => {
    const sizes = [500, 90, 700, 90, 300, 800, 50];
    const a = packStatements(sizes, overhead + 1200);
    expect(packStatements([...sizes], overhead + 1200)).toEqual(a);
    for (const bin of a) expect([...bin].sort((x, y) => x - y)).toEqual(bin);
    expect(a.map((b) => b[0])).toEqual([...a.map((b) => b[0])].sort((x, y) => x - y));
  });

  it('names the statement that cannot fit even alone', () => {
    expect(() => packStatements([10, 5000, 20], 1000)).toThrow(new RangeError('1'));
  });

  it('returns no policies for no statements', () => {
    expect(packStatements([], 1000)).toEqual([]);
  });
});
