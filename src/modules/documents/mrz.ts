/**
 * Machine-readable zones (ICAO Doc 9303 Parts 3–7): TD1 (3×30), TD2 (2×36), TD3 (2×44), MRV-A
 * (2×44) and MRV-B (2×36). Every check digit is verified; an error names the field, its line and
 * column, and points out the likely OCR confusion (0/O, 1/I, 8/B, 5/S, 2/Z) when swapping one such
 * character would make the check digit pass or a digit-only field holds a letter.
 */
import { documentTypeFromMrzCode, isIcaoIssuer, type DocumentType } from './icao.js';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B';

/** A date as the MRZ gives it (YYMMDD, fillers for unknown parts) and read as a calendar date. */
export interface MrzDate {
  raw: string;
  /** YYYY-MM-DD, or null where the MRZ leaves part of the date unknown. */
  iso: string | null;
}

export interface MrzDocument {
  format: MrzFormat;
  /** The document code without fillers: `P`, `I`, `ID`, `V`… */
  documentCode: string;
  documentType: DocumentType;
  issuer: string;
  /** Normalised: the fillers removed, a TD1/TD2 number longer than nine characters joined up. */
  number: string;
  surname: string;
  givenNames: string;
  nationality: string;
  birthDate: MrzDate;
  /** M, F or X (unspecified; also read from a filler). */
  sex: 'M' | 'F' | 'X';
  expiryDate: MrzDate;
  /** The optional data with its fillers trimmed (TD1: both fields, space-separated). */
  optionalData: string;
}

export interface MrzError {
  /** documentCode, issuer, name, number, nationality, birthDate, sex, expiryDate, optionalData, composite, or mrz for the whole. */
  field: string;
  /** 1-based; 0 for the MRZ as a whole. */
  line: number;
  /** 1-based; 0 for a whole line. */
  column: number;
  message: string;
  /** The likely OCR confusion, when there is one. */
  hint?: string;
}

export type MrzResult = { ok: true; document: MrzDocument } | { ok: false; errors: MrzError[] };

/** Where a field lies: 0-based line and start column, and its length. */
interface Span {
  line: number;
  start: number;
  length: number;
}

interface Layout {
  format: MrzFormat;
  lines: number;
  width: number;
  code: Span;
  issuer: Span;
  name: Span;
  number: Span;
  numberCheck: Span;
  nationality: Span;
  birth: Span;
  birthCheck: Span;
  sex: Span;
  expiry: Span;
  expiryCheck: Span;
  optional: Span[];
  /** TD3: the personal number's check digit. */
  optionalCheck?: Span;
  composite?: { check: Span; parts: Span[] };
  /** TD1 and TD2: a number longer than nine characters continues in this optional field. */
  longNumberIn?: Span;
}

const at = (line: number, start: number, length = 1): Span => ({ line, start, length });

/** The data line shared by TD2, TD3 and the visas (Doc 9303 Parts 4, 6 and 7). */
function secondLine(format: MrzFormat, width: 36 | 44, visa: boolean): Layout {
  const optionalEnd = visa ? width : width - 1 - (width === 44 ? 1 : 0);
  const layout: Layout = {
    format,
    lines: 2,
    width,
    code: at(0, 0, 2),
    issuer: at(0, 2, 3),
    name: at(0, 5, width - 5),
    number: at(1, 0, 9),
    numberCheck: at(1, 9),
    nationality: at(1, 10, 3),
    birth: at(1, 13, 6),
    birthCheck: at(1, 19),
    sex: at(1, 20),
    expiry: at(1, 21, 6),
    expiryCheck: at(1, 27),
    optional: [at(1, 28, optionalEnd - 28)],
  };
  if (format === 'TD3') layout.optionalCheck = at(1, 42);
  if (!visa) layout.composite = { check: at(1, width - 1), parts: [at(1, 0, 10), at(1, 13, 7), at(1, 21, width - 1 - 21)] };
  if (format === 'TD2') layout.longNumberIn = at(1, 28, 7);
  return layout;
}

