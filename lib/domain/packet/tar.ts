/**
 * A minimal POSIX ustar (IEEE Std 1003.1 "pax" interchange, ustar format)
 * writer and a strict reader for evidence packets. Only regular files with
 * writer-chosen names; every header is written in ONE canonical form, and the
 * reader accepts exactly that form (it rebuilds each header and compares
 * bytes), so any changed byte outside a member's data is a structure error,
 * and any changed data byte changes that member's SHA-256.
 *
 * Header (512 bytes; numeric fields are zero-padded octal ASCII ending in NUL):
 *   0 name[100]  100 mode "0000644\0"  108 uid "0000000\0"  116 gid "0000000\0"
 *   124 size[12] (11 digits)  136 mtime[12] (11 digits)
 *   148 chksum[8] (6 digits, NUL, space)  156 typeflag "0"  157 linkname (NUL)
 *   257 magic "ustar\0"  263 version "00"  265 uname, 297 gname (NUL)
 *   329 devmajor "0000000\0"  337 devminor "0000000\0"  345 prefix, 500 pad (NUL)
 * The checksum is the sum of the header's bytes with the chksum field read as
 * eight spaces. Data follows, NUL-padded to a multiple of 512; the archive
 * ends with two all-NUL blocks and nothing after them.
 */
const BLOCK = 512;
const MAX_SIZE = 0o77777777777; // 11 octal digits
export const MEMBER_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TarError";
  }
}

export interface TarMember {
  name: string;
  data: Uint8Array;
}

function octal(value: number, digits: number): string {
  return value.toString(8).padStart(digits, "0");
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => h.set(Buffer.from(text, "ascii"), offset);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, `${octal(size, 11)}\0`);
  put(136, `${octal(mtime, 11)}\0`);
  put(148, "        ");
  put(156, "0");
  put(257, "ustar\0");
  put(263, "00");
  put(329, "0000000\0");
  put(337, "0000000\0");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, `${octal(sum, 6)}\0 `);
  return h;
}

export function checkMemberName(name: string): void {
  if (Buffer.byteLength(name) > 100 || !MEMBER_NAME.test(name)) throw new TarError(`member name "${name}" is not allowed`);
}

/** Writes a ustar archive of regular files (names checked), all with modification time `mtime` (Unix seconds). */
export function writeTar(members: readonly TarMember[], mtime: number): Uint8Array {
  if (!Number.isSafeInteger(mtime) || mtime < 0 || mtime > MAX_SIZE) throw new TarError("mtime out of range");
  const seen = new Set<string>();
  let total = 2 * BLOCK;
  for (const m of members) {
    checkMemberName(m.name);
    if (seen.has(m.name)) throw new TarError(`duplicate member name "${m.name}"`);
    seen.add(m.name);
    if (m.data.length > MAX_SIZE) throw new TarError(`member "${m.name}" is too large for ustar`);
    total += BLOCK + Math.ceil(m.data.length / BLOCK) * BLOCK;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const m of members) {
    out.set(header(m.name, m.data.length, mtime), offset);
    out.set(m.data, offset + BLOCK);
    offset += BLOCK + Math.ceil(m.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function isZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (bytes[i] !== 0) return false;
  return true;
}

function readOctal(h: Uint8Array, offset: number, digits: number): number | null {
  const text = Buffer.from(h.subarray(offset, offset + digits)).toString("latin1");
  return /^[0-7]+$/.test(text) && text.length === digits ? parseInt(text, 8) : null;
}

/**
 * Reads an archive written by writeTar, refusing anything else: the first
 * problem is thrown as a TarError naming the member (or byte offset).
 * Returned data are views into `bytes`. Duplicate names are returned as they
 * are (the packet verifier reports them).
 */
export function readTar(bytes: Uint8Array): Array<TarMember & { offset: number }> {
  if (bytes.length % BLOCK !== 0) throw new TarError(`archive length ${bytes.length} is not a multiple of ${BLOCK} bytes`);
  const members: Array<TarMember & { offset: number }> = [];
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > bytes.length) throw new TarError("archive ends without its two end-of-archive blocks");
    if (isZero(bytes, offset, offset + BLOCK)) {
      if (offset + 2 * BLOCK !== bytes.length || !isZero(bytes, offset + BLOCK, offset + 2 * BLOCK)) {
        throw new TarError(`bytes after member ${members.length} are not exactly two end-of-archive blocks`);
      }
      return members;
    }
    const h = bytes.subarray(offset, offset + BLOCK);
    const nameEnd = h.indexOf(0);
    const name = Buffer.from(h.subarray(0, nameEnd < 0 || nameEnd > 100 ? 100 : nameEnd)).toString("latin1");
    const what = `header of member ${members.length + 1} ("${name}") at byte ${offset}`;
    const size = readOctal(h, 124, 11);
    const mtime = readOctal(h, 136, 11);
    if (size === null || mtime === null) throw new TarError(`${what} has a malformed size or time`);
    try {
      checkMemberName(name);
    } catch {
      throw new TarError(`${what} has a name that is not allowed`);
    }
    const expected = header(name, size, mtime);
    if (!Buffer.from(h).equals(Buffer.from(expected))) {
      const sumOk = Buffer.from(h.subarray(148, 156)).equals(Buffer.from(expected.subarray(148, 156)));
      throw new TarError(`${what} is ${sumOk ? "not in the canonical form" : "corrupt (checksum mismatch)"}`);
    }
    const dataStart = offset + BLOCK;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (dataStart + padded > bytes.length) throw new TarError(`member "${name}" is truncated`);
    if (!isZero(bytes, dataStart + size, dataStart + padded)) throw new TarError(`member "${name}" has non-zero padding`);
    members.push({ name, data: bytes.subarray(dataStart, dataStart + size), offset });
    offset = dataStart + padded;
  }
}
