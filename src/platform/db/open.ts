import type { Config } from '../config.js';
import type { Database, DatabaseOptions } from './database.js';
import { PgliteDatabase } from './pglite.js';
import { PostgresDatabase } from './postgres.js';

/** The one way to open the database: a PostgreSQL server when DATABASE_URL is set, PGlite otherwise. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'pgliteSharedBuffersMb'>>, options: DatabaseOptions = {}): Promise<Database> {
  const buffers = config.pgliteSharedBuffersMb;
  return config.databaseUrl
    ? PostgresDatabase.open(config.databaseUrl, options)
    : PgliteDatabase.open(config.dataDir, { ...(buffers ? { sharedBuffers: `${buffers}MB` } : {}), ...options });
}
