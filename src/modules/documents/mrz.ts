/**
 * Machine-readable zones (ICAO Doc 9303 Parts 3–7): TD1 (3×30), TD2 (2×36), TD3 (2×44), MRV-A
 * (2×44) and MRV-B (2×36). Every check digit is verified; an error names the field, its line and
 * column, and points out the likely OCR confusion (0/O/D/Q, 1/I, 2/Z, 5/S, 6/G, 8/B): only readings
 * the field's characters allow (digits in dates and check digits, letters in names and codes, either
 * in numbers and optional data), and, for a field with a check digit, only readings that make it pass.
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
  /** The problem in English. */
  message: string;
  /** The problem as a code and its values, for a client that says it in its own words. */
  problem: MrzProblem;
  /** The likely OCR confusion, when there is one, in English. */
  hint?: string;
  /** The likely OCR confusion as data. */
  likely?: MrzLikely;
}

/** A character of the MRZ where it stands (1-based line and column). */
export interface MrzCharacter {
  char: string;
  line: number;
  column: number;
}

/** One character read as another. */
export interface MrzReading extends MrzCharacter {
  to: string;
}

/**
 * What is wrong, for a client that words it itself. `noReading` (a failing check digit): null when no
 * look-alike reading was tried; else the characters no reading of which makes it pass, [] for "any of them".
 */
export type MrzProblem =
  | { code: 'line-count'; lines: number }
  | { code: 'space'; line: number; column: number }
  | { code: 'line-length'; line: number; length: number; format: MrzFormat; width: number }
  | { code: 'character'; line: number; column: number; char: string }
  | { code: 'document-code-start'; char: string }
  | { code: 'visa-three-lines' }
  | { code: 'document-code-second'; char: string }
  | { code: 'code-missing' }
  | { code: 'code-unknown'; value: string; noReading: boolean }
  | { code: 'number-no-check-digit' }
  | { code: 'number-missing' }
  | { code: 'misplaced'; char: string; letter: boolean; noReading: MrzCharacter[] | null }
  | { code: 'check-digit-not-digit'; char: string; noReading: MrzCharacter[] | null }
  | { code: 'check-digit-wrong'; char: string; expected: number; noReading: MrzCharacter[] | null }
  | { code: 'date-invalid'; raw: string }
  | { code: 'sex-invalid'; char: string }
  | { code: 'name-digit'; char: string }
  | { code: 'surname-missing' };

/**
 * The likely misreading: readings that make the field pass its check digit (one is "probably", several
 * "may be"; `code` is the issuing code a reading gives; `more` how many were left unnamed), or, for a
 * field without a check digit, what each misplaced character may be, unconfirmed.
 */
export type MrzLikely =
  | { kind: 'passing'; corrections: { readings: MrzReading[]; code?: string }[]; more: number }
  | { kind: 'unchecked'; characters: (MrzCharacter & { options: string[] })[] };

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

/** What a position may hold (Doc 9303 Part 3 §4.2): `<` is allowed in each. */
type CharClass = 'numeric' | 'alphabetic' | 'alphanumeric';

/** Pairs OCR mistakes for one another (OCR-B): a digit and a letter that look alike. */
const LOOKALIKES: readonly (readonly [digit: string, letter: string])[] = [
  ['0', 'O'],
  ['0', 'D'],
  ['0', 'Q'],
  ['1', 'I'],
  ['2', 'Z'],
  ['5', 'S'],
  ['6', 'G'],
  ['8', 'B'],
];
const isDigit = (char: string): boolean => char >= '0' && char <= '9';
const isLetter = (char: string): boolean => char >= 'A' && char <= 'Z';

/** The readings of a character its position allows: letters for a digit where letters belong, and the other way round. */
function lookalikes(char: string, charClass: CharClass): string[] {
  if (isDigit(char) && charClass !== 'numeric') return LOOKALIKES.filter(([digit]) => digit === char).map(([, letter]) => letter);
  if (isLetter(char) && charClass !== 'alphabetic') return LOOKALIKES.filter(([, letter]) => letter === char).map(([digit]) => digit);
  return [];
}

/** A character its position does not allow: a letter where only digits belong, a digit where only letters do. */
const misplaced = (char: string, charClass: CharClass): boolean => (charClass === 'numeric' && isLetter(char)) || (charClass === 'alphabetic' && isDigit(char));

