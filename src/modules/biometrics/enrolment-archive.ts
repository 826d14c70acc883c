/**
 * A bulk enrolment's archive: a ZIP of face images and one CSV naming, row by row, each subject's
 * reference and image (and its biographic fields and retention day, as an enrolment from one image
 * takes them). Read in the request, before a run is written: the archive's directory against the
 * ZIP guard's limits (a bomb is refused before anything is inflated), then the CSV, whose header
 * must name the known columns. A bad archive or CSV is a 400 or 413 and nothing is written; a bad
 * row is only that row's rejection (its cell named), and so is a row naming a file the archive lacks.
 */
import { invalid, Problem, type FieldError } from '../../platform/errors.js';
import { readTable } from '../../platform/files/tabular.js';
import { entryBytes, readZipDirectory, type ZipEntry, type ZipLimits } from '../../platform/files/zip-guard.js';
import { validateValue } from '../../platform/http/validate.js';
import { BIOGRAPHIC_COLUMNS, BIOGRAPHIC_FIELDS, ENROLMENT_COLUMNS, type RejectionReason } from './codes.js';
import { SubjectFromImage } from './schemas.js';

const MB = 1024 * 1024;

/** The largest archive taken (the upload); it is held in memory until its run ends. */
export const ARCHIVE_FILE_LIMIT = 256 * MB;
/** Rows (images) one run enrols at most. */
export const MAX_ENROLMENT_ROWS = 10_000;
/**
 * Images barely compress, so a high ratio past a megabyte can only be a bomb; an entry past 64 MB
 * is refused with the whole archive (an image past the face reader's 20 MB is that row's rejection).
 */
export const ARCHIVE_LIMITS: ZipLimits = { maxEntries: 2 * MAX_ENROLMENT_ROWS, maxEntryBytes: 64 * MB, maxTotalBytes: 1024 * MB, maxRatio: 100 };
const WHAT = 'ZIP archive';
/** The longest cell (remarks take 2,000 characters); a longer one refuses the CSV, naming its cell. */
const MAX_CELL = 2000;

export interface EnrolmentRow {
  row: number;
  file: string;
  entry: ZipEntry;
  subject: SubjectFromImage;
}

export interface RowRejection {
  row: number;
  file: string | null;
  reference: string | null;
  reason: RejectionReason;
  column: string | null;
  detail: string | null;
}

export interface EnrolmentPlan {
  csvName: string;
  /** The CSV's data rows. */
  total: number;
  /** Rows to enrol, in the CSV's order. */
  rows: EnrolmentRow[];
  /** Rows refused already, by the CSV's own faults. */
  rejections: RowRejection[];
}

const isZip = (content: Buffer): boolean => content.length >= 4 && content.readUInt32LE(0) === 0x04034b50;

