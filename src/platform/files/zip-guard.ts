import { createInflateRaw } from 'node:zlib';
import { invalid, Problem } from '../errors.js';

/**
 * Reads a ZIP file's central directory (XLSX and DOCX are ZIP files) and refuses, before anything
 * is inflated, what could only be a decompression bomb or a trick: too many entries, an entry or a
 * total that would expand past a limit, an absurd compression ratio, entries that overlap or whose
 * local header disagrees with the directory, ZIP64, encryption. `inflateEntry` then holds each
 * entry to its declared size while inflating it, so a header that understates it gets nowhere.
 */

export interface ZipLimits {
  /** Entries in the directory. */
  maxEntries: number;
  /** Bytes one entry may expand to. */
  maxEntryBytes: number;
  /** Bytes all entries together may expand to. */
  maxTotalBytes: number;
  /** Expanded bytes per compressed byte, for entries past a megabyte (deflate's ceiling is about 1,032). */
  maxRatio: number;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  compressedSize: number;
  /** The size the directory declares once inflated. */
  size: number;
  /** Where its local header starts in the file. */
  headerStart: number;
  /** Where its compressed bytes start in the file. */
  dataStart: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const RATIO_FLOOR = 1024 * 1024;
const MB = 1024 * 1024;

const megabytes = (bytes: number): string => `${Math.round(bytes / MB)} MB`;

/** A ZIP that cannot be read as one: a 400 naming the file's field. */
function damaged(pointer: string, what: string, why: string): Problem {
  return invalid([{ pointer, detail: `the ${what} cannot be read: ${why}` }]);
}

function tooLarge(what: string, detail: string): Problem {
  return new Problem(413, 'File expands too far', `The ${what} ${detail}; it is refused as it stands (a file this size could be a decompression bomb). Split it or remove what it does not need.`);
}

/** The central directory's entries, checked against the limits; `what` names the file in messages ("XLSX workbook"). */
export function readZipDirectory(content: Buffer, limits: ZipLimits, what: string, pointer = '/file'): ZipEntry[] {
  let end = -1;
  for (let at = content.length - 22; at >= Math.max(0, content.length - 22 - 0xffff); at--) {
    if (content.readUInt32LE(at) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged(pointer, what, 'its ZIP directory is missing (is the file cut short?)');
  const count = content.readUInt16LE(end + 10);
  const directorySize = content.readUInt32LE(end + 12);
  const directoryStart = content.readUInt32LE(end + 16);
  if (count === 0xffff || directoryStart === 0xffffffff) throw tooLarge(what, 'is a ZIP64 archive, which is only needed past 4 GB or 65,535 entries');
  if (content.readUInt16LE(end + 4) !== 0 || content.readUInt16LE(end + 8) !== count) throw damaged(pointer, what, 'it is one part of a split ZIP archive');
  if (count > limits.maxEntries) throw tooLarge(what, `holds ${count} files, more than the limit of ${limits.maxEntries}`);
  if (directoryStart + directorySize > end) throw damaged(pointer, what, 'its ZIP directory points outside the file');

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let at = directoryStart;
  for (let index = 0; index < count; index++) {
    if (at + 46 > end || content.readUInt32LE(at) !== DIRECTORY_ENTRY) throw damaged(pointer, what, 'its ZIP directory is damaged');
    const flags = content.readUInt16LE(at + 8);
    const method = content.readUInt16LE(at + 10);
    const compressedSize = content.readUInt32LE(at + 20);
    const size = content.readUInt32LE(at + 24);
    const nameLength = content.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + content.readUInt16LE(at + 30) + content.readUInt16LE(at + 32);
    const local = content.readUInt32LE(at + 42);
    const name = content.toString('utf8', at + 46, at + 46 + nameLength);
    at = next;
    if (next > end) throw damaged(pointer, what, 'its ZIP directory is damaged');
    if (flags & 0x1) throw damaged(pointer, what, 'it is encrypted (password-protected)');
    if (method !== 0 && method !== 8) throw damaged(pointer, what, `"${name}" uses a compression method other than deflate`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw tooLarge(what, 'is a ZIP64 archive, which is only needed past 4 GB');
    if (names.has(name)) throw damaged(pointer, what, `it holds "${name}" twice`);
    names.add(name);
    if (size > limits.maxEntryBytes) throw tooLarge(what, `holds "${name}", which expands to ${megabytes(size)}, more than the limit of ${megabytes(limits.maxEntryBytes)}`);
    total += size;
    if (total > limits.maxTotalBytes) throw tooLarge(what, `expands to more than the limit of ${megabytes(limits.maxTotalBytes)}`);
    if (size > RATIO_FLOOR && size > compressedSize * limits.maxRatio) {
      throw tooLarge(what, `holds "${name}", compressed ${Math.round(size / Math.max(compressedSize, 1))} to 1, more than the limit of ${limits.maxRatio} to 1`);
    }
    if (method === 0 && size !== compressedSize) throw damaged(pointer, what, `"${name}" is stored with two different sizes`);
    if (local + 30 > directoryStart || content.readUInt32LE(local) !== LOCAL_HEADER) throw damaged(pointer, what, `the local header of "${name}" is missing`);
    const localNameLength = content.readUInt16LE(local + 26);
    if (content.readUInt16LE(local + 8) !== method || localNameLength !== nameLength || content.toString('utf8', local + 30, local + 30 + nameLength) !== name) {
      throw damaged(pointer, what, `the local header of "${name}" disagrees with the ZIP directory`);
    }
    const dataStart = local + 30 + localNameLength + content.readUInt16LE(local + 28);
    if (dataStart + compressedSize > directoryStart) throw damaged(pointer, what, `"${name}" runs past the end of the data`);
    entries.push({ name, method, compressedSize, size, headerStart: local, dataStart });
  }
  // Entries sharing compressed bytes are how the smallest bombs multiply themselves.
  const byStart = [...entries].sort((a, b) => a.headerStart - b.headerStart);
  for (let index = 1; index < byStart.length; index++) {
    const before = byStart[index - 1] as ZipEntry;
    const entry = byStart[index] as ZipEntry;
    if (before.dataStart + before.compressedSize > entry.headerStart) throw damaged(pointer, what, `"${before.name}" and "${entry.name}" overlap`);
  }
  return entries;
}

/**
 * An entry's bytes as they are inflated, never more than its declared size: an entry that would
 * expand further, or stops short of it, is refused as soon as that shows.
 */
export async function* inflateEntry(content: Buffer, entry: ZipEntry, what: string, pointer = '/file'): AsyncGenerator<Buffer> {
  const compressed = content.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) {
    yield compressed;
    return;
  }
  const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
  inflater.end(compressed);
  let produced = 0;
  // The last chunk is held back until the entry has ended at its declared size, so a reader never
  // sees a whole entry that was not: one whose header understated it fails before its end is read.
  let held: Buffer | undefined;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      produced += chunk.length;
      if (produced > entry.size) throw damaged(pointer, what, `"${entry.name}" expands past the size its header declares (${entry.size} bytes)`);
      if (held) yield held;
      held = chunk;
    }
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw damaged(pointer, what, `"${entry.name}" is not valid deflate data`);
  } finally {
    inflater.destroy();
  }
  if (produced !== entry.size) throw damaged(pointer, what, `"${entry.name}" expands to ${produced} bytes, not the ${entry.size} its header declares`);
  if (held) yield held;
}

/** An entry's bytes, whole (held to its declared size, as `inflateEntry` holds them): for entries small enough to keep in memory. */
export async function entryBytes(content: Buffer, entry: ZipEntry, what: string, pointer = '/file'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of inflateEntry(content, entry, what, pointer)) chunks.push(chunk);
  return chunks.length === 1 ? Buffer.from(chunks[0] as Buffer) : Buffer.concat(chunks, entry.size);
}

/** Inflates every entry (each held to its declared size) and keeps nothing: proves the directory told the truth. */
export async function verifyZip(content: Buffer, entries: readonly ZipEntry[], what: string, pointer = '/file'): Promise<void> {
  for (const entry of entries) {
    const chunks = inflateEntry(content, entry, what, pointer);
    while (!(await chunks.next()).done);
  }
}