/** One character read otherwise; 0-based line and column. */
interface Reading {
  line: number;
  column: number;
  from: string;
  to: string;
}

const quoteAt = (character: MrzCharacter): string => `"${character.char}" at line ${character.line}, column ${character.column}`;

/** The likely misreadings in English. */
export function describeLikely(likely: MrzLikely): string {
  if (likely.kind === 'unchecked') {
    return likely.characters
      .map((character) =>
        character.options.length === 1
          ? `${quoteAt(character)} is probably "${character.options[0]!}"`
          : `${quoteAt(character)} may be ${character.options.slice(0, -1).map((option) => `"${option}"`).join(', ')} or "${character.options.at(-1)!}"`,
      )
      .join(' and ');
  }
  const verb = likely.corrections.length === 1 ? 'is probably' : 'may be';
  const named = likely.corrections.map(
    (correction) => correction.readings.map((reading) => `${quoteAt(reading)} ${verb} "${reading.to}"`).join(' and ') + (correction.code !== undefined ? ` (${correction.code})` : ''),
  );
  const more = likely.more > 0 ? `, or one of ${likely.more} more readings` : '';
  return `${named.join(', or ')}${more}`;
}

/**
 * The likely misreading of a field that fails its test, from the look-alike corrections that make it
 * pass: the one when there is one, each of them when there are several (at most four named).
 */
function likelyOf(passing: readonly Reading[][], code?: (correction: readonly Reading[]) => string): MrzLikely | undefined {
  if (passing.length === 0) return undefined;
  const corrections = passing.slice(0, passing.length === 1 ? 1 : 4).map((correction) => {
    const readings = correction.map((reading) => ({ char: reading.from, line: reading.line + 1, column: reading.column + 1, to: reading.to }));
    return code ? { readings, code: code(correction) } : { readings };
  });
  return { kind: 'passing', corrections, more: Math.max(passing.length - 4, 0) };
}

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

const noReadingOf = (noReading: MrzCharacter[] | null): string =>
  noReading === null ? '' : `; no look-alike reading of ${noReading.length > 0 ? noReading.map(quoteAt).join(' and ') : 'one of its characters'} makes the check digit pass`;

/** A problem in English. */
export function describeProblem(field: string, problem: MrzProblem): string {
  const label = FIELD_LABELS[field] ?? field;
  switch (problem.code) {
    case 'line-count':
      return `a machine-readable zone has 2 lines (TD2, TD3, visas) or 3 (TD1), not ${problem.lines}`;
    case 'space':
      return `line ${problem.line} has a space at column ${problem.column}: an MRZ has no spaces (empty positions are "<")`;
    case 'line-length':
      return `line ${problem.line} has ${problem.length} characters; each line of a ${problem.format} MRZ has ${problem.width}`;
    case 'character':
      return `line ${problem.line}, column ${problem.column} holds ${/\s/.test(problem.char) ? 'a space' : `"${problem.char}"`}; an MRZ holds only A–Z, 0–9 and <`;
    case 'document-code-start':
      return `the document code must start with a letter, not "${problem.char}"`;
    case 'visa-three-lines':
      return 'a visa has a two-line MRZ (MRV-A or MRV-B), not a three-line one';
    case 'document-code-second':
      return `the second character of the document code is a letter or <, not "${problem.char}"`;
    case 'code-missing':
      return `the ${label} code is missing`;
    case 'code-unknown':
      return `the ${label} "${problem.value}" is not an ICAO code of a state or organisation${problem.noReading ? '; no look-alike reading of its digits gives one' : ''}`;
    case 'number-no-check-digit':
      return 'the document number has no check digit (a filler stands in its place and the optional data holds no continuation)';
    case 'number-missing':
      return 'the document number is missing';
    case 'misplaced':
      return `the ${label} holds the ${problem.letter ? 'letter' : 'digit'} "${problem.char}" where only ${problem.letter ? 'digits' : 'letters'} belong${noReadingOf(problem.noReading)}`;
    case 'check-digit-not-digit':
      return `the check digit of the ${label} must be a digit, not "${problem.char}"${noReadingOf(problem.noReading)}`;
    case 'check-digit-wrong':
      return `the check digit of the ${label} is ${problem.char} but the data gives ${problem.expected}${noReadingOf(problem.noReading)}`;
    case 'date-invalid':
      return `the ${label} "${problem.raw}" (YYMMDD) is not a calendar date`;
    case 'sex-invalid':
      return `sex is M, F, X or <, not "${problem.char}"`;
    case 'name-digit':
      return `the name holds the digit "${problem.char}"`;
    case 'surname-missing':
      return 'the primary identifier (surname) is missing';
  }
}

