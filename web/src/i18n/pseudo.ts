import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * The pseudo-locale, made from the English catalogue when it is chosen: every letter of the words
 * accented and every message in brackets, while placeholders, plurals and tags stay as they are. Text
 * on a page without the marks did not come from a catalogue.
 */

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ACCENTED = 'åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ';
// Array.from walks code points; these letters are single code points, so nothing is split.
const ACCENTED_LETTERS = Array.from(ACCENTED);
const MAP = new Map(Array.from(PLAIN).map((letter, index) => [letter, ACCENTED_LETTERS[index] ?? letter]));

/** The letters the pseudo-locale writes: text holding one of them came from a catalogue. */
export const PSEUDO_LETTERS: ReadonlySet<string> = new Set(MAP.values());

export function accent(text: string): string {
  return text.replace(/[a-zA-Z]/g, (letter) => MAP.get(letter) ?? letter);
}

function accentElements(elements: MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element): MessageFormatElement => {
    switch (element.type) {
      case TYPE.literal:
        return { ...element, value: accent(element.value) };
      case TYPE.select:
      case TYPE.plural:
        return { ...element, options: Object.fromEntries(Object.entries(element.options).map(([key, option]) => [key, { ...option, value: accentElements(option.value) }])) };
      case TYPE.tag:
        return { ...element, children: accentElements(element.children) };
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
      case TYPE.pound:
        return element;
    }
  });
}

/** One message of the catalogue in the pseudo-locale, as the parsed form react-intl takes. */
export function pseudoMessage(message: string): MessageFormatElement[] {
  return [{ type: TYPE.literal, value: '[' }, ...accentElements(parse(message)), { type: TYPE.literal, value: ']' }];
}

export function pseudoCatalogue(messages: Readonly<Record<string, string>>): Record<string, MessageFormatElement[]> {
  return Object.fromEntries(Object.entries(messages).map(([id, message]) => [id, pseudoMessage(message)]));
}
