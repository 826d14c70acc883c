/**
 * The words of the report pages that depend on a number or explain an absence, in one place so they
 * move easily into message catalogues: English plurals by `Intl.PluralRules`.
 */

const rules = new Intl.PluralRules('en');

/** What a number counts, in the singular and the plural. */
export const UNITS = {
  report: ['report', 'reports'],
  person: ['person', 'people'],
  member: ['member', 'members'],
  smuggler: ['smuggler', 'smugglers'],
} as const satisfies Record<string, readonly [one: string, other: string]>;
export type Unit = keyof typeof UNITS;

/** A number with its noun, e.g. "1 report", "2 reports". */
export function counted(value: number, unit: Unit): string {
  const [one, other] = UNITS[unit];
  return `${value.toLocaleString('en')} ${rules.select(value) === 'one' ? one : other}`;
}

export const WORDS = {
  notKnown: 'not known',
  noPublishedFigures: (period: string, k: number) =>
    `No member has regional reports in ${period} that may be published: a figure is published only where it counts at least ${k} reports from at least 3 members.`,
  noRelease: 'No regional release has been computed yet, so there is nothing to publish.',
  chartEmpty: (what: string, period: string) => `No ${what} has figures that may be published for ${period}: figures below the publication threshold are not shown.`,
  willBeSeenBy: 'Will be seen by',
} as const;
