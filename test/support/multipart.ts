import type { InjectOptions } from 'fastify';

/** A multipart/form-data request body from named parts (a part with a filename is a file). */
export function multipart(parts: { name: string; value: string | Buffer; filename?: string; type?: string }[]): Pick<InjectOptions, 'payload' | 'headers'> {
  const boundary = 'lintas-test-boundary-93af';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
