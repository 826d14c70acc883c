import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/**
 * The backup's inside: a plain POSIX tar (ustar), so an operator can open a decrypted backup with
 * `tar` (`age -d -i KEY FILE | tar x`). Only regular files, written in order, each preceded by its
 * 512-byte header and padded to 512 bytes; two zero blocks end it. Sizes past ustar's 8 GiB are
 * written in the base-256 form GNU tar and bsdtar read.
 */

const BLOCK = 512;

export interface ArchiveEntry {
  name: string;
  size: number;
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: number): Buffer {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new Error(`archive entry name not allowed: ${name}`);
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 'ascii');
  block.write(octal(0o600, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  if (size < 0o77777777777) {
    block.write(octal(size, 12), 124, 'ascii');
  } else {
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 128);
  }
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** The tar of `entries`, as chunks; an entry whose content is not exactly its declared size is an error. */
export async function* writeArchive(entries: readonly ArchiveEntry[], mtime = Math.floor(Date.now() / 1000)): AsyncGenerator<Uint8Array> {
  for (const entry of entries) {
    yield header(entry.name, entry.size, mtime);
    let written = 0;
    for await (const chunk of entry.content) {
      written += chunk.byteLength;
      if (written > entry.size) break;
      yield chunk;
    }
    if (written !== entry.size) throw new Error(`${entry.name} changed while it was archived (${written} bytes, expected ${entry.size})`);
    const padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (padding) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Where an entry's bytes are in an archive file, and their SHA-256. */
export interface ArchivedFile {
  name: string;
  offset: number;
  size: number;
  sha256: string;
}

function parseSize(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) return Number(field.readBigUInt64BE(4));
  const text = field.toString('ascii').replace(/[\0 ]+$/, '');
  if (!/^[0-7]+$/.test(text)) throw new Error('the archive is damaged (an entry size is not a number)');
  return parseInt(text, 8);
}

/**
 * Lists the entries of an archive file with the SHA-256 of each, checking every header's checksum
 * and that the archive ends where tar says it does; a damaged or cut archive is an error.
 */
export async function readArchive(file: FileHandle): Promise<ArchivedFile[]> {
  const { size: total } = await file.stat();
  const entries: ArchivedFile[] = [];
  const block = Buffer.alloc(BLOCK);
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > total) throw new Error('the archive is cut short (no end marker)');
    await file.read(block, 0, BLOCK, offset);
    if (block.every((byte) => byte === 0)) return entries;
    const stored = parseInt(block.toString('ascii', 148, 156).replace(/[\0 ]+$/, ''), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
    if (sum !== stored) throw new Error('the archive is damaged (a header checksum is wrong)');
    const name = block.toString('ascii', 0, 100).replace(/\0.*$/s, '');
    const size = parseSize(block.subarray(124, 136));
    const start = offset + BLOCK;
    if (start + size > total) throw new Error(`the archive is cut short (in ${name})`);
    entries.push({ name, offset: start, size, sha256: await hashRange(file, start, size) });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
}

async function hashRange(file: FileHandle, start: number, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  for (let done = 0; done < size; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - done), start + done);
    if (bytesRead === 0) throw new Error('the archive is cut short');
    hash.update(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
  return hash.digest('hex');
}

/** An entry's bytes, read from the archive file in chunks. */
export async function* readEntry(file: FileHandle, entry: Pick<ArchivedFile, 'offset' | 'size'>): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.alloc(1 << 20);
  for (let done = 0; done < entry.size; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, entry.size - done), entry.offset + done);
    if (bytesRead === 0) throw new Error('the archive is cut short');
    yield Buffer.from(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
}
