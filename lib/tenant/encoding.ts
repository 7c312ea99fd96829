/**
 * Tenant and platform files are UTF-8. A file in another encoding is refused
 * with the encoding named, instead of being read as garbage whose YAML errors
 * would point the user the wrong way. Pure: bytes in, text or a problem out.
 */
import type { Position } from './yaml-source';

const SAVE_AS_UTF8 = 'allowed: UTF-8 only (save the file as UTF-8)';

export type Decoded = { readonly text: string } | { readonly problem: string; readonly at?: Position };

/** Line and column (1-based, counting characters of the valid text before it) of byte `offset`. */
function positionOf(bytes: Uint8Array, offset: number): Position {
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, col: [...lines[lines.length - 1]].length + 1 };
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let n: number;
    let min: number;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cont = b[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += n + 1;
  }
  return -1;
}

/** Which byte order a BOM-less UTF-16 text has: ASCII characters put their NUL in the high byte. */
function utf16ByteOrder(b: Uint8Array): 'little-endian' | 'big-endian' | undefined {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < Math.min(b.length, 4096); i++) if (b[i] === 0) (i % 2 === 0 ? even++ : odd++);
  const pairs = Math.min(b.length, 4096) / 2;
  if (odd > pairs / 2 && even === 0) return 'little-endian';
  if (even > pairs / 2 && odd === 0) return 'big-endian';
  return undefined;
}

/**
 * The text of a file's bytes, or why they are not UTF-8: a UTF-16 or UTF-32
 * byte order mark, NUL bytes (UTF-16 without a mark, or binary data), or the
 * first byte that is not valid UTF-8 (often Latin-1). A UTF-8 byte order mark
 * is accepted and dropped.
 */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { problem: `the file is UTF-32 little-endian (it starts with a byte order mark); ${SAVE_AS_UTF8}` };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { problem: `the file is UTF-32 big-endian (it starts with a byte order mark); ${SAVE_AS_UTF8}` };
  if (b[0] === 0xff && b[1] === 0xfe) return { problem: `the file is UTF-16 little-endian (it starts with a byte order mark); ${SAVE_AS_UTF8}` };
  if (b[0] === 0xfe && b[1] === 0xff) return { problem: `the file is UTF-16 big-endian (it starts with a byte order mark); ${SAVE_AS_UTF8}` };
  const nul = b.indexOf(0);
  if (nul >= 0) {
    const order = utf16ByteOrder(b);
    if (order) return { problem: `the file contains NUL bytes: it looks like UTF-16 ${order}; ${SAVE_AS_UTF8}` };
    return { problem: 'the file contains a NUL byte, which no text file has; allowed: UTF-8 text only (save the file as UTF-8)', at: positionOf(b, nul) };
  }
  const bad = firstInvalidUtf8(b);
  if (bad >= 0) {
    const byte = b[bad].toString(16).toUpperCase().padStart(2, '0');
    return { problem: `the file is not valid UTF-8 (byte 0x${byte} here; Latin-1 or Windows-1252?); ${SAVE_AS_UTF8}`, at: positionOf(b, bad) };
  }
  const hasBom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  return { text: Buffer.from(b.buffer, b.byteOffset + (hasBom ? 3 : 0), b.length - (hasBom ? 3 : 0)).toString('utf8') };
}