const LAYOUTS: Readonly<Record<MrzFormat, Layout>> = {
  TD1: {
    format: 'TD1',
    lines: 3,
    width: 30,
    code: at(0, 0, 2),
    issuer: at(0, 2, 3),
    number: at(0, 5, 9),
    numberCheck: at(0, 14),
    optional: [at(0, 15, 15), at(1, 18, 11)],
    birth: at(1, 0, 6),
    birthCheck: at(1, 6),
    sex: at(1, 7),
    expiry: at(1, 8, 6),
    expiryCheck: at(1, 14),
    nationality: at(1, 15, 3),
    composite: { check: at(1, 29), parts: [at(0, 5, 25), at(1, 0, 7), at(1, 8, 7), at(1, 18, 11)] },
    name: at(2, 0, 30),
    longNumberIn: at(0, 15, 15),
  },
  TD2: secondLine('TD2', 36, false),
  TD3: secondLine('TD3', 44, false),
  'MRV-A': secondLine('MRV-A', 44, true),
  'MRV-B': secondLine('MRV-B', 36, true),
};

/** Character values for check digits: 0–9, A=10 … Z=35, filler 0 (Doc 9303 Part 3 §4.9). */
function charValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return 0;
}

/** The Doc 9303 check digit (weights 7, 3, 1, modulus 10) of a string of A–Z, 0–9 and `<`. */
export function checkDigit(value: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < value.length; i++) sum += charValue(value.charCodeAt(i)) * weights[i % 3]!;
  return sum % 10;
}

/** Characters OCR mistakes for one another, both ways. */
const CONFUSABLE: Readonly<Record<string, string>> = { '0': 'O', O: '0', '1': 'I', I: '1', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2' };
const LETTER_FOR_DIGIT: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '8': 'B', '5': 'S', '2': 'Z' };
const DIGIT_FOR_LETTER: Readonly<Record<string, string>> = { O: '0', I: '1', B: '8', S: '5', Z: '2', Q: '0', D: '0' };

const FIELD_LABELS: Readonly<Record<string, string>> = {
  documentCode: 'document code',
  issuer: 'issuing state or organisation',
  name: 'name',
  number: 'document number',
  nationality: 'nationality',
  birthDate: 'date of birth',
  sex: 'sex',
  expiryDate: 'date of expiry',
  optionalData: 'optional data (personal number)',
  composite: 'composite',
};

/** Parses an MRZ of two or three lines; never throws for any input. */
export function parseMrz(text: string, options: { now?: Date } = {}): MrzResult {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().toUpperCase())
    .filter((line) => line !== '');
  const shape = formatOf(lines);
  if ('errors' in shape) return { ok: false, errors: shape.errors };
  const layout = LAYOUTS[shape.format];
  const badCharacters = characterErrors(lines, layout);
  if (badCharacters.length > 0) return { ok: false, errors: badCharacters };
  return new Reader(lines, layout, options.now ?? new Date()).read();
}

/** The format from the number of lines, their lengths and the document code; or what is wrong with the shape. */
function formatOf(lines: string[]): { format: MrzFormat } | { errors: MrzError[] } {
  if (lines.length !== 2 && lines.length !== 3) {
    return { errors: [{ field: 'mrz', line: 0, column: 0, message: `a machine-readable zone has 2 lines (TD2, TD3, visas) or 3 (TD1), not ${lines.length}` }] };
  }
  let width: 30 | 36 | 44;
  if (lines.length === 3) width = 30;
  else {
    const lengths = lines.map((line) => line.length);
    const exact = lengths.find((length) => length === 36 || length === 44);
    width = exact === 36 || exact === 44 ? exact : Math.abs(lengths[0]! - 36) <= Math.abs(lengths[0]! - 44) ? 36 : 44;
  }
  const visa = lines[0]!.startsWith('V');
  const format: MrzFormat = width === 30 ? 'TD1' : width === 36 ? (visa ? 'MRV-B' : 'TD2') : visa ? 'MRV-A' : 'TD3';
  const errors: MrzError[] = [];
  lines.forEach((line, index) => {
    if (line.length === width) return;
    // A space put in (often a scanner's or a typist's) is named where it is, rather than counted as a length.
    const space = line.search(/\s/);
    errors.push(
      space >= 0
        ? { field: 'mrz', line: index + 1, column: space + 1, message: `line ${index + 1} has a space at column ${space + 1}: an MRZ has no spaces (empty positions are "<")` }
        : { field: 'mrz', line: index + 1, column: 0, message: `line ${index + 1} has ${line.length} characters; each line of a ${format} MRZ has ${width}` },
    );
  });
  return errors.length > 0 ? { errors } : { format };
}

