import { useMemo, type ReactNode } from 'react';
import { FormattedMessage, IntlProvider, useIntl, type MessageFormatElement } from 'react-intl';
import { CATALOGUES, PSEUDO, type CatalogueTag, type LocaleChoice } from './locale.js';
import en from './messages/en.json' with { type: 'json' };

/**
 * The web app's words: every string a person reads comes from a catalogue (messages/<language>.json,
 * ICU MessageFormat) through `useT()`. English is the source and the fallback. See README.md.
 */

/** A message's id in the catalogue ("shell.signOut"): a typo is a type error. */
export type MessageId = keyof typeof en;

/** The English catalogue, for code outside React that has not been given a `t` yet. */
export const ENGLISH: Readonly<Record<MessageId, string>> = en;

/**
 * Marks a message id kept in a table to be translated where it is shown
 * (`const LABEL = { owner: msg('sharing.audience.owner') }` … `t(LABEL[kind])`).
 */
export function msg<Id extends MessageId>(id: Id): Id {
  return id;
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;
export type RichValues = Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>;

export interface Translate {
  /** The message as text, for attributes, titles and text. */
  (id: MessageId, values?: MessageValues): string;
  /** The message with markup: `<b>…</b>` in the message calls `values.b(chunks)`; values may be elements. */
  rich: (id: MessageId, values: RichValues) => ReactNode;
  /** Items as a list in the locale's way ("A, B, C"). */
  list: (items: readonly string[]) => string;
  /** A number in the locale's way ("1,234"). */
  number: (value: number) => string;
}

/** The translator for the locale of the page. */
export function useT(): Translate {
  const intl = useIntl();
  return useMemo(() => {
    const t = ((id: MessageId, values?: MessageValues) => intl.formatMessage({ id }, values)) as Translate;
    t.rich = (id, values) => <FormattedMessage id={id} values={values} />;
    t.list = (items) => intl.formatList(items, { type: 'unit', style: 'short' });
    t.number = (value) => intl.formatNumber(value);
    return t;
  }, [intl]);
}

export type Catalogue = Record<string, string> | Record<string, MessageFormatElement[]>;

/** Every catalogue but English is loaded when chosen, so a language adds nothing to the others' bundle. */
const LOADERS: Record<CatalogueTag, () => Promise<Record<string, string>>> = {
  en: async () => en,
};

export async function loadCatalogue(choice: LocaleChoice): Promise<Catalogue> {
  if (choice.catalogue === PSEUDO) {
    const { pseudoCatalogue } = await import('./pseudo.js');
    return pseudoCatalogue(en);
  }
  return LOADERS[choice.catalogue]();
}

export function I18nProvider({ choice, messages, children }: { choice: LocaleChoice; messages: Catalogue; children: ReactNode }) {
  return (
    <IntlProvider locale={choice.formats} defaultLocale={CATALOGUES.en.formats} messages={messages}>
      {children}
    </IntlProvider>
  );
}

export { CATALOGUES, chooseLocale, PSEUDO, rememberAsked, type LocaleChoice } from './locale.js';
