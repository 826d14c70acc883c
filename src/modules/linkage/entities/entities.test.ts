import { describe, expect, test } from 'vitest';
// The register's normaliser of travel documents comes with its module's declaration.
import '../../documents/index.js';
import { entityKeys, EntityError, type EntityInput } from './index.js';
import { normalisePerson } from './names.js';

const key = (input: EntityInput, country?: string): string => {
  const [first] = entityKeys(input, { country });
  return first?.key ?? '';
};
const problem = (input: EntityInput, country?: string): { field: string; message: string } => {
  try {
    entityKeys(input, { country });
  } catch (error) {
    if (error instanceof EntityError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
};

describe('phone numbers, as each member country writes them, are one E.164 number', () => {
  test.each([
    ['0812-3456-7890', 'IDN'], ['(0812) 34567890', 'IDN'], ['+62 812 3456 7890', undefined], ['0062 812 3456 7890', 'IDN'], ['001 62 812 3456 7890', 'THA'], ['+62-812-3456-7890', 'AUS'],
  ])('Indonesia: %s read in %s', (raw, country) => expect(key({ type: 'phone', value: raw }, country)).toBe('+6281234567890'));
  test.each([['๐๘๑ ๒๓๔ ๕๖๗๘', 'THA'], ['081-234-5678', 'THA'], ['+66 81 234 5678', undefined]])('Thailand (Thai digits too): %s', (raw, country) =>
    expect(key({ type: 'phone', value: raw }, country)).toBe('+66812345678'));
  test.each([['٠٣٠٠ ١٢٣٤٥٦٧', 'PAK'], ['0300 1234567', 'PAK'], ['+92 300 1234567', undefined]])('Pakistan (Arabic-Indic digits too): %s', (raw, country) =>
    expect(key({ type: 'phone', value: raw }, country)).toBe('+923001234567'));
  test('Malaysia, Australia (with the national 0 in brackets), the Philippines', () => {
    expect(key({ type: 'phone', value: '012-345 6789' }, 'MYS')).toBe('+60123456789');
    expect(key({ type: 'phone', value: '+61 (0)412 345 678' })).toBe('+61412345678');
    expect(key({ type: 'phone', value: '0412 345 678' }, 'AUS')).toBe('+61412345678');
    expect(key({ type: 'phone', value: '09171234567' }, 'PHL')).toBe('+639171234567');
  });
  test('the same national digits are different numbers in different countries', () => {
    expect(key({ type: 'phone', value: '0812 3456 7890' }, 'IDN')).not.toBe(key({ type: 'phone', value: '081 234 5678' }, 'THA'));
  });
  test('a national number without a country, and a number too short, are refused with what is expected', () => {
    expect(problem({ type: 'phone', value: '0812 3456 7890' }).message).toMatch(/international form.*give the record's country/);
    expect(problem({ type: 'phone', value: '12' }, 'IDN').message).toMatch(/not a possible phone number in IDN/);
    expect(problem({ type: 'phone', value: 'call me' }).message).toMatch(/digits/);
  });
});

describe('e-mail addresses and accounts on messaging platforms', () => {
  test('one mailbox however it is written', () => {
    expect(key({ type: 'email', value: ' J.Doe+boats@GoogleMail.com ' })).toBe('jdoe@gmail.com');
    expect(key({ type: 'email', value: 'mailto:jdoe@gmail.com' })).toBe('jdoe@gmail.com');
    expect(key({ type: 'email', value: 'Agent+x@Outlook.com' })).toBe('agent@outlook.com');
    // Dots matter outside Gmail; the domain is read in its ASCII form.
    expect(key({ type: 'email', value: 'a.b@example.org' })).toBe('a.b@example.org');
    expect(key({ type: 'email', value: 'info@bücher.de' })).toBe('info@xn--bcher-kva.de');
    // A Cyrillic look-alike typed into an address is the Latin letter.
    expect(key({ type: 'email', value: 'аgent@exаmple.org' })).toBe('agent@example.org');
    expect(problem({ type: 'email', value: 'no-at-sign' }).message).toMatch(/name@domain/);
    expect(problem({ type: 'email', value: 'x@localhost' }).message).toMatch(/needs a dot/);
  });
  test('handles: links, @ and case dropped; phone-number platforms in E.164', () => {
    for (const raw of ['@Boat_Agent', 'https://t.me/Boat_Agent', 't.me/boat_agent', 'BOAT_AGENT']) expect(key({ type: 'handle', platform: 'telegram', value: raw })).toBe('telegram:boat_agent');
    expect(key({ type: 'handle', platform: 'WhatsApp', value: '0812 3456 7890' }, 'IDN')).toBe('whatsapp:+6281234567890');
    expect(key({ type: 'handle', platform: 'whatsapp', value: 'https://wa.me/6281234567890' })).toBe('whatsapp:+6281234567890');
    expect(key({ type: 'handle', platform: 'telegram', value: '+62 812 3456 7890' })).toBe('telegram:+6281234567890');
    expect(key({ type: 'handle', platform: 'facebook', value: 'https://www.facebook.com/John.Doe.5' })).toBe('facebook:johndoe5');
    expect(key({ type: 'handle', platform: 'facebook', value: 'johndoe5' })).toBe('facebook:johndoe5');
    expect(key({ type: 'handle', platform: 'line', value: 'https://line.me/ti/p/~Agent007' })).toBe('line:agent007');
    // The same name on two platforms is two accounts.
    expect(key({ type: 'handle', platform: 'instagram', value: 'boat_agent' })).not.toBe(key({ type: 'handle', platform: 'telegram', value: 'boat_agent' }));
    expect(problem({ type: 'handle', platform: 'myspace', value: 'x' })).toMatchObject({ field: 'platform' });
    expect(problem({ type: 'handle', platform: 'telegram', value: 'a b' }).message).toMatch(/Telegram username/);
  });
});

describe('vessels and vehicles', () => {
  test('an IMO number with its check digit, an MMSI, a name with its flag', () => {
    const keys = entityKeys({ type: 'vessel', imo: 'IMO 9074729', mmsi: '525 012 345', name: 'KM. Sinar  Bahari', flag: 'idn' });
    expect(keys).toEqual([{ kind: 'imo', key: '9074729' }, { kind: 'mmsi', key: '525012345' }, { kind: 'vessel-name', key: 'IDN:SINAR BAHARI' }]);
    expect(key({ type: 'vessel', name: 'Sinar Bahari', flag: 'IDN' })).toBe('IDN:SINAR BAHARI');
    expect(key({ type: 'vessel', name: 'M/V Ocean Star', flag: 'PAN' })).toBe(key({ type: 'vessel', name: 'OCEAN STAR', flag: 'PAN' }));
    expect(problem({ type: 'vessel', imo: '9074728' })).toEqual({ field: 'imo', message: 'IMO 9074728 fails its check digit (the last digit would be 9)' });
    expect(problem({ type: 'vessel', mmsi: '52501234' }).field).toBe('mmsi');
    expect(problem({ type: 'vessel', name: 'Sinar Bahari' })).toMatchObject({ field: 'flag' });
    expect(problem({ type: 'vessel' }).message).toMatch(/IMO number, its MMSI, or its name/);
  });
  test('a plate typed in Cyrillic look-alikes is the Latin plate; spaces and dashes do not count', () => {
    expect(key({ type: 'vehicle', plate: 'А 123 ВС', country: 'RUS' })).toBe('RUS:A123BC');
    expect(key({ type: 'vehicle', plate: 'a-123-bc', country: 'RUS' })).toBe('RUS:A123BC');
    expect(key({ type: 'vehicle', plate: 'B 1234 XYZ', country: '' }, 'IDN')).toBe('IDN:B1234XYZ');
    expect(key({ type: 'vehicle', plate: 'B 1234 XYZ', country: 'MYS' })).not.toBe(key({ type: 'vehicle', plate: 'B 1234 XYZ', country: 'IDN' }));
    expect(problem({ type: 'vehicle', plate: 'B 1234', country: 'XXX' }).field).toBe('country');
  });
});

describe('bank, mobile-money and crypto-asset accounts, check digits verified', () => {
  test('IBAN in its electronic form, ISO 13616 check digits', () => {
    expect(key({ type: 'iban', value: 'gb82 west 1234 5698 7654 32' })).toBe('GB82WEST12345698765432');
    expect(key({ type: 'iban', value: 'IBAN GB82-WEST-1234-5698-7654-32' })).toBe('GB82WEST12345698765432');
    expect(problem({ type: 'iban', value: 'GB82WEST12345698765433' }).message).toMatch(/fails its check digits/);
    expect(problem({ type: 'iban', value: 'GB82WEST123456987654' }).message).toMatch(/wrong length/);
  });
  test('a bank account by BIC (branch dropped) or bank name', () => {
    expect(key({ type: 'bank-account', bank: 'BKKBTHBK', number: '123-4-56789-0' })).toBe('BKKBTHBK:1234567890');
    expect(key({ type: 'bank-account', bank: 'bkkb th bk xxx', number: '1234567890' })).toBe('BKKBTHBK:1234567890');
    expect(key({ type: 'bank-account', bank: 'Bank Rakyat', number: '0123 4567 89' })).toBe('BANK RAKYAT:0123456789');
    expect(problem({ type: 'bank-account', bank: 'BKKBTHBK', number: '12' }).field).toBe('number');
  });
  test('mobile money: provider and the phone number it is held under', () => {
    expect(key({ type: 'mobile-money', provider: 'GCash', value: '0917 123 4567' }, 'PHL')).toBe('gcash:+639171234567');
    expect(key({ type: 'mobile-money', provider: 'M-Pesa', value: '+254 712 345678' })).toBe('m-pesa:+254712345678');
  });
  test('crypto addresses: Base58Check, bech32 and bech32m, EIP-55', () => {
    expect(key({ type: 'crypto', value: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' })).toBe('bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
    expect(key({ type: 'crypto', value: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4' })).toBe('bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    expect(key({ type: 'crypto', value: 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0' })).toMatch(/^bitcoin:bc1p/);
    expect(key({ type: 'crypto', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' })).toBe('ethereum:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
    expect(key({ type: 'crypto', value: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', network: 'ethereum' })).toBe('ethereum:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
    expect(key({ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' })).toBe('tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t');
    expect(key({ type: 'crypto', value: 'ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea' })).toMatch(/^litecoin:ltc1q/);
    // One changed character, or a wrong mixed case, fails the checksum.
    expect(problem({ type: 'crypto', value: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' }).message).toMatch(/valid checksum/);
    expect(problem({ type: 'crypto', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' }).message).toMatch(/valid checksum/);
    expect(problem({ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', network: 'tron' }).message).toMatch(/TRON address/);
    expect(problem({ type: 'crypto', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', network: 'dogecoin' }).field).toBe('network');
    expect(key({ type: 'crypto', value: ' DQx5f3kP ', network: 'other' })).toBe('other:DQx5f3kP');
  });
});

describe('travel documents are the register’s form', () => {
  test('issuer and number through the register’s normaliser', () => {
    expect(key({ type: 'travel-document', issuer: 'idn', number: 'b 123-4567' })).toBe('IDN:B1234567');
    expect(key({ type: 'travel-document', issuer: 'D<<', number: 'C01X00T47' })).toBe(key({ type: 'travel-document', issuer: 'DEU', number: 'c01x00t47' }));
    expect(problem({ type: 'travel-document', issuer: 'ZZZ', number: 'B1' }).field).toBe('issuer');
    expect(problem({ type: 'travel-document', issuer: 'IDN', number: 'B1*' })).toMatchObject({ field: 'number', message: expect.stringMatching(/letters A–Z and digits/) });
  });
});

describe('person names across scripts and word orders', () => {
  const same = (a: string, b: string): void => expect(normalisePerson(a).key).toBe(normalisePerson(b).key);
  const sounds = (a: string, b: string): void => expect(normalisePerson(a).skeleton).toBe(normalisePerson(b).skeleton);
  test('word order, case, diacritics, titles and connectors do not count', () => {
    same('Nguyễn Văn Thành', 'THANH Van Nguyen');
    same('Abdullah, Muhammad', 'Muhammad ABDULLAH');
    same('Mr. Ahmad bin Ismail', 'Ismail Ahmad');
    same('Ｊｏｈｎ　Ｓｍｉｔｈ', 'john smith');
  });
  test('Devanagari and Chinese scripts transliterate to the Latin spelling', () => {
    same('राम कुमार', 'Kumar Ram');
    same('张小明', 'Zhang Xiaoming');
    same('张小明', 'XIAOMING zhang');
  });
  test('Arabic, Cyrillic and Thai agree with their Latin spellings by sound', () => {
    sounds('محمد عبد الله', 'Mohammed Abdullah');
    sounds('Мухаммад Абдулла', 'Muhammad Abdullah');
    sounds('สมชาย ใจดี', 'Somchai Jaidee');
    sounds('Ахмед', 'Ahmed');
  });
  test('a Latin name with Cyrillic look-alike letters is the Latin name', () => {
    same('Ahmаd Ismаil', 'Ahmad Ismail');
  });
  test('different people stay different', () => {
    expect(normalisePerson('Ahmad Ismail').key).not.toBe(normalisePerson('Ahmad Ibrahim').key);
    expect(normalisePerson('Somchai Jaidee').skeleton).not.toBe(normalisePerson('Somsak Jaidee').skeleton);
  });
  test('the year of birth is kept, and checked', () => {
    expect(normalisePerson('Ahmad Ismail', 1988).birthYear).toBe(1988);
    expect(() => normalisePerson('Ahmad Ismail', 1850)).toThrow(/between 1900/);
    expect(() => normalisePerson('Mr.')).toThrow(/empty/);
  });
});
