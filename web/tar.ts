/**
 * A minimal POSIX ustar writer (IEEE Std 1003.1 "pax" interchange format, ustar headers only):
 * regular files and directories, names up to 255 bytes (prefix + name), sizes below 8 GiB. Enough
 * for the "Download C" archive; every `tar` (GNU, bsdtar, busybox) and 7-Zip read it.
 *
 * Layout: per entry one 512-byte header, then the data padded with zeros to a multiple of 512; two
 * zero blocks end the archive, and the whole is padded to a 10,240-byte record (tar's default
 * blocking factor 20).
 */

export interface TarEntry {
  /** Path inside the archive, '/'-separated, ASCII; a directory ends with '/'. */
  name: string;
  /** File contents (text is written as UTF-8); absent for a directory. */
  data?: Uint8Array | string;
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number;
}

const BLOCK = 512;
const RECORD = 20 * BLOCK;
const MAX_SIZE = 8 ** 11 - 1; // 11 octal digits

/** Writes `text` (ASCII) at `offset`, at most `length` bytes. */
function putString(header: Uint8Array, offset: number, length: number, text: string): void {
  for (let i = 0; i < text.length && i < length; i++) header[offset + i] = text.charCodeAt(i);
}

/** A numeric field: `length - 1` zero-padded octal digits and a NUL. */
function putOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  const digits = Math.floor(value).toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new Error(`tar: ${value} does not fit a ${length}-byte field`);
  putString(header, offset, length - 1, digits);
  header[offset + length - 1] = 0;
}

/** Splits a path into ustar's prefix (<= 155 bytes) and name (<= 100 bytes) at a '/'. */
function splitName(path: string): [prefix: string, name: string] {
  if (path.length <= 100) return ['', path];
  // A directory's trailing '/' belongs to the name part.
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  for (let i = body.lastIndexOf('/'); i > 0; i = body.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return [prefix, name];
  }
  throw new Error(`tar: the path "${path}" is too long for a ustar header`);
}

function header(entry: TarEntry, size: number, mtime: number): Uint8Array {
  const { name } = entry;
  if (!name || !/^[\x20-\x7e]+$/.test(name) || name.startsWith('/') || name.split('/').includes('..'))
    throw new Error(`tar: "${name}" is not a relative printable-ASCII path`);
  const dir = name.endsWith('/');
  const [prefix, short] = splitName(name);
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, short);
  putOctal(h, 100, 8, entry.mode ?? (dir ? 0o755 : 0o644));
  putOctal(h, 108, 8, 0); // uid
  putOctal(h, 116, 8, 0); // gid
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, mtime);
  putString(h, 148, 8, '        '); // the checksum counts its own field as spaces
  h[156] = dir ? 0x35 : 0x30; // typeflag '5' directory, '0' regular file
  putString(h, 257, 6, 'ustar'); // magic "ustar\0"
  putString(h, 263, 2, '00'); // version
  putString(h, 265, 32, 'root'); // uname
  putString(h, 297, 32, 'root'); // gname
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  // Six octal digits, NUL, space (the historical layout every reader accepts).
  putString(h, 148, 6, sum.toString(8).padStart(6, '0'));
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** The archive's bytes. `mtime`: seconds since the epoch for every entry (default: now). */
export function tarArchive(entries: readonly TarEntry[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const encoder = new TextEncoder();
  const parts: { head: Uint8Array; data: Uint8Array }[] = [];
  let total = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`tar: "${entry.name}" appears twice`);
    seen.add(entry.name);
    const dir = entry.name.endsWith('/');
    if (dir && entry.data !== undefined) throw new Error(`tar: the directory "${entry.name}" cannot have data`);
    const data = typeof entry.data === 'string' ? encoder.encode(entry.data) : (entry.data ?? new Uint8Array(0));
    if (data.length > MAX_SIZE) throw new Error(`tar: "${entry.name}" is too large for a ustar header`);
    parts.push({ head: header(entry, data.length, mtime), data });
    total += BLOCK + Math.ceil(data.length / BLOCK) * BLOCK;
  }
  total += 2 * BLOCK;
  total = Math.ceil(total / RECORD) * RECORD;
  const out = new Uint8Array(total); // zero-filled: data padding and the end-of-archive blocks
  let at = 0;
  for (const { head, data } of parts) {
    out.set(head, at);
    at += BLOCK;
    out.set(data, at);
    at += Math.ceil(data.length / BLOCK) * BLOCK;
  }
  return out;
}
