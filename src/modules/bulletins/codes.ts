/** The bulletins' code lists, import-free so the web app can use them too. */

export const BULLETIN_TYPES = ['alert', 'document-fraud-alert', 'method-note', 'route-trend-note', 'visa-integrity-note', 'training-opportunity'] as const;
export type BulletinType = (typeof BULLETIN_TYPES)[number];

export const ACKNOWLEDGEMENT_KINDS = ['read', 'acted-on'] as const;
export type AcknowledgementKind = (typeof ACKNOWLEDGEMENT_KINDS)[number];

/** What an attachment may be, by its bytes. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** An airport (IATA, three letters) or a port or other location (UN/LOCODE: country, then three letters or digits 2–9). */
export const PLACE_PATTERN = '^([A-Z]{3}|[A-Z]{2}[A-Z2-9]{3})$';

/** The entities a bulletin may name, offered to linkage: which fields each needs (first) and may take (second). */
export const BULLETIN_ENTITY_TYPES = ['phone', 'handle', 'travel-document', 'vessel'] as const;
export type BulletinEntityType = (typeof BULLETIN_ENTITY_TYPES)[number];
export const ENTITY_FIELDS_OF: Readonly<Record<BulletinEntityType, readonly [required: readonly string[], optional: readonly string[]]>> = {
  phone: [['value'], []],
  handle: [['platform', 'value'], []],
  'travel-document': [['issuer', 'number'], []],
  vessel: [[], ['imo', 'mmsi', 'name', 'flag']],
};
