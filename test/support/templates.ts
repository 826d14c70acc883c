/**
 * Synthetic face templates for the biometrics tests, shaped like faceres's (format
 * `human-faceres-1024`): rectified Gaussian values, non-negative and about half zero, so two
 * unrelated templates score a cosine of about 0.32, as unrelated faces do (0.39).
 */
export function template(seed: number): number[] {
  let state = (seed * 2654435761) % 4294967296;
  const uniform = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return (state + 0.5) / 4294967296;
  };
  return Array.from({ length: 1024 }, () => Math.max(0, Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
}

/** The same face seen again: the template with a little noise (cosine about 0.99 with it). */
export const again = (seed: number): number[] => template(seed).map((value, i) => Math.max(0, value + 0.08 * Math.sin(i * 12.9898 + seed)));
