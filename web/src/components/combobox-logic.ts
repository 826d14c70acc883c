/** The choices of a combobox and what typing and the arrow keys do to them, apart from the DOM. */

export interface ComboboxOption {
  value: string;
  label: string;
  /** The label is data (a country's or member's name), not words of the app: marked so translators and the pseudo-locale test leave it. */
  data?: boolean;
}

/** Options whose label or value holds every word typed (any case, any accents), those starting with it first. */
export function matchingOptions(options: readonly ComboboxOption[], query: string, limit = 50): ComboboxOption[] {
  const fold = (text: string): string => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return options.slice(0, limit);
  const found = options.filter((option) => {
    const text = fold(`${option.label} ${option.value}`);
    return words.every((word) => text.includes(word));
  });
  const first = words[0] ?? '';
  const starts = (option: ComboboxOption): boolean => fold(option.label).startsWith(first) || fold(option.value).startsWith(first);
  return [...found.filter(starts), ...found.filter((option) => !starts(option))].slice(0, limit);
}

/** The active option after an arrow key: down from none is the first, up from none is the last, and it wraps. */
export function movedIndex(current: number, step: 1 | -1, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return step === 1 ? 0 : count - 1;
  return (current + step + count) % count;
}

/** The codes chosen after picking one: added when new, taken away when already chosen. */
export function toggled(chosen: readonly string[], value: string): string[] {
  return chosen.includes(value) ? chosen.filter((code) => code !== value) : [...chosen, value];
}
