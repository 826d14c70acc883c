import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { deflate, documentEntries, documentXml, sheetXml, workbookEntries, zip, type Deflated } from '../../../test/support/zip.js';
import { Problem } from '../errors.js';
import { extractText } from './extract-text.js';
import { MAX_PARSES, MAX_WAITING, parseInWorker } from './parse-pool.js';
import { readTable } from './tabular.js';

/**
 * Decompression bombs and files heavy to parse (issue 20, finding 5): each is refused with a 413
 * or a 400 that says why, in a parse worker, while the server keeps answering and its memory stays
 * bounded.
 */

const MB = 1024 * 1024;
const execFileAsync = promisify(execFile);
const columns = ['id', 'name'];

/** What a promise was rejected with, as a Problem. */
async function problemOf(work: Promise<unknown>): Promise<Problem> {
  const error = await work.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

let rowsSheet: Deflated;
let rowsXlsx: Buffer;
let sameRowsXlsx: Buffer;
let document400: Deflated;
let docx: Buffer;

beforeAll(async () => {
  // 3 million numbered rows: 150 MB of XML in 15 MB, about 10 to 1, so only counting the rows stops it.
  rowsSheet = await deflate(sheetXml(columns, 3_000_000), { level: 1, crc: false });
  rowsXlsx = zip(workbookEntries(rowsSheet));
  // 3 million copies of one row: 117 MB in 340 KB.
  const row = '<row r="2"><c r="A2"><v>1</v></c></row>'.repeat(10_000);
  const sameRows = await deflate((function* () {
    yield '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>';
    for (let block = 0; block < 300; block++) yield row;
    yield '</sheetData></worksheet>';
  })(), { crc: false });
  sameRowsXlsx = zip(workbookEntries(sameRows));
  // A Word document whose document.xml expands to 400 MB, in about 400 KB.
  document400 = await deflate(documentXml(400 * MB), { crc: false });
  docx = zip(documentEntries(document400));
}, 60_000);

describe('XLSX bombs', () => {
  test('3 million small rows are refused at the row limit as they stream by (413), without building the sheet in memory', async () => {
    expect(rowsXlsx.length).toBeLessThan(16 * MB);
    expect(rowsSheet.size).toBeGreaterThan(140 * MB);
    const problem = await problemOf(readTable(rowsXlsx, { columns, maxRows: 5_000 }));
    expect(problem.status).toBe(413);
    expect(problem.detail).toMatch(/more than 5000 data rows/);
  });

  test('3 million copies of a row, compressed past 250 to 1, are refused from the ZIP directory (413)', async () => {
    expect(sameRowsXlsx.length).toBeLessThan(MB);
    const problem = await problemOf(readTable(sameRowsXlsx, { columns }));
    expect(problem.status).toBe(413);
    expect(problem.detail).toMatch(/xl\/worksheets\/sheet1\.xml", compressed \d+ to 1, more than the limit of 250 to 1/);
  });

  test('a directory that understates the sheet is refused once inflating passes its declared size (400 at /file)', async () => {
    const lying = zip(workbookEntries(rowsSheet, MB));
    const problem = await problemOf(readTable(lying, { columns }));
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ pointer: '/file', detail: expect.stringMatching(/sheet1\.xml" expands past the size its header declares \(1048576 bytes\)/) }]);
  });
});

describe('DOCX bombs', () => {
  test('a document.xml that expands to 400 MB is refused from the ZIP directory, before inflating (413)', async () => {
    expect(docx.length).toBeLessThan(600 * 1024);
    const problem = await problemOf(extractText(docx));
    expect(problem.status).toBe(413);
    expect(problem.detail).toMatch(/word\/document\.xml", which expands to 400 MB, more than the limit of 128 MB/);
  });

  test('the same document.xml declared as 1 MB is stopped after 1 MB of inflating (400 at /file)', async () => {
    const problem = await problemOf(extractText(zip(documentEntries(document400, MB))));
    expect(problem.status).toBe(400);
    expect(problem.errors?.[0]).toEqual({ pointer: '/file', detail: expect.stringMatching(/document\.xml" expands past the size its header declares/) });
  });

  test('a document honest about its sizes but too heavy to parse ends its worker at the heap limit: 413, and the next file is read', async () => {
    // 44 MB of XML in 1.5 million runs: mammoth's tree of it outgrows the worker's heap.
    const runs = Array.from({ length: 1_500_000 }, (_, index) => `<w:r><w:t>w${index}</w:t></w:r>`).join('');
    const heavy = zip(documentEntries(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>${runs}</w:p></w:body></w:document>`));
    const problem = await problemOf(extractText(heavy));
    expect(problem.status).toBe(413);
    expect(problem.detail).toMatch(/needs more than the 384 MB one file may use/);
    const small = zip(documentEntries('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>after</w:t></w:r></w:p></w:body></w:document>'));
    expect(await extractText(small)).toEqual({ kind: 'docx', text: 'after' });
  });

  test('text longer than the caller allows is a 400 at /file', async () => {
    const document = zip(documentEntries(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${'word '.repeat(300)}</w:t></w:r></w:p></w:body></w:document>`));
    expect((await extractText(document, '/file', 2000)).text).toHaveLength(1499);
    const problem = await problemOf(extractText(document, '/file', 1000));
    expect(problem.errors).toEqual([{ pointer: '/file', detail: 'its text is longer than 1000 characters' }]);
  });
});

describe('ZIP directories', () => {
  test('too many entries is a 413; entries sharing their bytes, a 400', async () => {
    const many = zip(Array.from({ length: 10_001 }, (_, index) => ({ name: `xl/media/${index}.xml`, content: '' })));
    expect((await problemOf(readTable(many, { columns }))).detail).toMatch(/holds 10001 files, more than the limit of 10000/);

    // An entry whose compressed bytes run over the next entry (the smallest bombs reuse bytes so).
    const pair = zip([{ name: 'a.xml', content: 'a' }, { name: 'b.xml', content: 'b' }]);
    const directoryStart = pair.readUInt32LE(pair.length - 22 + 16);
    pair.writeUInt32LE(directoryStart - 35, directoryStart + 20);
    const overlap = await problemOf(readTable(pair, { columns }));
    expect(overlap.status).toBe(400);
    expect(overlap.errors?.[0]?.detail).toMatch(/"a\.xml" and "b\.xml" overlap/);

    // A local header that names another entry than the directory does.
    const renamed = zip(documentEntries('<w:document/>'));
    renamed.write('word/documenx.xml', renamed.lastIndexOf('word/document.xml'));
    const disagrees = await problemOf(extractText(renamed));
    expect(disagrees.errors?.[0]?.detail).toMatch(/local header of "word\/documenx\.xml" disagrees/);
  });

  test('a file that is no ZIP past its signature, and a ZIP cut short, are 400s', async () => {
    const cut = rowsXlsx.subarray(0, 1000);
    expect((await problemOf(readTable(cut, { columns }))).errors?.[0]?.detail).toMatch(/ZIP directory is missing/);
  });
});

describe('the parse pool', () => {
  test('a parse past its time limit ends its worker: 413', async () => {
    const problem = await problemOf(parseInWorker({ kind: 'xlsx', content: rowsXlsx, maxRows: 200_000, pointer: '/file' }, 50));
    expect(problem.status).toBe(413);
    expect(problem.title).toBe('File too slow to read');
  });

  test(`${MAX_PARSES} parses at once, ${MAX_WAITING} waiting, and the next is a 503 with Retry-After; the others are read`, async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['not this one']);
    const sheet = workbook.addWorksheet('Reports');
    sheet.addRow(['id', 'name', 'when']);
    sheet.addRow([1, 'Ana', new Date('2024-03-01T00:00:00Z')]);
    const small = Buffer.from(await workbook.xlsx.writeBuffer());
    const jobs = Array.from({ length: MAX_PARSES + MAX_WAITING }, () => readTable(small, { columns: ['id', 'name', 'when'], sheet: 'Reports' }));
    const problem = await problemOf(readTable(small, { columns: ['id', 'name', 'when'], sheet: 'Reports' }));
    expect(problem.status).toBe(503);
    expect(problem.headers).toEqual({ 'retry-after': '5' });
    for (const table of await Promise.all(jobs)) expect([...table.rows]).toEqual([{ row: 2, cells: { id: '1', name: 'Ana', when: '2024-03-01' }, extraCells: 0 }]);
    // Without a sheet named, the workbook's first: it has no such columns.
    expect((await problemOf(readTable(small, { columns: ['id'] }))).errors?.[0]).toMatchObject({ pointer: '/rows/1' });
  });
});

describe('bombs sent to the server', () => {
  let t: TestContext;
  let officer: TestSession;
  let base: string;

  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('AAA');
    officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  interface Upload {
    path: string;
    fields: Record<string, string>;
    file: Buffer;
    name: string;
  }
  interface Answer {
    status: number;
    type: string | null;
    body: { detail: string };
  }

  /**
   * Sends the uploads at once from another process, as other machines would: building and sending
   * multipart bodies of megabytes is the client's work, and its memory is not the server's.
   */
  async function uploadAll(uploads: Upload[]): Promise<Answer[]> {
    const folder = await mkdtemp(join(tmpdir(), 'lintas-bombs-'));
    try {
      const files = await Promise.all(uploads.map(async (upload, index) => {
        const file = join(folder, String(index));
        await writeFile(file, upload.file);
        return { ...upload, file };
      }));
      const client = `
        const { readFileSync } = require('node:fs');
        const { base, headers, uploads } = JSON.parse(process.env.LINTAS_BOMBS);
        const send = async ({ path, fields, file, name }) => {
          const form = new FormData();
          for (const [field, value] of Object.entries(fields)) form.append(field, value);
          form.append('file', new Blob([readFileSync(file)]), name);
          const response = await fetch(base + '/api/v1' + path, { method: 'POST', body: form, headers });
          return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
        };
        Promise.all(uploads.map(send)).then((answers) => process.stdout.write(JSON.stringify(answers)));`;
      const { stdout } = await execFileAsync(process.execPath, ['-e', client], {
        env: { ...process.env, LINTAS_BOMBS: JSON.stringify({ base, headers: { cookie: officer.cookie, 'x-csrf-token': officer.csrf }, uploads: files }) },
        maxBuffer: MB,
      });
      return JSON.parse(stdout) as Answer[];
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  test('two XLSX and two DOCX bombs at once: each a 413 problem+json, nothing written, /healthz answering throughout, memory bounded', async () => {
    const before = await fingerprint(t.db);
    const sharing = { audience: { kind: 'owner' }, tlp: 'AMBER' };
    const importOptions = JSON.stringify({ format: 'lintas', dryRun: true, sharing });
    const metadata = JSON.stringify({ title: 'Bomb', category: 'workshop-report', sharing });
    // The first requests warm the connection and the route up; what is measured is the server at work.
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/healthz`)).text();
    const rss = process.memoryUsage().rss;
    let peak = rss;
    const latencies: number[] = [];
    let done = false;
    const probing = (async () => {
      while (!done) {
        const start = performance.now();
        const response = await fetch(`${base}/healthz`);
        await response.text();
        latencies.push(performance.now() - start);
        peak = Math.max(peak, process.memoryUsage().rss);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const answers = await uploadAll([
      { path: '/reports/import', fields: { options: importOptions }, file: rowsXlsx, name: 'rows.xlsx' },
      { path: '/reports/import', fields: { options: importOptions }, file: rowsXlsx, name: 'rows-again.xlsx' },
      { path: '/library/documents/upload', fields: { metadata }, file: docx, name: 'bomb.docx' },
      { path: '/library/documents/upload', fields: { metadata }, file: docx, name: 'bomb-again.docx' },
    ]);
    done = true;
    await probing;
    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.type).toMatch(/^application\/problem\+json/);
    }
    const details = answers.map((answer) => answer.body.detail);
    expect(details.slice(0, 2)).toEqual([expect.stringMatching(/more than 200000 data rows/), expect.stringMatching(/more than 200000 data rows/)]);
    expect(details.slice(2)).toEqual([expect.stringMatching(/expands to 400 MB/), expect.stringMatching(/expands to 400 MB/)]);
    expect(await fingerprint(t.db)).toEqual(before);
    const growth = Math.round((peak - rss) / MB);
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (share: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number);
    console.info(`bombs: /healthz answered ${latencies.length} times: median ${at(0.5)} ms, 99th percentile ${at(0.99)} ms, slowest ${at(1)} ms; RSS grew by at most ${growth} MB`);
    expect(latencies.length).toBeGreaterThan(100);
    // The server keeps answering while the bombs are refused: parsing a bomb on the main thread stalled
    // /healthz for 35 s, which fails both checks. The bounds are loose on purpose (a test does not time
    // the machine): on the two-core machine with the suite's other worker busy beside it, single answers
    // took up to 1.2 s (29 ms alone), and a check on the 99th percentile failed a CI run that way.
    expect(at(0.5)).toBeLessThan(100);
    expect(at(1)).toBeLessThan(5_000);
    expect(growth).toBeLessThan(400);
  });
});
