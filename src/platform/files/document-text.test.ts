import PDFDocument from 'pdfkit';
import { describe, expect, test } from 'vitest';
import { documentText, textOfItems, type PdfTextItem } from './document-text.js';

/** Sentences of the five seed documents (src/demo/seeds/), each as the lines a page sets it in. */
const SEED_LINES: string[][] = [
  ['BALI PROCESS ON PEOPLE SMUGGLING, TRAFFICKING IN', 'PERSONS AND RELATED TRANSNATIONAL CRIME', 'Ad Hoc Group Progress Report by the Co-Chairs'],
  ['from the Office of the United Nations High Commissioner for Refugees,', 'the International Organization for Migration.'],
  ['We have the honour to submit to you the attached document, entitled', '“Bali Process Steering Group Co-Chairs — Australia and Indonesia”'],
  ['People smuggling and trafficking in persons are complex transnational', 'problems that no single ministry or government can deal with alone.'],
  ['The Bali Process is a regional forum for policy dialogue, information', 'sharing and practical cooperation in Asia and the Pacific.'],
  ['The meeting agreed to develop regional responses based on four main', 'areas of cooperative engagement; the Ad Hoc Group was re-', 'established by Ministers in 2009.'],
];

/**
 * A PDF that draws every word as its own text object at its own place, with a gap before the next
 * and no space character anywhere, as the seed PDFs do; lines set solid (leading below the font size).
 */
function wordByWordPdf(lines: string[], fontSize = 11): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Times-Roman').fontSize(fontSize);
  let y = 80;
  for (const line of lines) {
    let x = 60;
    for (const word of line.split(' ')) {
      doc.text(word, x, y, { lineBreak: false });
      x += doc.widthOfString(word) + fontSize * 0.28;
    }
    y += fontSize * 0.95;
  }
  doc.end();
  return done;
}

const job = { kind: 'pdf' as const, maxChars: 1_000_000, pointer: '/file' };

/** Items as pdf.js reports a page that places each word by itself: no white-space items between them. */
function items(lines: string[], fontSize = 12, gap = 0.3): PdfTextItem[] {
  const charWidth = fontSize * 0.5;
  return lines.flatMap((line, row) => {
    let x = 72;
    return line.split(' ').map((word) => {
      const item = { str: word, transform: [fontSize, 0, 0, fontSize, x, 700 - row * fontSize * 1.2], width: word.length * charWidth, height: fontSize, hasEOL: false };
      x += item.width + fontSize * gap;
      return item;
    });
  });
}

describe('the text of a PDF rebuilt from its items’ positions', () => {
  test('words drawn apart get a space, lines that move down start a new line', () => {
    const lines = SEED_LINES[0]!;
    // Joining the strings as they come runs the words together, as the seed PDFs' text did.
    expect(items(lines).map((item) => item.str).join('')).toContain('PERSONSAND');
    expect(textOfItems(items(lines))).toBe(lines.join('\n'));
  });

  test('pieces of one word set close together (kerning) stay one word; white space is not doubled', () => {
    const kerned: PdfTextItem[] = [
      { str: 'for', transform: [12, 0, 0, 12, 72, 700], width: 18, height: 12, hasEOL: false },
      { str: ' ', transform: [12, 0, 0, 12, 90, 700], width: 3, height: 0, hasEOL: false },
      { str: 'M', transform: [12, 0, 0, 12, 93, 700], width: 10, height: 12, hasEOL: false },
      { str: 'igration.', transform: [12, 0, 0, 12, 103.6, 700], width: 40, height: 12, hasEOL: false },
      { str: '', transform: [12, 0, 0, 12, 72, 686], width: 0, height: 0, hasEOL: true },
      { str: 'Next line', transform: [12, 0, 0, 12, 72, 686], width: 50, height: 12, hasEOL: false },
    ];
    expect(textOfItems(kerned)).toBe('for Migration.\nNext line');
  });

  test('a baseline that moves less than half the font size is the same line; a hyphen at a line’s end is kept', () => {
    const jittered = items(['Ad Hoc Group Progress Report']).map((item, index) => ({ ...item, transform: [12, 0, 0, 12, item.transform[4]!, 700 + (index % 2) * 4] }));
    expect(textOfItems(jittered)).toBe('Ad Hoc Group Progress Report');
    expect(textOfItems(items(['the Ad Hoc Group was re-', 'established in 2009.']))).toBe('the Ad Hoc Group was re-\nestablished in 2009.');
  });

  test.each(SEED_LINES.map((lines) => ({ lines, first: lines[0]! })))('a PDF drawing “$first” word by word reads back as its sentences', async ({ lines }) => {
    const text = await documentText(await wordByWordPdf(lines), job);
    expect(text).toBe(lines.join('\n'));
    expect(text).not.toMatch(/\*\*| {2}/);
  });

  test('pages are separated by a blank line', async () => {
    const doc = new PDFDocument({ size: 'A4', margin: 50 });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
    doc.font('Helvetica').fontSize(12).text('First page', 60, 80, { lineBreak: false });
    doc.addPage().font('Helvetica').fontSize(12).text('Second page', 60, 80, { lineBreak: false });
    doc.end();
    expect(await documentText(await done, job)).toBe('First page\n\nSecond page');
  });
});
