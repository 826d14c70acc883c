import type { Config } from '../config.js';
import type { Database, DatabaseOptions } from './database.js';
import { PgliteDatabase } from './pglite.js';
import { PostgresDatabase } from './postgres.js';

/** The one way to open the database: a PostgreSQL server when DATABASE_URL is set (requests on DATABASE_APP_URL's serving login when that is too), PGlite otherwise. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'pgliteSharedBuffersMb' | 'databaseAppUrl'>>, options: DatabaseOptions = {}): Promise<Database> {
  const buffers = config.pgliteSharedBuffersMb;
  return config.databaseUrl
    ? PostgresDatabase.open(config.databaseUrl, { ...options, ...(config.databaseAppUrl ? { appUrl: config.databaseAppUrl } : {}) })
    : PgliteDatabase.open(config.dataDir, { ...(buffers ? { sharedBuffers: `${buffers}MB` } : {}), ...options });
}
