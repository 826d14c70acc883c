import type { FastifyServerOptions } from 'fastify';

/**
 * Which `X-Forwarded-For` entries to believe (Fastify's `trustProxy`), from LINTAS_TRUST_PROXY.
 * `true` means one reverse proxy in front: the client address is the entry that proxy added (the
 * last), so an `X-Forwarded-For` a client makes up and sends through the proxy names nothing (ASVS
 * 14.5.4). A number is that many proxies in a row (given as a function: Fastify refuses a bare hop
 * count); a list of addresses or CIDR ranges trusts exactly those hops. Unset or `false`: the header
 * is ignored and the peer's address is the client's. With `true` or a number the server must be
 * reachable only through its proxies, as the deployment recipe has it; a list needs no such care.
 */
export function trustedProxies(value: string | undefined): FastifyServerOptions['trustProxy'] {
  const setting = value?.trim() ?? '';
  if (setting === '' || setting === 'false') return false;
  const hops = setting === 'true' ? 1 : /^\d+$/.test(setting) ? Number(setting) : undefined;
  if (hops === undefined) return setting;
  return (_address: string, hop: number) => hop < hops;
}
