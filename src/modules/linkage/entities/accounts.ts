import { electronicFormatIBAN, isValidBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { EntityError } from '../../../platform/entities.js';
import { normalisePhone } from './phone.js';
import { compactCode, plainWords } from './text.js';

const IBAN_PROBLEMS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'does not begin with a country that uses IBANs',
  [ValidationErrorsIBAN.WrongBBANLength]: 'has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'does not have its country’s shape',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'has letters where its check digits go',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'fails its check digits (ISO 13616 modulo 97)',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: 'fails its national account check digits',
};

/** An IBAN in its electronic form (`GB82WEST12345698765432`), its length, shape and check digits verified. */
export function normaliseIban(raw: string): string {
  const iban = electronicFormatIBAN(compactCode(raw).replace(/^IBAN/, '')) ?? '';
  const result = validateIBAN(iban);
  if (!result.valid) {
    const problem = result.errorCodes.map((code) => IBAN_PROBLEMS[code]).find(Boolean) ?? 'is not an IBAN';
    throw new EntityError(`${iban || raw.trim()} ${problem}`);
  }
  return iban;
}

/**
 * A bank account outside the IBAN countries as bank and number (`BKKBTHBK:1234567890`): the bank by
 * its BIC's institution, country and location (the branch dropped: an account number is unique in
 * the bank), or by its name in capitals when no BIC is known; the number as letters and digits only.
 */
export function normaliseBankAccount(bank: string, number: string): string {
  const code = compactCode(bank);
  const institution = isValidBIC(code) ? code.slice(0, 8) : plainWords(bank);
  if (institution === '') throw new EntityError('give the bank, by its BIC (SWIFT code) or its name', 'bank');
  const account = compactCode(number);
  if (account.length < 4 || account.length > 34) throw new EntityError('an account number has 4–34 letters and digits', 'number');
  return `${institution}:${account}`;
}

/**
 * A mobile-money account (GCash, M-Pesa, TrueMoney, DANA, bKash, …) as provider and the phone number
 * it is held under, in E.164: `gcash:+639171234567`.
 */
export function normaliseMobileMoney(provider: string, account: string, country?: string): string {
  const name = plainWords(provider).toLowerCase().replace(/ /g, '-');
  if (name === '') throw new EntityError('give the mobile-money provider, such as GCash or M-Pesa', 'provider');
  return `${name}:${normalisePhone(account, country)}`;
}
