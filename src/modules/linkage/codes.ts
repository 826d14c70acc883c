/**
 * The code lists of linkage, in one place for the server and the web app, which labels them from its
 * message catalogue (web/src/modules/linkage/api.ts). This file imports nothing at run time, so the web
 * app takes its lists from here without bundling TypeBox, libphonenumber or the checksum libraries;
 * keep it that way.
 */

/** The entities a lead (or another module's record) may name; a vessel gives up to three keys. */
export const ENTITY_TYPES = ['phone', 'email', 'handle', 'travel-document', 'vessel', 'vehicle', 'iban', 'bank-account', 'mobile-money', 'crypto', 'person'] as const;

export type EntityTypeCode = (typeof ENTITY_TYPES)[number];

/** The fields an entity may be written with (one shape for every type, `schemas.ts` Entity). */
export const ENTITY_FIELDS = ['value', 'platform', 'issuer', 'number', 'imo', 'mmsi', 'name', 'flag', 'plate', 'country', 'bank', 'provider', 'network', 'birthYear'] as const;
export type EntityField = (typeof ENTITY_FIELDS)[number];

/** Which fields each entity type needs (the first list) and may take (the second): the server checks them, the web form shows them. */
export const FIELDS_OF: Readonly<Record<EntityTypeCode, readonly [required: readonly EntityField[], optional: readonly EntityField[]]>> = {
  phone: [['value'], []],
  email: [['value'], []],
  handle: [['platform', 'value'], []],
  'travel-document': [['issuer', 'number'], []],
  vessel: [[], ['imo', 'mmsi', 'name', 'flag']],
  vehicle: [['plate'], ['country']],
  iban: [['value'], []],
  'bank-account': [['bank', 'number'], []],
  'mobile-money': [['provider', 'value'], []],
  crypto: [['value'], ['network']],
  person: [['name'], ['birthYear']],
};

/** The kinds of key an entity is matched on (a vessel's IMO number, MMSI and name with flag are three). */
export const KEY_KINDS = ['phone', 'email', 'handle', 'travel-document', 'imo', 'mmsi', 'vessel-name', 'vehicle', 'iban', 'bank-account', 'mobile-money', 'crypto', 'person'] as const;
export type KeyKindCode = (typeof KEY_KINDS)[number];

/** Messaging and social-media platforms a handle is on. */
export const PLATFORMS = ['whatsapp', 'telegram', 'signal', 'viber', 'wechat', 'line', 'facebook', 'instagram', 'tiktok', 'x', 'imo', 'other'] as const;

/** Crypto-asset networks whose addresses carry a checksum linkage checks. */
export const NETWORKS = ['bitcoin', 'litecoin', 'ethereum', 'tron', 'other'] as const;

/** What a lead is about. */
export const SUBJECTS = ['person', 'network', 'vessel', 'other'] as const;

/** How soon the member told of a match needs the holder's answer. */
export const URGENCIES = ['routine', 'urgent', 'immediate'] as const;

export const REQUEST_STATUSES = ['pending', 'granted', 'refused'] as const;
