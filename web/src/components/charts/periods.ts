import type { Translate } from '../../i18n/index.js';

/** A period as people read it: a year or month as it is (2024, 2024-07), a quarter in words, and "unknown" for reports without a date. */
export function periodLabel(t: Translate, period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return t('charts.period.quarter', { key: quarter[1], n: Number(quarter[2]) });
  if (period === 'unknown') return t('charts.period.unknown');
  return period;
}

/**
 * Periods of a time axis as the analysis names them (`2024`, `2024-Q3`, `2024-07`), made continuous:
 * every period between the first and the last, so an empty quarter is not skipped. Anything else
 * (`unknown`, for reports without a date) is kept after them, never filled.
 */
export function continuousPeriods(periods: readonly string[]): string[] {
  const known = [...new Set(periods)].map(parse);
  const dated = known.filter((period): period is Parsed => period !== null);
  const others = [...new Set(periods)].filter((period) => parse(period) === null);
  const kind = dated[0]?.kind;
  if (!kind || dated.some((period) => period.kind !== kind)) return [...new Set(periods)];
  const indexes = dated.map((period) => period.index);
  const first = Math.min(...indexes);
  const last = Math.max(...indexes);
  const filled: string[] = [];
  for (let index = first; index <= last; index++) filled.push(format(kind, index));
  return [...filled, ...others];
}

type Kind = 'year' | 'quarter' | 'month';
interface Parsed {
  kind: Kind;
  /** Periods since year 0 in its own unit. */
  index: number;
}

function parse(period: string): Parsed | null {
  let match = /^(\d{4})$/.exec(period);
  if (match) return { kind: 'year', index: Number(match[1]) };
  match = /^(\d{4})-Q([1-4])$/.exec(period);
  if (match) return { kind: 'quarter', index: Number(match[1]) * 4 + Number(match[2]) - 1 };
  match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (match) return { kind: 'month', index: Number(match[1]) * 12 + Number(match[2]) - 1 };
  return null;
}

function format(kind: Kind, index: number): string {
  const year = (value: number): string => String(value).padStart(4, '0');
  switch (kind) {
    case 'year':
      return year(index);
    case 'quarter':
      return `${year(Math.floor(index / 4))}-Q${(index % 4) + 1}`;
    case 'month':
      return `${year(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
  }
}
