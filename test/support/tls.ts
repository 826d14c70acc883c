/**
 * A PostgreSQL server that speaks TLS, for tests on a machine whose server does not: a proxy that
 * answers a client's SSLRequest as PostgreSQL does ('S', then a TLS handshake with the given
 * certificate) and carries the decrypted protocol to a plain server. A client that does not ask for
 * TLS is refused, as a server whose pg_hba.conf has only `hostssl` lines refuses it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const SSL_REQUEST = 80877103;
/** libpq asks for GSSAPI encryption first when it was built with it; the answer 'N' makes it ask for TLS next. */
const GSSENC_REQUEST = 80877104;

export interface TlsProxy {
  port: number;
  /** Handshakes completed, and clients refused for not asking for TLS. */
  counts: { tls: number; plain: number };
  close(): Promise<void>;
}

export async function startPgTlsProxy(upstream: { host: string; port: number }, certificate: { cert: string; key: string }): Promise<TlsProxy> {
  const counts = { tls: 0, plain: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const onRequest = (first: Buffer): void => {
      if (first.length === 8 && first.readInt32BE(0) === 8 && first.readInt32BE(4) === GSSENC_REQUEST) {
        socket.write('N');
        socket.once('data', onRequest);
        return;
      }
      if (first.length !== 8 || first.readInt32BE(0) !== 8 || first.readInt32BE(4) !== SSL_REQUEST) {
        counts.plain++;
        socket.destroy();
        return;
      }
      socket.write('S');
      const secure = new tls.TLSSocket(socket, { isServer: true, cert: certificate.cert, key: certificate.key });
      const database = net.connect(upstream.port, upstream.host);
      sockets.add(database);
      // Decrypted bytes flow only once the handshake is done: the first is a completed handshake.
      secure.once('data', () => counts.tls++);
      secure.on('error', () => database.destroy());
      secure.on('close', () => database.destroy());
      database.on('error', () => secure.destroy());
      database.on('close', () => {
        sockets.delete(database);
        secure.destroy();
      });
      secure.pipe(database).pipe(secure);
    };
    socket.once('data', onRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Certificates made by deploy/make-certs.sh in a temporary folder: the authority's and one per name. */
export function makeCertificates(names: string[]): { folder: string; ca: string; caFile: string; of(name: string): { cert: string; key: string }; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-certs-'));
  execFileSync('sh', [fileURLToPath(new URL('../../deploy/make-certs.sh', import.meta.url)), folder, ...names], { stdio: 'pipe' });
  return {
    folder,
    ca: readFileSync(join(folder, 'internal-ca.crt'), 'utf8'),
    caFile: join(folder, 'internal-ca.crt'),
    of: (name) => ({ cert: readFileSync(join(folder, `${name}.crt`), 'utf8'), key: readFileSync(join(folder, `${name}.key`), 'utf8') }),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
