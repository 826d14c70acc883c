// The image's health check (Dockerfile HEALTHCHECK): exits 0 when the Lintas process in this
// container answers /healthz with 200, 1 otherwise (no answer within 4 s, a refused connection,
// another status). Over HTTPS when the process serves HTTPS (LINTAS_TLS_CERT set). Its certificate
// is for the name the proxy checks, not for 127.0.0.1, and this asks the process beside it on the
// container's loopback, so the certificate is not checked here.
'use strict';
const secure = Boolean(process.env.LINTAS_TLS_CERT);
const client = require(secure ? 'node:https' : 'node:http');
const request = client.get(
  { host: '127.0.0.1', port: Number(process.env.PORT || 8080), path: '/healthz', timeout: 4000, ...(secure ? { rejectUnauthorized: false } : {}) },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
request.on('error', () => process.exit(1));
