/** The kinds of matched key as a person reads them (notifications; the web app has its own catalogue). */
export const KIND_LABELS: Readonly<Record<string, string>> = {
  phone: 'phone number',
  email: 'e-mail address',
  handle: 'messaging or social-media account',
  'travel-document': 'travel document',
  imo: 'IMO number',
  mmsi: 'MMSI',
  'vessel-name': 'vessel name and flag',
  vehicle: 'number plate',
  iban: 'IBAN',
  'bank-account': 'bank account',
  'mobile-money': 'mobile-money account',
  crypto: 'crypto-asset address',
  person: 'person’s name',
};