function fieldAt(layout: Layout, line: number, column: number): string {
  const within = (span: Span): boolean => span.line === line && column >= span.start && column < span.start + span.length;
  const named: [string, Span[]][] = [
    ['documentCode', [layout.code]],
    ['issuer', [layout.issuer]],
    ['name', [layout.name]],
    ['number', [layout.number, layout.numberCheck]],
    ['nationality', [layout.nationality]],
    ['birthDate', [layout.birth, layout.birthCheck]],
    ['sex', [layout.sex]],
    ['expiryDate', [layout.expiry, layout.expiryCheck]],
    ['optionalData', [...layout.optional, ...(layout.optionalCheck ? [layout.optionalCheck] : [])]],
    ['composite', layout.composite ? [layout.composite.check] : []],
  ];
  return named.find(([, spans]) => spans.some(within))?.[0] ?? 'mrz';
}

function characterErrors(lines: string[], layout: Layout): MrzError[] {
  const errors: MrzError[] = [];
  lines.forEach((line, index) => {
    for (let column = 0; column < line.length; column++) {
      const char = line.charAt(column);
      if (!/[A-Z0-9<]/.test(char)) {
        const shown = /\s/.test(char) ? 'a space' : `"${char}"`;
        errors.push({
          field: fieldAt(layout, index, column),
          line: index + 1,
          column: column + 1,
          message: `line ${index + 1}, column ${column + 1} holds ${shown}; an MRZ holds only A–Z, 0–9 and <`,
        });
      }
    }
  });
  return errors;
}

class Reader {
  private readonly errors: MrzError[] = [];

  constructor(
    private readonly lines: string[],
    private readonly layout: Layout,
    private readonly now: Date,
  ) {}

  private text(span: Span): string {
    return this.lines[span.line]!.slice(span.start, span.start + span.length);
  }

  private error(field: string, span: Span, offset: number, message: string, hint?: string): void {
    const error: MrzError = { field, line: span.line + 1, column: span.start + offset + 1, message };
    if (hint !== undefined) error.hint = hint;
    this.errors.push(error);
  }

  read(): MrzResult {
    const { layout } = this;
    const documentCode = this.documentCode();
    const issuer = this.code('issuer', layout.issuer);
    const nationality = this.code('nationality', layout.nationality);
    const number = this.number();
    const birthDate = this.date('birthDate', layout.birth, layout.birthCheck);
    const expiryDate = this.date('expiryDate', layout.expiry, layout.expiryCheck);
    const sex = this.sex();
    const name = this.name();
    const optionalData = this.optionalData(number.extraSpan);
    this.composite();
    if (this.errors.length > 0) return { ok: false, errors: this.errors };
    return {
      ok: true,
      document: {
        format: layout.format,
        documentCode,
        documentType: documentTypeFromMrzCode(documentCode, nationality),
        issuer,
        number: number.value,
        surname: name.surname,
        givenNames: name.givenNames,
        nationality,
        birthDate,
        sex,
        expiryDate,
        optionalData,
      },
    };
  }

  private documentCode(): string {
    const span = this.layout.code;
    const raw = this.text(span);
    const first = raw.charAt(0);
    if (!/[A-Z]/.test(first)) {
      const letter = LETTER_FOR_DIGIT[first];
      this.error('documentCode', span, 0, `the document code must start with a letter, not "${first}"`, letter ? `"${first}" is probably "${letter}"` : undefined);
    } else if (this.layout.format === 'TD1' && first === 'V') {
      this.error('documentCode', span, 0, 'a visa has a two-line MRZ (MRV-A or MRV-B), not a three-line one');
    }
    const second = raw.charAt(1);
    if (/[0-9]/.test(second)) {
      const letter = LETTER_FOR_DIGIT[second];
      this.error('documentCode', span, 1, `the second character of the document code is a letter or <, not "${second}"`, letter ? `"${second}" is probably "${letter}"` : undefined);
    }
    return raw.replace(/<+$/, '');
  }

