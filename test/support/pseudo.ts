/**
 * What a page in the pseudo-locale (?locale=pseudo) shows: the words that came from the catalogue
 * and the strings left in the code. `inspect` runs in the page (page.evaluate(inspect, …)); used by
 * test/e2e/pseudo-locale.e2e.test.ts and by the tests of pages that need records the demo lacks.
 */

export interface Finding {
  /** Text from a catalogue, as the pseudo-locale writes it. */
  translated: number;
  /** Text neither from a catalogue nor marked as data: a string left in the code. */
  untranslated: string[];
}

/** Runs in the page: every text node and readable attribute, sorted into translated, data and neither. */
export function inspect({ letters, pending, titleIsData }: { letters: string[]; pending: string[]; titleIsData: boolean }): Finding {
  const pseudo = new Set(letters);
  const DATA = ['[translate="no"]', 'code', 'time', ...pending.map((module) => `[data-i18n-pending="${module}"]`)].join(', ');
  const hasLetters = (text: string): boolean => /\p{L}/u.test(text);
  const isPseudo = (text: string): boolean => Array.from(text).some((character) => pseudo.has(character));
  const finding: Finding = { translated: 0, untranslated: [] };
  const judge = (text: string, where: string): void => {
    const trimmed = text.trim();
    if (!hasLetters(trimmed)) return;
    if (isPseudo(trimmed)) finding.translated += 1;
    else finding.untranslated.push(`${where}: ${JSON.stringify(trimmed)}`);
  };
  const describe = (element: Element): string => `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''}>`;

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript') || parent.closest(DATA)) continue;
    judge(node.textContent ?? '', describe(parent));
  }
  for (const element of document.body.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    if (element.closest(DATA)) continue;
    for (const attribute of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = element.getAttribute(attribute);
      if (value) judge(value, `${describe(element)}[${attribute}]`);
    }
  }
  if (!titleIsData) judge(document.title.replace(/ · Lintas$/, ''), '<title>');
  return finding;
}
