/**
 * The fixed tables of biometrics' regional release (release.ts), import-free so the schemas and
 * the web app may name them. Each is a period (month, quarter, year) crossed with at most one
 * fixed dimension; nothing else is ever computed over other members' searches and decisions.
 */
export const BIOMETRICS_RELEASE_TABLES = {
  searches: { dimensions: [], label: 'Searches made (counted under the searching member)' },
  searchesByPurpose: { dimensions: ['purpose'], label: 'Searches made, by purpose' },
  hitsByPurpose: { dimensions: ['purpose'], label: 'Searches with a hit in at least one gallery, by purpose (counted under the searching member)' },
  stepTwoByOutcome: { dimensions: ['outcome'], label: 'Step-two decisions, by outcome (counted under the holder)' },
} as const satisfies Record<string, { dimensions: readonly ('purpose' | 'outcome')[]; label: string }>;
export type BiometricsReleaseTable = keyof typeof BIOMETRICS_RELEASE_TABLES;
export const BIOMETRICS_RELEASE_TABLE_NAMES = Object.keys(BIOMETRICS_RELEASE_TABLES) as BiometricsReleaseTable[];