  /** An issuing or nationality code: letters and fillers, and one Doc 9303 allows. */
  private code(field: 'issuer' | 'nationality', span: Span): string {
    const raw = this.text(span);
    const code = raw.replace(/<+$/, '');
    if (isIcaoIssuer(code)) return code;
    const label = FIELD_LABELS[field]!;
    const digit = /[0-9]/.exec(raw);
    const fixed = raw.replace(/[0-9]/g, (char) => LETTER_FOR_DIGIT[char] ?? char).replace(/<+$/, '');
    const hint = digit && isIcaoIssuer(fixed) ? `${this.swaps(raw, span, LETTER_FOR_DIGIT)} (${fixed})` : undefined;
    if (code === '') this.error(field, span, 0, `the ${label} code is missing`);
    else this.error(field, span, digit ? digit.index : 0, `the ${label} "${code}" is not an ICAO code of a state or organisation`, hint);
    return code;
  }

  /** `"0" at line 1, column 5 is probably "O"`, for each character of raw that the table changes. */
  private swaps(raw: string, span: Span, table: Readonly<Record<string, string>>): string {
    const parts: string[] = [];
    for (let offset = 0; offset < raw.length; offset++) {
      const char = raw.charAt(offset);
      if (table[char]) parts.push(`"${char}" at line ${span.line + 1}, column ${span.start + offset + 1} is probably "${table[char]}"`);
    }
    return parts.join(' and ');
  }

  private number(): { value: string; extraSpan: Span | null } {
    const { layout } = this;
    const main = this.text(layout.number);
    const checkChar = this.text(layout.numberCheck);
    const long = layout.longNumberIn;
    if (checkChar === '<' && long) {
      // Doc 9303 Parts 5 and 6: a longer number goes on in the optional data, then its check digit, then a filler.
      const rest = this.text(long).split('<')[0]!;
      if (rest.length < 2) {
        this.error('number', layout.numberCheck, 0, 'the document number has no check digit (a filler stands in its place and the optional data holds no continuation)');
        return { value: main.replace(/</g, ''), extraSpan: null };
      }
      const digitSpan = at(long.line, long.start + rest.length - 1);
      const value = main + rest.slice(0, -1);
      this.verify('number', value, [layout.number, at(long.line, long.start, rest.length - 1)], digitSpan);
      return { value: value.replace(/</g, ''), extraSpan: at(long.line, long.start, rest.length) };
    }
    this.verify('number', main, [layout.number], layout.numberCheck);
    const value = main.replace(/</g, '');
    if (value === '') this.error('number', layout.number, 0, 'the document number is missing');
    return { value, extraSpan: null };
  }

  /**
   * Verifies a check digit over the concatenated spans and reports a mismatch on `field`, with the
   * single OCR swap (in the data or the check digit itself) that would make it pass, when there is one.
   */
  private verify(field: string, data: string, spans: Span[], checkSpan: Span, options: { fillerAllowed?: boolean } = {}): boolean {
    const char = this.text(checkSpan);
    const expected = checkDigit(data);
    if (options.fillerAllowed && char === '<' && /^<*$/.test(data)) return true;
    if (char === String(expected)) return true;
    const label = FIELD_LABELS[field]!;
    if (!/[0-9]/.test(char)) {
      const digit = DIGIT_FOR_LETTER[char];
      const hint = digit === String(expected) ? `the check digit "${char}" is probably "${digit}"` : undefined;
      this.error(field, checkSpan, 0, `the check digit of the ${label} must be a digit, not "${char}"`, hint);
      return false;
    }
    const candidates: string[] = [];
    let offset = 0;
    for (const span of spans) {
      const part = this.text(span);
      for (let i = 0; i < part.length; i++) {
        const swapped = CONFUSABLE[part.charAt(i)];
        if (!swapped) continue;
        const position = offset + i;
        const changed = data.slice(0, position) + swapped + data.slice(position + 1);
        if (String(checkDigit(changed)) === char) {
          candidates.push(`"${part.charAt(i)}" at line ${span.line + 1}, column ${span.start + i + 1} is probably "${swapped}"`);
        }
      }
      offset += part.length;
    }
    const hint = candidates.length > 0 ? candidates.slice(0, 3).join('; or ') : undefined;
    this.error(field, checkSpan, 0, `the check digit of the ${label} is ${char} but the data gives ${expected}`, hint);
    return false;
  }

