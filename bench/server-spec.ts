/** What bench/run.ts passes to its server child (bench/server.ts) in BENCH_SERVER, as JSON. */
export interface ServerSpec {
  kind: 'pglite' | 'postgres';
  /** A PostgreSQL URL or a PGlite data folder. */
  location: string;
  rowLevelSecurity: boolean;
  poolSize: number;
}

/** What the child sends back once it listens. */
export interface ServerReady {
  port: number;
}

/** The bare route returning a constant: the ceiling of the app and the load generator on this machine. */
export const CONSTANT_ROUTE = '/bench/constant';

/**
 * The floor of a library page (--floors): signed in by the session cookie and audited as a page of 50
 * documents of others is (one row naming them, through the group commit), without reading the library.
 */
export const AUDITED_PAGE_ROUTE = '/api/v1/bench/audited-page';

/** Messages the parent sends the server child. */
export type ServerCommand = { kind: 'stop' } | { kind: 'profile-start' } | { kind: 'profile-stop'; path: string };

/** The child's answer to a profile command. */
export interface ServerAnswer {
  kind: 'profile-started' | 'profile-written';
}
