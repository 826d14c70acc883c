import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/**
 * The backup's envelope: age (age-encryption.org/v1) to X25519 recipients. The host that makes
 * backups holds only the public recipient (`age1…`); the operator keeps the identity
 * (`AGE-SECRET-KEY-1…`) offline, and the standard `age` tool decrypts a backup as well as
 * `lintas restore` does. age authenticates every 64 KiB chunk and the end of the stream, so a
 * changed byte, a cut file or another identity fails to decrypt.
 */

export class BackupRefused extends Error {}

/** age, loaded when a backup is made, checked or restored: not at every start of the server or the CLI. */
const age = () => import('age-encryption');

/** Checks recipients (`age1…`): an unusable one is refused before anything is read or written. */
export async function checkRecipients(recipients: readonly string[]): Promise<string[]> {
  if (recipients.length === 0) throw new BackupRefused('no recipient: give --recipient age1… (or LINTAS_BACKUP_RECIPIENT); make a pair with `lintas backup keygen --out FILE`');
  const { Encrypter } = await age();
  const encrypter = new Encrypter();
  for (const recipient of recipients) {
    if (!/^age1[0-9a-z]+$/.test(recipient)) throw new BackupRefused(`not an age recipient: "${recipient}" (it starts with age1)`);
    try {
      encrypter.addRecipient(recipient);
    } catch (error) {
      throw new BackupRefused(`not an age recipient: "${recipient}" (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return [...recipients];
}

/** The recipients in an age recipients file: one `age1…` a line, `#` comments and blank lines skipped. */
export function parseRecipients(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The identities in an age identity file (as `age-keygen` and `lintas backup keygen` write it). */
export function parseIdentities(text: string): string[] {
  const identities = parseRecipients(text);
  if (identities.length === 0 || !identities.every((line) => /^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(line))) {
    throw new BackupRefused('the identity file holds no age identity (a line AGE-SECRET-KEY-1…)');
  }
  return identities;
}

/** A new X25519 identity file's text (age-keygen's format) and its recipient. */
export async function newIdentity(now = new Date()): Promise<{ identityFile: string; recipient: string }> {
  const { generateX25519Identity, identityToRecipient } = await age();
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  return { identityFile: `# created: ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n# public key: ${recipient}\n${identity}\n`, recipient };
}

/** Encrypts `plain` to the recipients into `path` (written whole, or the call fails). */
export async function encryptTo(path: string, recipients: readonly string[], plain: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
  const { Encrypter } = await age();
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  const source = Readable.toWeb(Readable.from(plain, { objectMode: false })) as unknown as ReadableStream<Uint8Array>;
  const sealed = await encrypter.encrypt(source);
  await pipeline(Readable.fromWeb(sealed as unknown as NodeReadableStream<Uint8Array>), createWriteStream(path, { mode: 0o600 }));
}

/**
 * Decrypts the age file at `from` into `to`. Wrong identities are refused before anything is
 * written; a changed or cut file fails while it is read (what was written by then must be thrown away).
 */
export async function decryptTo(from: string, to: string, identities: readonly string[]): Promise<void> {
  const { Decrypter } = await age();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await decrypter.decrypt(Readable.toWeb(createReadStream(from)) as unknown as ReadableStream<Uint8Array>);
  } catch (error) {
    throw new BackupRefused(describeAgeError(error, 'header'));
  }
  try {
    await pipeline(Readable.fromWeb(plain as unknown as NodeReadableStream<Uint8Array>), createWriteStream(to, { mode: 0o600 }));
  } catch (error) {
    throw new BackupRefused(describeAgeError(error, 'body'));
  }
}

function describeAgeError(error: unknown, where: 'header' | 'body'): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/no identity matched/.test(message)) return 'the backup was not made for this identity (no identity matched its recipients)';
  if (where === 'header') return `the backup's envelope is damaged or it is not an age file (${message})`;
  return `the backup is damaged or cut short: it does not decrypt whole (${message})`;
}
