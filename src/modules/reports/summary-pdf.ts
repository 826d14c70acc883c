import PDFDocument from 'pdfkit';
import type { Summary } from './summary.js';

type Row = { suppressed: boolean } & Partial<Record<string, unknown>>;

const KEY_FIGURES: readonly [string, string][] = [
  ['reports', 'Incident reports'], ['people', 'People moved'], ['intercepted', 'Intercepted'], ['rescued', 'Rescued'], ['dead', 'Dead'],
  ['missing', 'Missing'], ['returned', 'Returned'], ['claimedAsylum', 'Claimed asylum'], ['arrests', 'Arrests'], ['convictions', 'Convictions'],
];

/** The regional summary as a PDF drawn with pdfkit: figures, vector bar charts, top routes, contributors, the period and k. */
export function summaryPdf(summary: Summary): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Regional summary ${summary.from} to ${summary.to}`, Author: 'Lintas' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const k = summary.k;
  const show = (cell: Row, field: string): string => {
    const value = cell[field];
    return cell.suppressed ? `fewer than ${k}` : String(typeof value === 'number' ? value : 0);
  };
  const label = (code: string): string => summary.labels[code] ?? code;

  doc.font('Helvetica-Bold').fontSize(18).text('Regional summary of incident reports');
  doc.font('Helvetica').fontSize(11).text(`Period: ${summary.from} to ${summary.to}`);
  doc.text(`Cells that count reports you cannot see are shown only when they count at least k = ${k} reports; smaller ones read "fewer than ${k}".`);
  doc.text(`Generated ${summary.generatedAt}.`);
  doc.moveDown();

  doc.font('Helvetica-Bold').fontSize(13).text('Key figures');
  doc.font('Helvetica').fontSize(11);
  for (const [field, name] of KEY_FIGURES) doc.text(`${name}: ${show(summary.keyFigures, field)}`);
  doc.moveDown();

  barChart(doc, 'Reports by incident type', summary.byIncidentType.map((row) => ({ label: label(row.key), value: row.suppressed ? null : row.reports ?? 0 })), k);
  barChart(doc, 'Reports by quarter', summary.byQuarter.map((row) => ({ label: row.key, value: row.suppressed ? null : row.reports ?? 0 })), k);
  if (!summary.keyFigures.suppressed) {
    const f = summary.keyFigures;
    barChart(doc, 'People by sex and age group', [
      { label: 'Men', value: f.adultMen }, { label: 'Women', value: f.adultWomen }, { label: 'Boys', value: f.boys },
      { label: 'Girls', value: f.girls }, { label: 'Unknown sex or age', value: f.unknownSexOrAge },
    ], k);
  }

  doc.font('Helvetica-Bold').fontSize(13).text('Top routes');
  doc.font('Helvetica').fontSize(10);
  if (summary.topRoutes.length === 0) doc.text('No route with enough reports to publish.');
  for (const [index, route] of summary.topRoutes.entries()) {
    doc.text(`${index + 1}. ${label(route.from)} (${route.from}) to ${label(route.to)} (${route.to}): ${route.reports ?? 0} reports, ${route.people ?? 0} people`);
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(13).text('Contributing members');
  doc.font('Helvetica').fontSize(10).text(summary.contributors.length === 0 ? 'None in this period.' : summary.contributors.map((m) => `${m.name} (${m.code})`).join(', '));
  doc.end();
  return done;
}

/** A horizontal bar chart with pdfkit's vector primitives; a suppressed bar is labelled, not drawn. */
function barChart(doc: PDFKit.PDFDocument, title: string, bars: { label: string; value: number | null }[], k: number): void {
  if (bars.length === 0) return;
  const rowHeight = 16;
  if (doc.y + 30 + bars.length * rowHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).text(title);
  const left = doc.page.margins.left;
  const labelWidth = 170;
  const width = doc.page.width - left - doc.page.margins.right - labelWidth - 60;
  const max = Math.max(1, ...bars.map((bar) => bar.value ?? 0));
  let y = doc.y + 4;
  doc.font('Helvetica').fontSize(9);
  for (const bar of bars) {
    doc.fillColor('#222222').text(bar.label.slice(0, 40), left, y + 3, { width: labelWidth, lineBreak: false });
    if (bar.value === null) {
      doc.fillColor('#666666').text(`fewer than ${k}`, left + labelWidth, y + 3, { lineBreak: false });
    } else {
      const length = Math.max(1, (bar.value / max) * width);
      doc.rect(left + labelWidth, y, length, rowHeight - 4).fill('#1f6feb');
      doc.fillColor('#222222').text(String(bar.value), left + labelWidth + length + 4, y + 3, { lineBreak: false });
    }
    y += rowHeight;
  }
  doc.fillColor('#000000');
  doc.x = left;
  doc.y = y + 8;
}
