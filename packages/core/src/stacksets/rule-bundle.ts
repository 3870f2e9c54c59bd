import { createHash } from 'crypto';
import * as zlib from 'zlib';
import { Catalog, Control, Profile, modeOf } from '../catalog/model';
import { GuardExemption, exemptGuardRules } from '../exemptions/guard-exemptions';
import { RuleBundle } from './model';

// What reads and writes the exemptions a bundle carries, for `tarmac build`, `plan` and `status` (via @tarmac/core/org).
export * from './bundle-exemptions';

/**
 * Rule bundles (ADR 0006, decision 4): one `<control id>.guard` file per control in a zip that is the same
 * bytes for the same rules on any machine, stored under its SHA-256. The zip is written by hand, not by a
 * library, so nothing varies: entries sorted by name, stored (method 0), the DOS epoch (1980-01-01 00:00)
 * as every timestamp, no extra fields, no comments, no data descriptors, version 1.0 (the minimum for a
 * stored file), and every entry a regular file with mode 0644 made on Unix, as Info-ZIP writes one.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_SIZE = 22;
/** PKZIP 1.0: enough for stored entries without directories. */
const VERSION = 10;
/** "Version made by": Unix (3) in the upper byte, so the external attributes hold a file mode. */
const MADE_BY = (3 << 8) | VERSION;
/** S_IFREG | 0644 in the upper 16 bits: a regular file its owner can write and everyone can read. */
const FILE_ATTRIBUTES = 0o100644 * 0x10000;
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;

/** Control IDs become file names: no separators, no dot files, nothing a zip tool would interpret. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The zip of the controls' Guard files for a hook; callers skip empty bundles, so zero controls is an error.
 * A control with exemptions (by control ID, from bundleExemptions) is written with its rules skipped where
 * HookContext matches one (exemptGuardRules); without any, the bytes are those of the rules as written.
 */
export function buildRuleBundle(
  hookName: string,
  controls: readonly Control[],
  profile: string,
  mode: 'enforce' | 'warn',
  exemptions: ReadonlyMap<string, readonly GuardExemption[]> = new Map(),
): RuleBundle {
  if (!controls.length) throw new Error(`rule bundle for hook ${hookName}, profile ${profile} (${mode}) has no controls`);
  const entries = new Map<string, Buffer>();
  for (const control of controls) {
    if (!SAFE_ID.test(control.id)) throw new Error(`control ID '${control.id}' cannot name a file in a rule bundle`);
    const name = `${control.id}.guard`;
    if (entries.has(name)) throw new Error(`control ${control.id} appears twice in the rule bundle for hook ${hookName}, profile ${profile} (${mode})`);
    entries.set(name, Buffer.from(exemptGuardRules(control.guard, exemptions.get(control.id) ?? []), 'utf8'));
  }
  const carried = [...exemptions]
    .filter(([id, list]) => list.length && controls.some((c) => c.id === id))
    .flatMap(([control, list]) => list.map((e) => ({ control, id: e.id, expires: e.expires })))
    .sort((a, b) => compareNames(a.id + ' ' + a.control, b.id + ' ' + b.control));
  const bytes = writeStoredZip(entries);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    key: `hooks/${hookName}/${sha256}.zip`,
    sha256,
    bytes,
    profile,
    mode,
    controls: controls.map((c) => c.id).sort(compareNames),
    ...(carried.length ? { exemptions: carried } : {}),
  };
}

/** The catalog's controls in this mode under the profile (never the ones that are off), sorted by ID. */
export function bundleControls(catalog: Catalog, profile: Profile, mode: 'enforce' | 'warn'): Control[] {
  return catalog.controls.filter((c) => modeOf(profile, c.id) === mode).sort((a, b) => compareNames(a.id, b.id));
}

/**
 * The entries of a zip as buildRuleBundle writes it, checked strictly: signatures, the central directory
 * against each local header, sizes, CRC-32s, and that the entries and directory cover the file exactly.
 * Anything else (compression, extra fields, comments, data descriptors, zip64, gaps) is an error.
 */
