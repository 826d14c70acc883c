/**
 * The periods of a regional release (DESIGN.md §3, rule 6): months, quarters and years, each in the
 * release only once it has closed. A month is a number, year * 12 + month - 1, so a record is added
 * up by month once and quarters and years are made from their months.
 */

export const RELEASE_INTERVALS = ['month', 'quarter', 'year'] as const;
export type ReleaseInterval = (typeof RELEASE_INTERVALS)[number];

/** The pattern of a period's name by interval (2024-07, 2024-Q3, 2024). */
export const PERIOD_PATTERN: Record<ReleaseInterval, string> = { month: '^[0-9]{4}-[0-9]{2}$', quarter: '^[0-9]{4}-Q[1-4]$', year: '^[0-9]{4}$' };

export function periodOf(month: number, interval: ReleaseInterval): string {
  const year = Math.floor(month / 12);
  const inYear = month - year * 12;
  switch (interval) {
    case 'month':
      return `${year}-${String(inYear + 1).padStart(2, '0')}`;
    case 'quarter':
      return `${year}-Q${Math.floor(inYear / 3) + 1}`;
    case 'year':
      return String(year);
  }
}

export function intervalOfPeriod(period: string): ReleaseInterval {
  return /^\d{4}$/.test(period) ? 'year' : /-Q[1-4]$/.test(period) ? 'quarter' : 'month';
}

/** Whether a record's period has closed before `cutoffMonth` (the first month not covered). */
export function periodClosed(month: number, interval: ReleaseInterval, cutoffMonth: number): boolean {
  const span = interval === 'month' ? 1 : interval === 'quarter' ? 3 : 12;
  return Math.floor(month / span) * span + span <= cutoffMonth;
}

/** The first day of the month of `now` (UTC), as a date: every period that ended before it is closed. */
export function cutoffOf(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The month number of a day (`2024-07-15` or a cutoff). */
export function monthNumber(day: string): number {
  return Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
}
