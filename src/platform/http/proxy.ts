import type { FastifyServerOptions } from 'fastify';

/**
 * Which `X-Forwarded-For` entries to believe (Fastify's `trustProxy`), from LINTAS_TRUST_PROXY.
 * `true` means one reverse proxy in front: the client address is the entry that proxy added (the
 * last), so an `X-Forwarded-For` a client makes up and sends through the proxy names nothing (ASVS
 * 14.5.4). A number is that many proxies in a row; a list of addresses or CIDR ranges trusts exactly
 * those hops. Unset or `false`: the header is ignored and the peer's address is the client's.
 */
export function trustedProxies(value: string | undefined): FastifyServerOptions['trustProxy'] {
  const setting = value?.trim() ?? '';
  if (setting === '' || setting === 'false') return false;
  if (setting === 'true') return 1;
  if (/^\d+$/.test(setting)) return Number(setting);
  return setting;
}