  private date(field: 'birthDate' | 'expiryDate', span: Span, checkSpan: Span): MrzDate {
    const raw = this.text(span);
    const label = FIELD_LABELS[field]!;
    const letter = /[A-Z]/.exec(raw);
    if (letter) {
      const digit = DIGIT_FOR_LETTER[letter[0]];
      this.error(field, span, letter.index, `the ${label} holds the letter "${letter[0]}" where only digits belong`, digit ? `"${letter[0]}" is probably "${digit}"` : undefined);
      return { raw, iso: null };
    }
    this.verify(field, raw, [span], checkSpan);
    const unknown = raw.includes('<') || raw.slice(2, 4) === '00' || raw.slice(4, 6) === '00';
    if (unknown && field === 'birthDate') return { raw, iso: null }; // Doc 9303 Part 3: unknown parts are fillers (older documents: zeros)
    const iso = unknown ? null : this.calendarDate(raw, field);
    if (iso === null) this.error(field, span, 0, `the ${label} "${raw}" (YYMMDD) is not a calendar date`);
    return { raw, iso };
  }

  /**
   * YYMMDD as YYYY-MM-DD: a birth date is never in the future; an expiry date is read in this century
   * up to 50 years ahead (a document expiring in 2060 is not one that expired in 1960), earlier beyond.
   */
  private calendarDate(raw: string, field: 'birthDate' | 'expiryDate'): string | null {
    const yy = Number(raw.slice(0, 2));
    const month = Number(raw.slice(2, 4));
    const day = Number(raw.slice(4, 6));
    const nowYear = this.now.getUTCFullYear();
    let year = 2000 + yy;
    const candidate = Date.UTC(year, month - 1, day);
    if (field === 'birthDate' ? candidate > this.now.getTime() : year > nowYear + 50) year -= 100;
    const date = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
    return `${String(year).padStart(4, '0')}-${raw.slice(2, 4)}-${raw.slice(4, 6)}`;
  }

  private sex(): 'M' | 'F' | 'X' {
    const char = this.text(this.layout.sex);
    if (char === 'M' || char === 'F' || char === 'X') return char;
    if (char === '<') return 'X';
    this.error('sex', this.layout.sex, 0, `sex is M, F, X or <, not "${char}"`);
    return 'X';
  }

  private name(): { surname: string; givenNames: string } {
    const span = this.layout.name;
    const raw = this.text(span);
    const digit = /[0-9]/.exec(raw);
    if (digit) {
      const letter = LETTER_FOR_DIGIT[digit[0]];
      this.error('name', span, digit.index, `the name holds the digit "${digit[0]}"`, letter ? `"${digit[0]}" is probably "${letter}"` : undefined);
    }
    const trimmed = raw.replace(/<+$/, '');
    const split = trimmed.indexOf('<<');
    const surname = (split < 0 ? trimmed : trimmed.slice(0, split)).replace(/</g, ' ').trim();
    const givenNames = (split < 0 ? '' : trimmed.slice(split + 2)).replace(/</g, ' ').trim();
    if (surname === '') this.error('name', span, 0, 'the primary identifier (surname) is missing');
    return { surname, givenNames };
  }

  private optionalData(numberContinuation: Span | null): string {
    const { layout } = this;
    const parts = layout.optional.map((span) => {
      let text = this.text(span);
      if (numberContinuation && span.line === numberContinuation.line && span.start === numberContinuation.start) {
        text = text.slice(numberContinuation.length);
      }
      return text.replace(/^<+|<+$/g, '');
    });
    if (layout.optionalCheck) {
      const span = layout.optional[0]!;
      this.verify('optionalData', this.text(span), [span], layout.optionalCheck, { fillerAllowed: true });
    }
    return parts.filter((part) => part !== '').join(' ');
  }

  private composite(): void {
    const composite = this.layout.composite;
    if (!composite) return;
    const data = composite.parts.map((span) => this.text(span)).join('');
    this.verify('composite', data, composite.parts, composite.check);
  }
}
