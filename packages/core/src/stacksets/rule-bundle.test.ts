import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadCatalog } from '../catalog/load-catalog';
import { Catalog, Control, modeOf } from '../catalog/model';
import { buildRuleBundle, bundleControls, crc32, readZipEntries, tableCrc32 } from './rule-bundle';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
let catalog: Catalog;
let tmp: string;

beforeAll(() => {
  catalog = loadCatalog(POLICIES);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bundle-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A control with only what a bundle reads. */
function control(id: string, guard: string): Control {
  return { id, guard } as Control;
}

/**
 * Python's zipfile, an implementation independent of ours: the names in order, testzip() (None when every
 * CRC checks out, else the first bad name), each entry's header fields and the SHA-256 of its content.
 */
const PY_INSPECT = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    infos = [{"name": i.filename, "date_time": list(i.date_time), "compress_type": i.compress_type,
              "extra": i.extra.hex(), "comment": i.comment.hex(), "flag_bits": i.flag_bits,
              "create_system": i.create_system, "mode": oct(i.external_attr >> 16),
              "file_size": i.file_size, "compress_size": i.compress_size,
              "sha256": hashlib.sha256(z.read(i.filename)).hexdigest()} for i in z.infolist()] if bad is None else []
    print(json.dumps({"names": z.namelist(), "testzip": bad, "infos": infos}))
`;

interface PyReport {
  names: string[];
  testzip: string | null;
  infos: {
    name: string;
    date_time: number[];
    compress_type: number;
    extra: string;
    comment: string;
    flag_bits: number;
    create_system: number;
    mode: string;
    file_size: number;
    compress_size: number;
    sha256: string;
  }[];
}

function python(script: string, ...args: string[]): string {
  const run = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`python3 exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

function inspectWithPython(bytes: Uint8Array, name: string): PyReport {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return JSON.parse(python(PY_INSPECT, file)) as PyReport;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe('buildRuleBundle', () => {
  test('the same rules give the same bytes, whatever order the controls come in', () => {
    const controls = [...catalog.controls];
    const first = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const again = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const reversed = buildRuleBundle('guardrails', [...controls].reverse(), 'prod', 'enforce');
    // A fixed permutation (not random: a failure must reproduce).
    const interleaved = buildRuleBundle(
      'guardrails',
      controls.map((_, i) => controls[(i * 7) % controls.length]),
      'prod',
      'enforce',
    );
    expect(new Set(controls.map((_, i) => (i * 7) % controls.length)).size).toBe(controls.length);
    for (const other of [again, reversed, interleaved]) {
      expect(Buffer.from(other.bytes).equals(Buffer.from(first.bytes))).toBe(true);
      expect(other.sha256).toBe(first.sha256);
      expect(other.key).toBe(first.key);
      expect(other.controls).toEqual(first.controls);
    }
  });

  test('the key is the SHA-256 of the bytes under hooks/<hook>/, and the controls are the sorted IDs', () => {
    const bundle = buildRuleBundle(
      'guardrails',
      [control('LZ.B.1', 'rule b {}\n'), control('LZ.A.10', 'rule a10 {}\n'), control('LZ.A.2', 'rule a2 {}\n')],
      'dev',
      'warn',
    );
    expect(bundle.sha256).toBe(sha256(bundle.bytes));
    expect(bundle.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.key).toBe(`hooks/guardrails/${bundle.sha256}.zip`);
    expect(bundle.controls).toEqual(['LZ.A.10', 'LZ.A.2', 'LZ.B.1']);
    expect(bundle.profile).toBe('dev');
    expect(bundle.mode).toBe('warn');
  });

  test('changing one rule, or the set of controls, changes the hash', () => {
    const controls = [...catalog.controls];
    const base = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const edited = controls.map((c) => (c.id === 'LZ.S3.4' ? { ...c, guard: c.guard.replace("'Enabled'", "'Suspended'") } : c));
    expect(edited.find((c) => c.id === 'LZ.S3.4')!.guard).not.toBe(controls.find((c) => c.id === 'LZ.S3.4')!.guard);
    const changed = buildRuleBundle('guardrails', edited, 'prod', 'enforce');
    expect(changed.sha256).not.toBe(base.sha256);
    expect(changed.key).not.toBe(base.key);
    // One byte of whitespace is a different rule file, so a different object.
    const whitespace = controls.map((c) => (c.id === 'LZ.S3.4' ? { ...c, guard: `${c.guard}\n` } : c));
    expect(buildRuleBundle('guardrails', whitespace, 'prod', 'enforce').sha256).not.toBe(base.sha256);
    expect(buildRuleBundle('guardrails', controls.slice(1), 'prod', 'enforce').sha256).not.toBe(base.sha256);
  });

  test('the hash depends on the rules only: not on the profile, the mode or the hook (which only name the key)', () => {
    const controls = [control('LZ.A.1', 'rule a {}\n')];
    const a = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const b = buildRuleBundle('other', controls, 'dev', 'warn');
    expect(b.sha256).toBe(a.sha256);
    expect(b.key).toBe(`hooks/other/${a.sha256}.zip`);
  });

  test('round trip: each control is one <id>.guard entry holding exactly its rule text, in name order', () => {
    const controls = [...catalog.controls];
    const bundle = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const entries = readZipEntries(bundle.bytes);
    const names = controls.map((c) => `${c.id}.guard`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect([...entries.keys()]).toEqual(names);
    for (const c of controls) expect(entries.get(`${c.id}.guard`)!.toString('utf8')).toBe(c.guard);
  });

  test('non-ASCII rule text is stored as UTF-8, byte for byte', () => {
    const text = '# Règle: no “smart” quotes are lost — ✓\nrule a { Resources exists }\n';
    const entries = readZipEntries(buildRuleBundle('guardrails', [control('LZ.A.1', text)], 'prod', 'enforce').bytes);
    expect(entries.get('LZ.A.1.guard')!.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  test('python3 zipfile (an independent implementation) reads the bundle: stored, fixed timestamp, no extra fields, every CRC valid', () => {
    const controls = [...catalog.controls];
    const bundle = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const report = inspectWithPython(bundle.bytes, 'catalog.zip');
    expect(report.testzip).toBeNull();
    expect(report.names).toEqual([...readZipEntries(bundle.bytes).keys()]);
    const byId = new Map(controls.map((c) => [`${c.id}.guard`, c]));
    for (const info of report.infos) {
      const guard = Buffer.from(byId.get(info.name)!.guard, 'utf8');
      expect(info).toEqual({
        name: info.name,
        date_time: [1980, 1, 1, 0, 0, 0],
        compress_type: 0,
        extra: '',
        comment: '',
        flag_bits: 0,
        create_system: 3,
        mode: '0o100644',
        file_size: guard.length,
        compress_size: guard.length,
        sha256: sha256(guard),
      });
    }
    expect(report.infos).toHaveLength(controls.length);
  });

  test('python3 zipfile, told to write the same format, writes the same bytes', () => {
    const controls = [control('LZ.B.1', 'rule b { Resources exists }\n'), control('LZ.A.1', 'rule a {}\n'), control('LZ.A.12', '')];
    const bundle = buildRuleBundle('guardrails', controls, 'prod', 'enforce');
    const spec = path.join(tmp, 'spec.json');
    const out = path.join(tmp, 'python.zip');
    const files = controls.map((c) => [`${c.id}.guard`, c.guard]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    fs.writeFileSync(spec, JSON.stringify(files));
    python(
      `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as z:
    for name, text in json.load(open(sys.argv[1])):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3
        info.create_version = 10
        info.extract_version = 10
        info.external_attr = 0o100644 << 16
        z.writestr(info, text.encode("utf-8"))
`,
      spec,
      out,
    );
    expect(Buffer.from(bundle.bytes).equals(fs.readFileSync(out))).toBe(true);
  });

  test('zero controls is an error (callers skip empty bundles)', () => {
    expect(() => buildRuleBundle('guardrails', [], 'sandbox', 'enforce')).toThrow(/no controls/);
  });

  test('a control ID that is no plain file name, or a duplicate ID, is an error', () => {
    expect(() => buildRuleBundle('guardrails', [control('../evil', 'rule a {}')], 'prod', 'enforce')).toThrow(/cannot name a file/);
    expect(() => buildRuleBundle('guardrails', [control('LZ.A.1', 'a'), control('LZ.A.1', 'b')], 'prod', 'enforce')).toThrow(/twice/);
  });
});

describe('readZipEntries', () => {
  const bundle = () =>
    buildRuleBundle('guardrails', [control('LZ.A.1', 'rule a { Resources exists }\n'), control('LZ.B.1', 'rule b { Resources exists }\n')], 'prod', 'enforce');

  test('a flipped byte in a rule is a CRC error, here and for python3 zipfile', () => {
    const bytes = Buffer.from(bundle().bytes);
    const at = bytes.indexOf('rule b');
    expect(at).toBeGreaterThan(0);
    bytes[at] ^= 0x20; // 'rule b' -> 'Rule b'
    expect(() => readZipEntries(bytes)).toThrow(/LZ\.B\.1\.guard: CRC-32 mismatch/);
    expect(inspectWithPython(bytes, 'tampered.zip').testzip).toBe('LZ.B.1.guard');
  });

  test('a header that disagrees with the central directory, a truncated file or trailing bytes are errors', () => {
    const good = Buffer.from(bundle().bytes);
    const badSize = Buffer.from(good);
    badSize.writeUInt32LE(badSize.readUInt32LE(22) + 1, 22); // first local header's uncompressed size
    expect(() => readZipEntries(badSize)).toThrow(/disagrees/);
    expect(() => readZipEntries(good.subarray(0, good.length - 1))).toThrow(/end of central directory/);
    expect(() => readZipEntries(Buffer.concat([good, Buffer.from([0])]))).toThrow(/end of central directory/);
    expect(() => readZipEntries(new Uint8Array(0))).toThrow(/too short/);
  });

  test('zips we do not write (deflated, with a comment) are refused', () => {
    const file = path.join(tmp, 'deflated.zip');
    python(
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("LZ.A.1.guard", "rule a { Resources exists }\\n" * 20)
`,
      file,
    );
    expect(() => readZipEntries(fs.readFileSync(file))).toThrow(/compression method 8/);
    python(
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.writestr(zipfile.ZipInfo("LZ.A.1.guard", date_time=(1980, 1, 1, 0, 0, 0)), "rule a {}")
    z.comment = b"hello"
`,
      file,
    );
    expect(() => readZipEntries(fs.readFileSync(file))).toThrow(/comment/);
  });

  test('reads a bundle from a view into a larger buffer', () => {
    const bytes = bundle().bytes;
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 8);
    expect([...readZipEntries(padded.subarray(8, 8 + bytes.length)).keys()]).toEqual(['LZ.A.1.guard', 'LZ.B.1.guard']);
  });
});

describe('crc32', () => {
  test('the table fallback agrees with zlib and the standard check value', () => {
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
    const data = Buffer.from(catalog.controls.map((c) => c.guard).join(''), 'utf8');
    expect(typeof zlib.crc32).toBe('function'); // Node >= 20.15: what the bundles are built with here
    for (const end of [1, 7, 100, data.length]) expect(tableCrc32(data.subarray(0, end))).toBe(zlib.crc32(data.subarray(0, end)) >>> 0);
  });
});

describe('bundleControls', () => {
  test('a profile mode holds exactly the controls in that mode, sorted by ID; off controls are in neither', () => {
    for (const profile of catalog.profiles.values()) {
      const enforce = bundleControls(catalog, profile, 'enforce').map((c) => c.id);
      const warn = bundleControls(catalog, profile, 'warn').map((c) => c.id);
      expect(enforce).toEqual(
        catalog.controls
          .filter((c) => modeOf(profile, c.id) === 'enforce')
          .map((c) => c.id)
          .sort(),
      );
      expect(warn).toEqual(
        catalog.controls
          .filter((c) => modeOf(profile, c.id) === 'warn')
          .map((c) => c.id)
          .sort(),
      );
      const off = catalog.controls.filter((c) => modeOf(profile, c.id) === 'off').map((c) => c.id);
      expect(enforce.length + warn.length + off.length).toBe(catalog.controls.length);
    }
  });

  test('the catalog profiles: prod enforces everything, dev warns on its seven, sandbox turns five off', () => {
    const ids = (profile: string, mode: 'enforce' | 'warn') => bundleControls(catalog, catalog.profiles.get(profile)!, mode).map((c) => c.id);
    expect(ids('prod', 'warn')).toEqual([]);
    expect(ids('prod', 'enforce')).toHaveLength(catalog.controls.length);
    expect(ids('dev', 'warn')).toEqual(['LZ.DDB.2', 'LZ.RDS.3', 'LZ.RDS.5', 'LZ.S3.4', 'LZ.S3.5', 'LZ.TAG.1', 'LZ.TAG.2']);
    const sandbox = [...ids('sandbox', 'enforce'), ...ids('sandbox', 'warn')];
    for (const off of ['LZ.S3.4', 'LZ.S3.5', 'LZ.RDS.3', 'LZ.RDS.5', 'LZ.DDB.2']) expect(sandbox).not.toContain(off);
    expect(ids('sandbox', 'enforce')).toContain('LZ.S3.1');
    expect(ids('sandbox', 'warn')).toContain('LZ.KMS.1');
  });
});