/** An error of `field` at a 1-based line and column, in English and as data. */
function mrzError(field: string, line: number, column: number, problem: MrzProblem, likely?: MrzLikely): MrzError {
  const error: MrzError = { field, line, column, message: describeProblem(field, problem), problem };
  if (likely !== undefined) {
    error.likely = likely;
    error.hint = describeLikely(likely);
  }
  return error;
}

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
    return { errors: [mrzError('mrz', 0, 0, { code: 'line-count', lines: lines.length })] };
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
        ? mrzError('mrz', index + 1, space + 1, { code: 'space', line: index + 1, column: space + 1 })
        : mrzError('mrz', index + 1, 0, { code: 'line-length', line: index + 1, length: line.length, format, width }),
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
        errors.push(mrzError(fieldAt(layout, index, column), index + 1, column + 1, { code: 'character', line: index + 1, column: column + 1, char }));
      }
    }
  });
  return errors;
}

/** A position of the MRZ (0-based) and what it may hold. */
interface Cell {
  line: number;
  column: number;
  charClass: CharClass;
}

const textOf = (lines: readonly string[], span: Span): string => lines[span.line]!.slice(span.start, span.start + span.length);

/** The lines with the readings applied. */
function reread(lines: readonly string[], readings: readonly Reading[]): string[] {
  const changed = [...lines];
  for (const { line, column, to } of readings) changed[line] = changed[line]!.slice(0, column) + to + changed[line]!.slice(column + 1);
  return changed;
}

/** Tries at most this many combinations of readings for the misplaced characters of one field. */
const MAX_COMBINATIONS = 256;

class Reader {
  private readonly errors: MrzError[] = [];
  private readonly classes: CharClass[][];
  /** Positions a passing check digit vouches for (the field's characters and the digit itself). */
  private readonly vouched = new Set<string>();

  constructor(
    private readonly lines: string[],
    private readonly layout: Layout,
    private readonly now: Date,
  ) {
    this.classes = lines.map((line) => Array.from(line, (): CharClass => 'alphanumeric'));
    const { composite, optionalCheck } = layout;
    const set = (charClass: CharClass, spans: readonly Span[]): void => {
      for (const span of spans) for (let i = 0; i < span.length; i++) this.classes[span.line]![span.start + i] = charClass;
    };
    set('alphabetic', [layout.code, layout.issuer, layout.name, layout.nationality, layout.sex]);
    set('numeric', [layout.birth, layout.birthCheck, layout.expiry, layout.expiryCheck, layout.numberCheck]);
    set('numeric', [...(optionalCheck ? [optionalCheck] : []), ...(composite ? [composite.check] : [])]);
  }

  private text(span: Span): string {
    return textOf(this.lines, span);
  }

  private cells(spans: readonly Span[]): Cell[] {
    return spans.flatMap((span) => Array.from({ length: span.length }, (_, i) => ({ line: span.line, column: span.start + i, charClass: this.classes[span.line]![span.start + i]! })));
  }

  private misplacedIn(lines: readonly string[], cells: readonly Cell[]): Cell | undefined {
    return cells.find((cell) => misplaced(lines[cell.line]!.charAt(cell.column), cell.charClass));
  }

  private error(field: string, span: Span, offset: number, problem: MrzProblem, likely?: MrzLikely): void {
    this.errors.push(mrzError(field, span.line + 1, span.start + offset + 1, problem, likely));
  }

