/**
 * The code lists of the sharing fields (DESIGN.md §3). This file imports nothing at run time, so the
 * web app takes its lists from here without bundling TypeBox or server code; keep it that way.
 */

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const AUDIENCE_KINDS = ['owner', 'members', 'groups', 'all'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

/** The evaluation's grades: how reliable the source is (A–C, X when it cannot be assessed) and how credible the information (1–4). */
export const SOURCE_GRADES = ['A', 'B', 'C', 'X'] as const;
export type SourceGrade = (typeof SOURCE_GRADES)[number];

export const INFORMATION_GRADES = ['1', '2', '3', '4'] as const;
export type InformationGrade = (typeof INFORMATION_GRADES)[number];