/** Reads the archive and its CSV; throws a Problem (400 or 413, pointing at `/file` or a CSV cell as `/rows/{row}/{column}`) when it cannot be enrolled at all. */
export async function readEnrolmentArchive(content: Buffer, defaults: { retainUntil?: string | null | undefined }): Promise<EnrolmentPlan> {
  if (!isZip(content)) throw invalid([{ pointer: '/file', detail: 'is not a ZIP archive (send the images and the CSV zipped together)' }]);
  const entries = readZipDirectory(content, ARCHIVE_LIMITS, WHAT);
  // Folders, and the copies of each file's attributes macOS adds under __MACOSX/, are not files of the enrolment.
  const files = entries.filter((entry) => !entry.name.endsWith('/') && !entry.name.startsWith('__MACOSX/'));
  const csvs = files.filter((entry) => /\.csv$/i.test(entry.name));
  if (csvs.length === 0) {
    throw invalid([{ pointer: '/file', detail: `the archive holds no CSV file; add one naming each image's subject, with the columns ${ENROLMENT_COLUMNS.slice(0, 2).join(' and ')}` }]);
  }
  if (csvs.length > 1) throw invalid([{ pointer: '/file', detail: `the archive holds ${csvs.length} CSV files (${csvs.map((csv) => csv.name).join(', ')}); leave one` }]);
  const csv = csvs[0] as ZipEntry;
  const table = await readTable(await entryBytes(content, csv, WHAT), {
    columns: ENROLMENT_COLUMNS,
    required: ['reference', 'image'],
    maxRows: MAX_ENROLMENT_ROWS,
    maxCellLength: MAX_CELL,
    fileName: csv.name,
  });
  // An image is named as a path from the CSV's folder, or from the archive's top.
  const folder = csv.name.includes('/') ? csv.name.slice(0, csv.name.lastIndexOf('/') + 1) : '';
  const byName = new Map(files.map((entry) => [entry.name, entry]));
  const plan: EnrolmentPlan = { csvName: csv.name, total: 0, rows: [], rejections: [] };
  const enrolled = new Map<string, number>();
  for (const { row, cells, extraCells } of table.rows) {
    plan.total++;
    const reference = cells.reference?.trim() ?? '';
    const file = cells.image?.trim() ?? '';
    const reject = (reason: RejectionReason, column: string | null, detail: string): void => {
      plan.rejections.push({ row, file: file || null, reference: reference || null, reason, column, detail });
    };
    const fault = rowFault(cells, extraCells, defaults);
    if ('column' in fault) {
      reject('invalid-row', fault.column, fault.detail);
      continue;
    }
    const earlier = enrolled.get(reference);
    if (earlier !== undefined) {
      reject('duplicate-reference', 'reference', `row ${earlier} has the same reference`);
      continue;
    }
    const entry = byName.get(folder + file) ?? byName.get(file);
    if (!entry) {
      reject('missing-file', 'image', missingDetail(file, files));
      continue;
    }
    enrolled.set(reference, row);
    plan.rows.push({ row, file, entry, subject: fault.subject });
  }
  if (plan.total === 0) throw invalid([{ pointer: '/rows/2', detail: `${csv.name} has a header and no rows: name at least one image` }], 'The CSV lists no image.');
  return plan;
}

/** Where a file the CSV names is not in the archive: the name in another case, when the archive has it so. */
function missingDetail(file: string, files: readonly ZipEntry[]): string {
  const lower = file.toLowerCase();
  const near = files.find((entry) => entry.name.toLowerCase() === lower || entry.name.toLowerCase().endsWith(`/${lower}`));
  return near ? `the archive has no file "${file}" (it has "${near.name}"; names must match exactly)` : `the archive has no file "${file}"`;
}

/** A row as a subject, or its first fault with its column (and every fault in words). */
function rowFault(cells: Record<string, string>, extraCells: number, defaults: { retainUntil?: string | null | undefined }): { subject: SubjectFromImage } | { column: string; detail: string } {
  if (extraCells > 0) return { column: 'image', detail: `the row has ${extraCells} cell(s) past the header's last column (a stray delimiter?)` };
  const reference = cells.reference?.trim() ?? '';
  if (!reference) return { column: 'reference', detail: 'is empty: every row needs the subject’s reference' };
  if (!(cells.image?.trim() ?? '')) return { column: 'image', detail: 'is empty: every row names its image in the archive' };
  const biographic: Record<string, string> = {};
  for (const field of BIOGRAPHIC_FIELDS) {
    const value = cells[BIOGRAPHIC_COLUMNS[field]]?.trim();
    if (value) biographic[field] = value;
  }
  const retainUntil = cells.retention_until?.trim() || defaults.retainUntil || undefined;
  const subject = { reference, ...(Object.keys(biographic).length > 0 ? { biographic } : {}), ...(retainUntil ? { retainUntil } : {}) };
  try {
    return { subject: validateValue(SubjectFromImage, subject) };
  } catch (error) {
    if (!(error instanceof Problem) || !error.errors?.length) throw error;
    const faults = error.errors.map((each) => ({ column: columnOf(each), detail: each.detail }));
    const first = faults[0] as { column: string; detail: string };
    return { column: first.column, detail: faults.map((each) => `${each.column} ${each.detail}`).join('; ') };
  }
}

/** The CSV column of a field error of SubjectFromImage (`/biographic/familyName` → family_name). */
function columnOf(error: FieldError): string {
  const [field, sub] = error.pointer.split('/').slice(1);
  if (field === 'retainUntil') return 'retention_until';
  if (field === 'biographic' && sub) return (BIOGRAPHIC_COLUMNS as Record<string, string>)[sub] ?? sub;
  return field ?? 'reference';
}
