import type { ReleaseSummary } from './service.js';

const KEY_FIGURES: readonly [string, string][] = [
  ['reports', 'Incident reports'], ['people', 'People moved'], ['intercepted', 'Intercepted'], ['rescued', 'Rescued'], ['dead', 'Dead'],
  ['missing', 'Missing'], ['returned', 'Returned'], ['claimedAsylum', 'Claimed asylum'], ['arrests', 'Arrests'], ['convictions', 'Convictions'],
];

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The regional summary as a PDF drawn with pdfkit: the release's published figures, vector bar charts and top routes. */
export async function summaryPdf(summary: ReleaseSummary): Promise<Buffer> {
  // pdfkit is loaded when a summary is drawn, not at every start.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Regional summary ${summary.period ?? ''}`.trim(), Author: 'Lintas' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const label = (code: string): string => summary.labels[code] ?? code;

  doc.font('Helvetica-Bold').fontSize(18).text('Regional summary of incident reports');
  doc.font('Helvetica').fontSize(11).text(summary.period ? `Period: ${summary.period}` : 'No period has published figures yet.');
  if (summary.release) {
    doc.text(`From the regional release computed ${summary.release.computedAt.slice(0, 16).replace('T', ' ')} UTC, covering periods that ended before ${summary.release.cutoff}.`);
  }
  doc.text(`Figures are perturbed. A figure is shown only where it counts at least ${summary.k} reports from at least 3 members, none of them dominant; other cells are left out.`);
  doc.moveDown();

  const f = summary.keyFigures;
  if (f) {
    doc.font('Helvetica-Bold').fontSize(13).text('Key figures');
    doc.font('Helvetica').fontSize(11);
    for (const [field, name] of KEY_FIGURES) doc.text(`${name}: ${String(f[field as keyof typeof f])}`);
    doc.moveDown();
    const reports: Unit = ['report', 'reports'];
    barChart(doc, 'Reports by incident type', reports, summary.byIncidentType.map((row) => ({ label: label(row.key), value: row.reports })));
    barChart(doc, summary.breakdown[0]?.key.includes('Q') ? 'Reports by quarter' : 'Reports by month', reports, summary.breakdown.map((row) => ({ label: row.key, value: row.reports })));
    barChart(doc, 'People by sex and age group', ['person', 'people'], [
      { label: 'Men', value: f.adultMen }, { label: 'Women', value: f.adultWomen }, { label: 'Boys', value: f.boys },
      { label: 'Girls', value: f.girls }, { label: 'Unknown sex or age', value: f.unknownSexOrAge },
    ]);
  }

  doc.font('Helvetica-Bold').fontSize(13).text('Top routes');
  doc.font('Helvetica').fontSize(10);
  if (summary.topRoutes.length === 0) doc.text('No route leg has figures that may be published for this period.');
  for (const [index, route] of summary.topRoutes.entries()) {
    doc.text(`${index + 1}. ${label(route.from)} (${route.from}) to ${label(route.to)} (${route.to}): ${plural(route.reports, 'report', 'reports')}, ${plural(route.people, 'person', 'people')}`);
  }
  doc.end();
  return done;
}

/** What a chart's numbers count, in the singular and the plural. */
type Unit = [one: string, many: string];

/** A horizontal bar chart with pdfkit's vector primitives: a label, a filled bar and its number with its unit; or why it is empty. */
function barChart(doc: PDFKit.PDFDocument, title: string, unit: Unit, bars: { label: string; value: number }[]): void {
  if (bars.length === 0 || bars.every((bar) => bar.value === 0)) {
    doc.font('Helvetica-Bold').fontSize(12).text(title);
    doc.font('Helvetica').fontSize(10).text('No figure of this chart may be published for this period (each counts at least the threshold of reports from at least 3 members).');
    doc.moveDown();
    return;
  }
  const rowHeight = 16;
  if (doc.y + 30 + bars.length * rowHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).text(title);
  const left = doc.page.margins.left;
  const labelWidth = 170;
  const width = doc.page.width - left - doc.page.margins.right - labelWidth - 60;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  let y = doc.y + 4;
  doc.font('Helvetica').fontSize(9);
  for (const bar of bars) {
    doc.fillColor('#222222').text(bar.label.slice(0, 40), left, y + 3, { width: labelWidth, lineBreak: false });
    const length = Math.max(1, (bar.value / max) * width);
    doc.rect(left + labelWidth, y, length, rowHeight - 4).fill('#1f6feb');
    doc.fillColor('#222222').text(plural(bar.value, ...unit), left + labelWidth + length + 4, y + 3, { lineBreak: false });
    y += rowHeight;
  }
  doc.fillColor('#000000');
  doc.x = left;
  doc.y = y + 8;
}
