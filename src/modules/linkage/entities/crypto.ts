import { bech32, bech32m } from 'bech32';
import bs58check from 'bs58check';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import { EntityError } from '../../../platform/entities.js';
import { NETWORKS } from '../codes.js';

export { NETWORKS };
export type Network = (typeof NETWORKS)[number];

/** Base58Check payload's version byte and length, or undefined when the checksum fails. */
function base58(address: string): Uint8Array | undefined {
  try {
    return bs58check.decode(address);
  } catch {
    return undefined;
  }
}

/** A SegWit address (BIP 173 bech32 for version 0, BIP 350 bech32m after) with its human-readable part. */
function segwit(address: string, prefix: string): string | undefined {
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase()) return undefined;
  if (!lower.startsWith(`${prefix}1`)) return undefined;
  for (const coding of [bech32, bech32m]) {
    try {
      const decoded = coding.decode(lower, 90);
      const version = decoded.words[0];
      if (decoded.prefix !== prefix || version === undefined || version > 16) continue;
      if ((version === 0) !== (coding === bech32)) continue;
      return lower;
    } catch {
      // try the other coding
    }
  }
  return undefined;
}

/** EIP-55: a mixed-case address must carry the checksum its keccak-256 hash gives; one case carries none. */
function ethereum(address: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return undefined;
  const body = address.slice(2);
  const lower = body.toLowerCase();
  if (body !== lower && body !== body.toUpperCase()) {
    const hash = bytesToHex(keccak_256(new TextEncoder().encode(lower)));
    for (let index = 0; index < 40; index++) {
      const letter = lower[index] as string;
      if (/[a-f]/.test(letter) && (Number.parseInt(hash[index] as string, 16) >= 8) !== (body[index] !== letter)) return undefined;
    }
  }
  return `0x${lower}`;
}

/** What each network's addresses are, to say so when one is not. */
const SHAPES: Record<Exclude<Network, 'other'>, string> = {
  bitcoin: 'a Bitcoin address begins with 1 or 3 (Base58Check) or bc1 (bech32) and its checksum holds',
  litecoin: 'a Litecoin address begins with L, M or 3 (Base58Check) or ltc1 (bech32) and its checksum holds',
  ethereum: 'an Ethereum (or other EVM chain) address is 0x and 40 hexadecimal digits, with its EIP-55 checksum when in mixed case',
  tron: 'a TRON address begins with T, has 34 characters and its Base58Check checksum holds',
};

function onNetwork(network: Exclude<Network, 'other'>, address: string): string | undefined {
  switch (network) {
    case 'bitcoin': {
      const payload = base58(address);
      if (payload?.length === 21 && (payload[0] === 0x00 || payload[0] === 0x05)) return address;
      return segwit(address, 'bc');
    }
    case 'litecoin': {
      const payload = base58(address);
      if (payload?.length === 21 && (payload[0] === 0x30 || payload[0] === 0x32 || payload[0] === 0x05)) return address;
      return segwit(address, 'ltc');
    }
    case 'ethereum':
      return ethereum(address);
    case 'tron': {
      const payload = base58(address);
      return payload?.length === 21 && payload[0] === 0x41 ? address : undefined;
    }
  }
}

/**
 * A crypto-asset address as network and address (`tron:TJ…`), its checksum verified where the format
 * has one. Ethereum addresses (and those of the EVM chains sharing their form) fold to lower case;
 * Base58 addresses keep their case, which is part of them. Without a network the address's form
 * decides; `other` networks keep the address as written, trimmed.
 */
export function normaliseCrypto(raw: string, network?: string): string {
  const address = raw.trim().replace(/^(?:bitcoin|ethereum|litecoin|tron):/i, '');
  if (address === '' || /\s/.test(address)) throw new EntityError('an address is one word with no spaces');
  const named = (network ?? '').trim().toLowerCase();
  if (named && !NETWORKS.includes(named as Network)) throw new EntityError(`the network is one of ${NETWORKS.join(', ')}`, 'network');
  if (named === 'other') return `other:${address}`;
  if (named) {
    const found = onNetwork(named as Exclude<Network, 'other'>, address);
    if (!found) throw new EntityError(SHAPES[named as Exclude<Network, 'other'>]);
    return `${named}:${found}`;
  }
  for (const candidate of ['ethereum', 'tron', 'bitcoin', 'litecoin'] as const) {
    const found = onNetwork(candidate, address);
    if (found) return `${candidate}:${found}`;
  }
  throw new EntityError('the address is not a Bitcoin, Litecoin, Ethereum or TRON address with a valid checksum; name its network, or choose "other"');
}
