/**
 * The fixed tables of linkage's regional release (release.ts), import-free so the schemas and the
 * web app may name them. Each is a period (month, quarter, year) crossed with at most two fixed
 * dimensions; nothing else is ever computed over records a viewer cannot see.
 */
export const LINKAGE_RELEASE_TABLES = {
  entities: { dimensions: [], label: 'Entity values in members’ records' },
  entitiesByKind: { dimensions: ['kind'], label: 'Entity values by kind' },
  entitiesBySource: { dimensions: ['kind', 'source'], label: 'Entity values by kind and the kind of record that holds them' },
  linkedByKind: { dimensions: ['kind'], label: 'Entity values another member’s record holds too, by kind' },
  noticesByKind: { dimensions: ['kind'], label: 'Hit notices given, by kind of value (counted under the holder)' },
} as const satisfies Record<string, { dimensions: readonly ('kind' | 'source')[]; label: string }>;
export type LinkageReleaseTable = keyof typeof LINKAGE_RELEASE_TABLES;
export const LINKAGE_RELEASE_TABLE_NAMES = Object.keys(LINKAGE_RELEASE_TABLES) as LinkageReleaseTable[];