  /**
   * The look-alike readings of `cells` that make `passes` true. Characters their position does not
   * allow must all be read otherwise (every combination is tried); when there are none, each single
   * look-alike reading the position allows is tried. `tried` says whether there was any to try.
   */
  private corrections(cells: readonly Cell[], passes: (lines: readonly string[]) => boolean): { tried: boolean; forced: Cell[]; passing: Reading[][] } {
    const reading = (cell: Cell): Reading[] => {
      const from = this.lines[cell.line]!.charAt(cell.column);
      return lookalikes(from, cell.charClass).map((to) => ({ line: cell.line, column: cell.column, from, to }));
    };
    const wrong = cells.filter((cell) => misplaced(this.lines[cell.line]!.charAt(cell.column), cell.charClass));
    let candidates: Reading[][];
    if (wrong.length > 0) {
      candidates = [[]];
      for (const cell of wrong) {
        candidates = candidates.flatMap((partial) => reading(cell).map((one) => [...partial, one]));
        if (candidates.length > MAX_COMBINATIONS) return { tried: false, forced: wrong, passing: [] };
      }
    } else {
      candidates = cells.flatMap((cell) => reading(cell).map((one) => [one]));
    }
    const passing = candidates.filter((candidate) => passes(reread(this.lines, candidate)));
    return { tried: candidates.length > 0, forced: wrong, passing };
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

  /** For a field with no check digit: the letters each misplaced digit may be, unconfirmed. */
  private unverifiedHint(cells: readonly Cell[]): MrzLikely | undefined {
    const characters = cells.flatMap((cell) => {
      const char = this.lines[cell.line]!.charAt(cell.column);
      if (!misplaced(char, cell.charClass)) return [];
      const options = lookalikes(char, cell.charClass);
      return options.length === 0 ? [] : [{ char, line: cell.line + 1, column: cell.column + 1, options }];
    });
    return characters.length > 0 ? { kind: 'unchecked', characters } : undefined;
  }

  private documentCode(): string {
    const span = this.layout.code;
    const raw = this.text(span);
    const first = raw.charAt(0);
    const [firstCell, secondCell] = this.cells([span]);
    if (!isLetter(first)) {
      this.error('documentCode', span, 0, { code: 'document-code-start', char: first }, this.unverifiedHint([firstCell!]));
    } else if (this.layout.format === 'TD1' && first === 'V') {
      this.error('documentCode', span, 0, { code: 'visa-three-lines' });
    }
    const second = raw.charAt(1);
    if (isDigit(second)) {
      this.error('documentCode', span, 1, { code: 'document-code-second', char: second }, this.unverifiedHint([secondCell!]));
    }
    return raw.replace(/<+$/, '');
  }

  /** An issuing or nationality code: letters and fillers, and one Doc 9303 allows; a digit is read as the letters it looks like that give such a code. */
  private code(field: 'issuer' | 'nationality', span: Span): string {
    const raw = this.text(span);
    const code = raw.replace(/<+$/, '');
    if (isIcaoIssuer(code)) return code;
    if (code === '') {
      this.error(field, span, 0, { code: 'code-missing' });
      return code;
    }
    const cells = this.cells([span]);
    const codeIn = (lines: readonly string[]): string => textOf(lines, span).replace(/<+$/, '');
    const { tried, passing } = this.corrections(cells, (lines) => !this.misplacedIn(lines, cells) && isIcaoIssuer(codeIn(lines)));
    const digit = raw.search(/[0-9]/);
    const likely = likelyOf(passing, (correction) => codeIn(reread(this.lines, correction)));
    this.error(field, span, Math.max(digit, 0), { code: 'code-unknown', value: code, noReading: tried && passing.length === 0 }, likely);
    return code;
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
        this.error('number', layout.numberCheck, 0, { code: 'number-no-check-digit' });
        return { value: main.replace(/</g, ''), extraSpan: null };
      }
      const digitSpan = at(long.line, long.start + rest.length - 1);
      this.classes[digitSpan.line]![digitSpan.start] = 'numeric';
      this.verify('number', [layout.number, at(long.line, long.start, rest.length - 1)], digitSpan);
      return { value: (main + rest.slice(0, -1)).replace(/</g, ''), extraSpan: at(long.line, long.start, rest.length) };
    }
    this.verify('number', [layout.number], layout.numberCheck);
    const value = main.replace(/</g, '');
    if (value === '') this.error('number', layout.number, 0, { code: 'number-missing' });
    return { value, extraSpan: null };
  }

  /**
   * Verifies a field's check digit over its spans: every character must be one its position allows
   * and the digit must match. A field that passes is vouched for (the composite leaves it as read);
   * one that fails is reported once, with the look-alike readings that would make it pass.
   */
  private verify(field: string, spans: Span[], checkSpan: Span, options: { fillerAllowed?: boolean } = {}): boolean {
    const cells = this.cells([...spans, checkSpan]);
    const passes = (lines: readonly string[]): boolean => {
      if (this.misplacedIn(lines, cells)) return false;
      const data = spans.map((span) => textOf(lines, span)).join('');
      const char = textOf(lines, checkSpan);
      if (options.fillerAllowed && char === '<' && /^<*$/.test(data)) return true;
      return char === String(checkDigit(data));
    };
    if (passes(this.lines)) {
      for (const cell of cells) this.vouched.add(`${cell.line}:${cell.column}`);
      return true;
    }
    const wrong = this.misplacedIn(this.lines, this.cells(spans));
    this.fail(field, spans, checkSpan, cells, passes, wrong);
    return false;
  }

  /** Reports a failing check digit on `field`, at the misplaced character when there is one, with the readings of `cells` that pass. */
  private fail(field: string, spans: Span[], checkSpan: Span, cells: readonly Cell[], passes: (lines: readonly string[]) => boolean, wrong?: Cell): void {
    const char = this.text(checkSpan);
    const { tried, forced, passing } = this.corrections(cells, passes);
    const noReading = tried && passing.length === 0 ? forced.map((cell) => ({ char: this.lines[cell.line]!.charAt(cell.column), line: cell.line + 1, column: cell.column + 1 })) : null;
    const likely = likelyOf(passing);
    if (wrong) {
      const from = this.lines[wrong.line]!.charAt(wrong.column);
      this.error(field, at(wrong.line, wrong.column), 0, { code: 'misplaced', char: from, letter: isLetter(from), noReading }, likely);
    } else if (!isDigit(char)) {
      this.error(field, checkSpan, 0, { code: 'check-digit-not-digit', char, noReading }, likely);
    } else {
      const data = spans.map((span) => this.text(span)).join('');
      this.error(field, checkSpan, 0, { code: 'check-digit-wrong', char, expected: checkDigit(data), noReading }, likely);
    }
  }

  private date(field: 'birthDate' | 'expiryDate', span: Span, checkSpan: Span): MrzDate {
    const raw = this.text(span);
    this.verify(field, [span], checkSpan);
    if (/[A-Z]/.test(raw)) return { raw, iso: null };
    const unknown = raw.includes('<') || raw.slice(2, 4) === '00' || raw.slice(4, 6) === '00';
    if (unknown && field === 'birthDate') return { raw, iso: null }; // Doc 9303 Part 3: unknown parts are fillers (older documents: zeros)
    const iso = unknown ? null : this.calendarDate(raw, field);
    if (iso === null) this.error(field, span, 0, { code: 'date-invalid', raw });
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
    this.error('sex', this.layout.sex, 0, { code: 'sex-invalid', char });
    return 'X';
  }

  private name(): { surname: string; givenNames: string } {
    const span = this.layout.name;
    const raw = this.text(span);
    const digit = /[0-9]/.exec(raw);
    if (digit) {
      this.error('name', span, digit.index, { code: 'name-digit', char: digit[0] }, this.unverifiedHint(this.cells([span])));
    }
    const trimmed = raw.replace(/<+$/, '');
    const split = trimmed.indexOf('<<');
    const surname = (split < 0 ? trimmed : trimmed.slice(0, split)).replace(/</g, ' ').trim();
    const givenNames = (split < 0 ? '' : trimmed.slice(split + 2)).replace(/</g, ' ').trim();
    if (surname === '') this.error('name', span, 0, { code: 'surname-missing' });
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
      this.verify('optionalData', [layout.optional[0]!], layout.optionalCheck, { fillerAllowed: true });
    }
    return parts.filter((part) => part !== '').join(' ');
  }

  private composite(): void {
    const composite = this.layout.composite;
    if (!composite) return;
    const matches = (lines: readonly string[]): boolean =>
      textOf(lines, composite.check) === String(checkDigit(composite.parts.map((span) => textOf(lines, span)).join('')));
    if (matches(this.lines)) return;
    // A field whose own check digit passes vouches for its characters: only the others may be misread.
    const open = this.cells([...composite.parts, composite.check]).filter((cell) => !this.vouched.has(`${cell.line}:${cell.column}`));
    this.fail('composite', composite.parts, composite.check, open, (lines) => !this.misplacedIn(lines, open) && matches(lines));
  }
}
