import { createDeflateRaw, deflateRawSync } from 'node:zlib';

/** Writing ZIP files for tests, honest or not: entries deflated as they are generated, directories that may lie. */

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

export interface Deflated {
  /** The deflated bytes. */
  data: Buffer;
  /** Bytes once inflated. */
  size: number;
  crc: number;
}

/**
 * Deflates generated content piece by piece, so content of hundreds of megabytes is never held
 * whole. Without `crc` the CRC is left 0 (nothing here checks it before refusing a bomb; it costs
 * seconds over hundreds of megabytes).
 */
export async function deflate(pieces: Iterable<string | Buffer>, { level = 6, crc: withCrc = true }: { level?: number; crc?: boolean } = {}): Promise<Deflated> {
  const deflater = createDeflateRaw({ level });
  const out: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  let size = 0;
  let crc = 0;
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += bytes.length;
    if (withCrc) crc = crc32(crc, bytes);
    if (!deflater.write(bytes)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  deflater.end();
  await done;
  return { data: Buffer.concat(out), size, crc };
}

function small(content: Buffer): Deflated {
  return { data: deflateRawSync(content), size: content.length, crc: crc32(0, content) };
}

export interface ZipEntryInput {
  name: string;
  /** Small content, deflated here; or content deflated before. */
  content: string | Buffer | Deflated;
  /** The size the directory and the local header declare, when they should lie. */
  declaredSize?: number;
}

function header(signature: number, fields: Buffer, name: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(signature);
  return Buffer.concat([head, fields, name]);
}

/** A ZIP file of the entries, in order, deflated. */
export function zip(entries: readonly ZipEntryInput[]): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const content = entry.content;
    const deflated = typeof content === 'string' || Buffer.isBuffer(content) ? small(Buffer.from(content)) : content;
    const name = Buffer.from(entry.name);
    const size = entry.declaredSize ?? deflated.size;
    // version, flags (UTF-8 names), method 8, time, date, crc, sizes, name length, extra length
    const local = Buffer.alloc(26);
    local.writeUInt16LE(20, 0);
    local.writeUInt16LE(0x800, 2);
    local.writeUInt16LE(8, 4);
    local.writeUInt32LE(deflated.crc, 10);
    local.writeUInt32LE(deflated.data.length, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt16LE(name.length, 22);
    const localHeader = header(0x04034b50, local, name);
    locals.push(localHeader, deflated.data);
    const central = Buffer.alloc(42);
    central.writeUInt16LE(20, 0);
    central.writeUInt16LE(20, 2);
    central.writeUInt16LE(0x800, 4);
    central.writeUInt16LE(8, 6);
    central.writeUInt32LE(deflated.crc, 12);
    central.writeUInt32LE(deflated.data.length, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt16LE(name.length, 24);
    central.writeUInt32LE(offset, 38);
    directory.push(header(0x02014b50, central, name));
    offset += localHeader.length + deflated.data.length;
  }
  return Buffer.concat([...locals, ...directory, endOfDirectory(entries.length, directory.reduce((sum, part) => sum + part.length, 0), offset)]);
}

/** The end-of-central-directory record. */
export function endOfDirectory(count: number, directorySize: number, directoryStart: number): Buffer {
  const end = Buffer.alloc(18);
  end.writeUInt16LE(count, 4);
  end.writeUInt16LE(count, 6);
  end.writeUInt32LE(directorySize, 8);
  end.writeUInt32LE(directoryStart, 12);
  return header(0x06054b50, end, Buffer.alloc(0));
}

const CONTENT_TYPES_XLSX =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';

/** The parts of a one-sheet workbook around its sheet's XML. */
export function workbookEntries(sheet: ZipEntryInput['content'], declaredSize?: number): ZipEntryInput[] {
  return [
    { name: '[Content_Types].xml', content: CONTENT_TYPES_XLSX },
    {
      name: '_rels/.rels',
      content: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      content: '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Reports" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    { name: 'xl/worksheets/sheet1.xml', content: sheet, ...(declaredSize === undefined ? {} : { declaredSize }) },
  ];
}

/** A sheet's XML: a header row of inline strings, then `rows` rows of one small number each, generated a block at a time. */
export function* sheetXml(header: readonly string[], rows: number): Generator<string> {
  const cells = header.map((name, index) => `<c r="${String.fromCharCode(65 + index)}1" t="inlineStr"><is><t>${name}</t></is></c>`).join('');
  yield `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${cells}</row>`;
  const block: string[] = [];
  for (let row = 2; row <= rows + 1; row++) {
    block.push(`<row r="${row}"><c r="A${row}"><v>${row % 10}</v></c></row>`);
    if (block.length === 10_000) yield block.splice(0).join('');
  }
  yield `${block.join('')}</sheetData></worksheet>`;
}

/** The parts of a Word document around its document.xml. */
export function documentEntries(document: ZipEntryInput['content'], declaredSize?: number): ZipEntryInput[] {
  return [
    {
      name: '[Content_Types].xml',
      content: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      content: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    { name: 'word/document.xml', content: document, ...(declaredSize === undefined ? {} : { declaredSize }) },
  ];
}

/** A document.xml of one paragraph holding `bytes` of the same letter, generated a megabyte at a time. */
export function* documentXml(bytes: number): Generator<string | Buffer> {
  yield '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>';
  const megabyte = Buffer.alloc(1024 * 1024, 'a');
  for (let left = bytes; left > 0; left -= megabyte.length) yield left >= megabyte.length ? megabyte : megabyte.subarray(0, left);
  yield '</w:t></w:r></w:p></w:body></w:document>';
}
