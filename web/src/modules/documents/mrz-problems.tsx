import { Fragment, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { within, type ApiError } from '../../api.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';
import { parseMrz, type MrzError, type MrzLikely, type MrzProblem } from './api.js';

/**
 * The MRZ's problems in the page's language, from the reader's problem codes (src/modules/documents/mrz.ts):
 * each with its line, column and field, and its likely OCR misreading. MRZ characters are quoted in a
 * monospace font, where O and 0 can be told apart.
 */

/** The fields of an MRZ as the reader names them. */
const MRZ_FIELD_LABEL: Readonly<Record<string, MessageId>> = {
  documentCode: msg('documents.mrz.field.documentCode'),
  issuer: msg('documents.mrz.field.issuer'),
  name: msg('documents.mrz.field.name'),
  number: msg('documents.mrz.field.number'),
  nationality: msg('documents.mrz.field.nationality'),
  birthDate: msg('documents.mrz.field.birthDate'),
  sex: msg('documents.mrz.field.sex'),
  expiryDate: msg('documents.mrz.field.expiryDate'),
  optionalData: msg('documents.mrz.field.optionalData'),
  composite: msg('documents.mrz.field.composite'),
};

const FILLER = '<';

/** `<c>` in a message: MRZ characters, quoted, in a monospace font; `<d>` the same unquoted (a code). */
const TAGS = {
  c: (chunks: ReactNode[]) => <code className="mrz-text">&quot;{chunks}&quot;</code>,
  d: (chunks: ReactNode[]) => <code className="mrz-text">{chunks}</code>,
};

function fieldLabel(t: Translate, field: string): string {
  const id = MRZ_FIELD_LABEL[field];
  return id ? t(id) : field;
}

/** What is wrong, in words. */
export function problemText(t: Translate, field: string, problem: MrzProblem): ReactNode {
  const name = fieldLabel(t, field);
  switch (problem.code) {
    case 'line-count':
      return t('documents.mrz.problem.lineCount', { lines: problem.lines });
    case 'space':
      return t.rich('documents.mrz.problem.space', { ...TAGS, line: problem.line, column: problem.column, filler: FILLER });
    case 'line-length':
      return t.rich('documents.mrz.problem.lineLength', { ...TAGS, line: problem.line, length: problem.length, format: problem.format, width: problem.width });
    case 'character':
      return /\s/.test(problem.char)
        ? t.rich('documents.mrz.problem.characterSpace', { ...TAGS, line: problem.line, column: problem.column, filler: FILLER })
        : t.rich('documents.mrz.problem.character', { ...TAGS, line: problem.line, column: problem.column, char: problem.char, filler: FILLER });
    case 'document-code-start':
      return t.rich('documents.mrz.problem.documentCodeStart', { ...TAGS, char: problem.char });
    case 'visa-three-lines':
      return t('documents.mrz.problem.visaThreeLines');
    case 'document-code-second':
      return t.rich('documents.mrz.problem.documentCodeSecond', { ...TAGS, char: problem.char, filler: FILLER });
    case 'code-missing':
      return t('documents.mrz.problem.codeMissing', { field: name });
    case 'code-unknown':
      return problem.noReading
        ? t.rich('documents.mrz.problem.codeUnknownNoReading', { ...TAGS, field: name, value: problem.value })
        : t.rich('documents.mrz.problem.codeUnknown', { ...TAGS, field: name, value: problem.value });
    case 'number-no-check-digit':
      return t('documents.mrz.problem.numberNoCheckDigit');
    case 'number-missing':
      return t('documents.mrz.problem.numberMissing');
    case 'misplaced':
      return (
        <>
          {problem.letter
            ? t.rich('documents.mrz.problem.misplacedLetter', { ...TAGS, field: name, char: problem.char })
            : t.rich('documents.mrz.problem.misplacedDigit', { ...TAGS, field: name, char: problem.char })}
          <NoReading t={t} characters={problem.noReading} />
        </>
      );
    case 'check-digit-not-digit':
      return (
        <>
          {t.rich('documents.mrz.problem.checkDigitNotDigit', { ...TAGS, field: name, char: problem.char })}
          <NoReading t={t} characters={problem.noReading} />
        </>
      );
    case 'check-digit-wrong':
      return (
        <>
          {t.rich('documents.mrz.problem.checkDigitWrong', { ...TAGS, field: name, char: problem.char, expected: problem.expected })}
          <NoReading t={t} characters={problem.noReading} />
        </>
      );
    case 'date-invalid':
      return t.rich('documents.mrz.problem.dateInvalid', { ...TAGS, field: name, raw: problem.raw });
    case 'sex-invalid':
      return t.rich('documents.mrz.problem.sexInvalid', { ...TAGS, char: problem.char, filler: FILLER });
    case 'name-digit':
      return t.rich('documents.mrz.problem.nameDigit', { ...TAGS, char: problem.char });
    case 'surname-missing':
      return t('documents.mrz.problem.surnameMissing');
  }
}

/** "; no look-alike reading of … makes the check digit pass", when readings were tried and none passed. */
function NoReading({ t, characters }: { t: Translate; characters: Extract<MrzProblem, { code: 'misplaced' }>['noReading'] }) {
  const intl = useIntl();
  if (characters === null) return null;
  if (characters.length === 0) return <>{t('documents.mrz.noReading.any')}</>;
  const named = characters.map((character, index) => (
    <Fragment key={index}>{t.rich('documents.mrz.at', { ...TAGS, char: character.char, line: character.line, column: character.column })}</Fragment>
  ));
  return <>{t.rich('documents.mrz.noReading.of', { characters: intl.formatList(named, { type: 'conjunction' }) })}</>;
}

/** The likely misreading, in words: the readings that make the field pass, or what each misplaced character may be. */
function LikelyText({ likely }: { likely: MrzLikely }) {
  const t = useT();
  const intl = useIntl();
  const and = (parts: ReactNode[]): ReactNode => intl.formatList(parts, { type: 'conjunction' });
  if (likely.kind === 'unchecked') {
    const parts = likely.characters.map((character, index) => {
      const where = { ...TAGS, char: character.char, line: character.line, column: character.column };
      return (
        <Fragment key={index}>
          {character.options.length === 1
            ? t.rich('documents.mrz.reading.probably', { ...where, to: character.options[0] ?? '' })
            : t.rich('documents.mrz.reading.options', {
                ...where,
                options: intl.formatList(
                  character.options.map((option) => (
                    <code key={option} className="mrz-text">
                      &quot;{option}&quot;
                    </code>
                  )),
                  { type: 'disjunction' },
                ),
              })}
        </Fragment>
      );
    });
    return <>{and(parts)}</>;
  }
  const certain = likely.corrections.length === 1;
  const corrections = likely.corrections.map((correction, index) => {
    const readings = and(
      correction.readings.map((reading, at) => {
        const values = { ...TAGS, char: reading.char, line: reading.line, column: reading.column, to: reading.to };
        return <Fragment key={at}>{certain ? t.rich('documents.mrz.reading.probably', values) : t.rich('documents.mrz.reading.mayBe', values)}</Fragment>;
      }),
    );
    return <Fragment key={index}>{correction.code !== undefined ? t.rich('documents.mrz.reading.giving', { ...TAGS, readings, code: correction.code }) : readings}</Fragment>;
  });
  const named = intl.formatList(corrections, { type: 'disjunction' });
  return <>{likely.more > 0 ? t.rich('documents.mrz.reading.more', { readings: named, count: likely.more }) : named}</>;
}

/** Where a problem lies: the whole MRZ, a line, or a line and column. */
function whereText(t: Translate, error: MrzError): string {
  if (error.line === 0) return t('documents.mrz.where.whole');
  if (error.column === 0) return t('documents.mrz.where.line', { line: error.line });
  return t('documents.mrz.where.column', { line: error.line, column: error.column });
}

/** The MRZ's problems, once, under the field; `details` are the server's own words, where the page found nothing itself. */
export function MrzProblems({ id, errors, details }: { id: string; errors: readonly MrzError[]; details: readonly string[] }) {
  const t = useT();
  return (
    <ul className="mrz-problems" id={id} aria-label={t('documents.mrz.problems')}>
      {errors.map((error, index) => (
        <li key={index}>
          <span className="mrz-where">{whereText(t, error)}</span>
          {error.field !== 'mrz' ? <span className="mrz-field"> {t('documents.mrz.fieldInBrackets', { field: fieldLabel(t, error.field) })}</span> : null}
          {t('documents.mrz.separator')}
          {problemText(t, error.field, error.problem)}
          {error.likely ? <span className="mrz-hint">{t.rich('documents.mrz.likely', { readings: <LikelyText likely={error.likely} /> })}</span> : null}
        </li>
      ))}
      {details.map((detail, index) => (
        <li key={`server-${String(index)}`}>
          <span className="mrz-where">{t('documents.mrz.where.whole')}</span>
          {t('documents.mrz.separator')}
          <span translate="no">{detail}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The server's reasons an MRZ cannot be read, when the page had not read it itself (fewer than two
 * lines): the page's own reading of the same text where it finds a problem, else the server's words.
 */
export function serverMrzErrors(error: ApiError | undefined, text: string): { errors: MrzError[]; details: string[] } {
  const details = (error?.errors ?? []).filter((item) => within(item.pointer, '/mrz')).map((item) => item.detail);
  if (details.length === 0) return { errors: [], details: [] };
  const parsed = parseMrz(text);
  return parsed.ok ? { errors: [], details } : { errors: parsed.errors, details: [] };
}

/** The MRZ as typed, one row per line, each with its length and a mark where a problem lies. */
export function MrzLines({ text, errors }: { text: string; errors: readonly MrzError[] }) {
  const t = useT();
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().toUpperCase())
    .filter(Boolean);
  if (lines.length === 0) return null;
  return (
    <ol className="mrz-lines" aria-label={t('documents.mrz.lines')}>
      {lines.map((line, index) => {
        const faults = errors.filter((error) => error.line === index + 1);
        const columns = new Set(faults.map((error) => error.column));
        return (
          <li key={index} className={faults.length > 0 ? 'mrz-line mrz-line-bad' : 'mrz-line'}>
            <code>
              {Array.from(line, (char, column) => (
                <span key={column} className={columns.has(column + 1) ? 'mrz-char-bad' : undefined}>
                  {char}
                </span>
              ))}
            </code>
            <span className="muted"> {t('documents.mrz.lineLength', { count: line.length })}</span>
          </li>
        );
      })}
    </ol>
  );
}
