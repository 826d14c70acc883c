// Writes the API document generated from the route schemas to docs/openapi.json; CI fails when the
// checked-in copy drifts (test/openapi.test.ts).
import { writeFileSync } from 'node:fs';
import { build } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { smtpMailer } from '../src/platform/notify/mailer.js';

const config = loadConfig({} as NodeJS.ProcessEnv);
const db = await PgliteDatabase.open(undefined);
const app = await build({ platform: { db, config, mailer: smtpMailer(config) }, logger: false, webRoot: '/nonexistent' });
await app.ready();
writeFileSync('docs/openapi.json', JSON.stringify(app.swagger(), null, 2) + '\n');
await app.close();
await db.close();
console.log('docs/openapi.json written');
