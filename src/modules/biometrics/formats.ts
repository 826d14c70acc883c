/**
 * Template formats: what a vector is, how long, and the similarities that make a candidate (the
 * match threshold) and a strong one. A gallery holds one format per subject; a probe is searched
 * only against subjects of its own format, and an agreement names the formats it allows.
 */
export interface TemplateFormat {
  id: string;
  modality: 'face';
  dimensions: number;
  /** Cosine at or above which a gallery subject is a candidate (a hit), band "medium". */
  match: number;
  /** Cosine at or above which a candidate's band is "high". */
  high: number;
  description: string;
}

export const FORMATS: readonly TemplateFormat[] = [
  {
    id: 'human-faceres-1024',
    modality: 'face',
    dimensions: 1024,
    // Calibration: README.md in this folder ("Thresholds"): the faceres vectors are non-negative,
    // so unrelated faces score about 0.39, and the same face transformed about 0.95.
    match: 0.75,
    high: 0.88,
    description: 'Face description of @vladmandic/human 3.3.6 (faceres), computed by Lintas from an image, L2-normalised',
  },
];

export const FORMAT_IDS = FORMATS.map((format) => format.id);

export function formatOf(id: string): TemplateFormat | undefined {
  return FORMATS.find((format) => format.id === id);
}

/** The band of a similarity for a format: null below its match threshold. */
export function bandOf(format: TemplateFormat, similarity: number): 'high' | 'medium' | null {
  if (similarity >= format.high) return 'high';
  if (similarity >= format.match) return 'medium';
  return null;
}