export function readZipEntries(bytes: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new Error(`not a Tarmac rule bundle: ${message}`);
  };
  if (buf.length < END_SIZE) fail(`${buf.length} bytes is too short for a zip`);
  const end = buf.length - END_SIZE;
  if (buf.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) fail('no end of central directory record at the end (a zip comment, or not a zip)');
  const disk = buf.readUInt16LE(end + 4);
  const directoryDisk = buf.readUInt16LE(end + 6);
  const entriesOnDisk = buf.readUInt16LE(end + 8);
  const count = buf.readUInt16LE(end + 10);
  const directorySize = buf.readUInt32LE(end + 12);
  const directoryOffset = buf.readUInt32LE(end + 16);
  if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== count) fail('a multi-disk zip');
  if (buf.readUInt16LE(end + 20) !== 0) fail('a zip comment');
  if (directoryOffset + directorySize !== end) fail('the central directory does not end where the end record starts');

  const entries = new Map<string, Buffer>();
  let at = directoryOffset;
  let dataEnd = 0; // where the previous local entry ended: entries must be contiguous from offset 0
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER_SIZE > end) fail(`central directory entry ${i + 1} runs past the directory`);
    if (buf.readUInt32LE(at) !== CENTRAL_HEADER) fail(`central directory entry ${i + 1} has a bad signature`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    if (at + CENTRAL_HEADER_SIZE + nameLength > end) fail(`central directory entry ${i + 1} has a name past the directory`);
    const nameBytes = buf.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    const name = nameBytes.toString('utf8');
    if (flags !== 0) fail(`${name}: general purpose flags ${flags} (encryption, data descriptor or other)`);
    if (method !== 0) fail(`${name}: compression method ${method}, not stored`);
    if (compressedSize !== size) fail(`${name}: stored entry with different compressed and uncompressed sizes`);
    if (extraLength !== 0 || commentLength !== 0) fail(`${name}: extra field or comment`);
    if (!nameLength || entries.has(name)) fail(`${name || '(empty name)'}: missing or duplicate name`);

    if (localOffset !== dataEnd) fail(`${name}: local header at ${localOffset}, expected ${dataEnd} (gap or overlap)`);
    if (localOffset + LOCAL_HEADER_SIZE > directoryOffset) fail(`${name}: local header past the entries`);
    if (buf.readUInt32LE(localOffset) !== LOCAL_HEADER) fail(`${name}: local header has a bad signature`);
    const local = {
      flags: buf.readUInt16LE(localOffset + 6),
      method: buf.readUInt16LE(localOffset + 8),
      crc: buf.readUInt32LE(localOffset + 14),
      compressedSize: buf.readUInt32LE(localOffset + 18),
      size: buf.readUInt32LE(localOffset + 22),
      nameLength: buf.readUInt16LE(localOffset + 26),
      extraLength: buf.readUInt16LE(localOffset + 28),
    };
    if (
      local.flags !== flags ||
      local.method !== method ||
      local.crc !== crc ||
      local.compressedSize !== compressedSize ||
      local.size !== size ||
      local.nameLength !== nameLength ||
      local.extraLength !== 0
    ) {
      fail(`${name}: local header disagrees with the central directory`);
    }
    const dataStart = localOffset + LOCAL_HEADER_SIZE + nameLength;
    if (!buf.subarray(localOffset + LOCAL_HEADER_SIZE, dataStart).equals(nameBytes)) fail(`${name}: local header names another file`);
    dataEnd = dataStart + size;
    if (dataEnd > directoryOffset) fail(`${name}: data runs into the central directory`);
    const data = Buffer.from(buf.subarray(dataStart, dataEnd));
    if (crc32(data) !== crc) fail(`${name}: CRC-32 mismatch (corrupt data)`);
    entries.set(name, data);
    at += CENTRAL_HEADER_SIZE + nameLength;
  }
  if (at !== end) fail('the central directory holds more than its entries');
  if (dataEnd !== directoryOffset) fail('bytes between the last entry and the central directory');
  return entries;
}

/** CRC-32 (ISO-HDLC, as zip uses): zlib's where Node has it (≥ 20.15), else a table. */
export function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  return typeof native === 'function' ? native(bytes) >>> 0 : tableCrc32(bytes);
}

let table: Uint32Array | undefined;

/** The table-driven CRC-32 used where zlib.crc32 is absent; exported to test it against zlib. */
export function tableCrc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Code-unit order, the same everywhere (localeCompare depends on the ICU data Node is built with). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function writeStoredZip(files: ReadonlyMap<string, Buffer>): Uint8Array {
  const names = [...files.keys()].sort(compareNames);
  if (names.length > MAX_U16) throw new Error(`a rule bundle holds at most ${MAX_U16} files, not ${names.length}`);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const data = files.get(name)!;
    const nameBytes = Buffer.from(name, 'utf8');
    if (offset + LOCAL_HEADER_SIZE + nameBytes.length + data.length > MAX_U32)
      throw new Error('a rule bundle of 4 GiB or more needs zip64, which bundles do not use');
    const crc = crc32(data);
    const local = Buffer.alloc(LOCAL_HEADER_SIZE);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION, 4); // version needed to extract
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const central = Buffer.alloc(CENTRAL_HEADER_SIZE);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(MADE_BY, 4);
    central.writeUInt16LE(VERSION, 6); // needed to extract
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number and internal attributes: all zero.
    central.writeUInt32LE(FILE_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += LOCAL_HEADER_SIZE + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const endRecord = Buffer.alloc(END_SIZE);
  endRecord.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  endRecord.writeUInt16LE(names.length, 8);
  endRecord.writeUInt16LE(names.length, 10);
  endRecord.writeUInt32LE(directory.length, 12);
  endRecord.writeUInt32LE(offset, 16);
  // A copy with its own ArrayBuffer: Buffer.concat may return a view into Node's shared pool.
  return new Uint8Array(Buffer.concat([...locals, directory, endRecord]));
}
