import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { grantActions, type Grant } from './auth/roles.js';
import type { Config } from './config.js';
import type { Ctx, Platform } from './context.js';
import type { Database } from './db/database.js';
import { offerEntityNormalisers, type EntityNormaliser } from './entities.js';
import { declareEntitySources, registerEntityConsumer, type EntityConsumer, type EntitySource } from './entity-sources.js';
import { MIGRATIONS_DIR, readMigrations, type Migration } from './db/migrate.js';
import type { App } from './http/app.js';
import type { Settings } from './settings.js';
import { declareReadableObjects, type ReadableCheck } from './notify/audience.js';
import type { SealedColumn } from './crypto/rotation.js';

/**
 * The module contract: everything the rest of the system needs to know of a module, declared by the
 * one value its `index.ts` exports. `src/modules/index.ts` lists the modules; the app, the server
 * and the command line loop over that list and import nothing else of a module.
 */
export interface LintasModule<A extends string = string> {
  /** The module's folder name, e.g. `reports`. */
  readonly name: string;
  /** Its actions and the roles that grant them (a route declares one; `authorize` checks it). */
  readonly actions: Readonly<Record<A, Grant>>;
  /** Its settings (environment variables), validated at start. */
  readonly settings?: Settings;
  /** The folder of its SQL migrations (`0005_name.sql`); versions are one order across all modules. */
  readonly migrations?: string;
  /** Registers its routes under /api/v1. */
  routes?(api: App, platform: Platform): void;
  /** After migrations, before anything is served (tests run it too): bring the database in line with the settings. */
  prepare?(platform: Platform): Promise<void>;
  /** Starts its background jobs and in-memory indexes; `stop` ends them before the database closes. */
  start?(host: ModuleHost): Promise<Running> | Running;
  /** Loads its demo data into a new installation (after the directory's members, groups and users). Running it again adds only what is missing. */
  demo?(db: Database, config: Config): Promise<void>;
  /** Its command-line commands (`lintas <name> …`). */
  readonly commands?: readonly Command[];
  /** The audit actions its rows carry (typed through `ModuleAuditActions`, platform/audit/writer.ts). */
  readonly auditActions: readonly string[];
  /** The kinds of inbox notification it sends (typed through `ModuleNotificationKinds`, platform/notify/inbox.ts). */
  readonly notificationKinds?: readonly string[];
  /**
   * What users may subscribe to in this module: the values a subscription's `kinds` are matched
   * against when it tells subscribers (`notify`, platform/notify/tell.ts). A module
   * declaring them is offered on the subscriptions page (`GET /notifications/topics`).
   */
  readonly subscriptionKinds?: readonly string[];
  /**
   * How to tell whether a member may still read an object of each type its notifications are about
   * (keyed by the notification's object type): the outbox asks when an e-mail or webhook about it
   * leaves, and withholds it when the answer is no (platform/notify/audience.ts). A message about a
   * type no module declares is never sent.
   */
  readonly readableObjects?: Readonly<Record<string, ReadableCheck>>;
  /** Its columns of values sealed with the data keys (platform/crypto/envelope.ts), sealed again by `lintas keys rotate --reencrypt`. */
  readonly sealedColumns?: readonly SealedColumn[];
  /** Its record types that hold entities and which fields hold which entity type (platform/entity-sources.ts). */
  readonly entitySources?: readonly EntitySource[];
  /** What it does with the entities other modules offer (linkage): one consumer per module. */
  readonly entityConsumer?: EntityConsumer;
  /** Normalisers of entity types whose one form this module owns, keyed by entity type (platform/entities.ts). */
  readonly entityNormalisers?: Readonly<Record<string, EntityNormaliser>>;
  /**
   * What waits for the signed-in user's action in this module (the home page and the navigation's
   * badges, `GET /home`): only what the user's roles may act on, only the user's own member's records
   * or the user's own notifications, each count exactly what its `link` lists.
   */
  attention?(ctx: Ctx): Promise<readonly Attention[]>;
}

/** A count of things waiting for the user, with the page that lists exactly them. */
export interface Attention {
  /** Stable within the module, e.g. `to-approve`. */
  key: string;
  /** What is counted, e.g. "Reports to approve". */
  label: string;
  count: number;
  /** The web app's path of the list that shows exactly these, e.g. `/reports?toApprove=true`. */
  link: string;
}

/** What a module's `start` gets from the server. */
export interface ModuleHost {
  platform: Platform;
  log: FastifyBaseLogger;
  /** Wakes the outbox worker after the module queued mail outside a request. */
  kickOutbox: () => void;
}

export interface Running {
  stop(): Promise<void>;
}

/** A command-line command: `lintas <name> <args>`. */
export interface Command {
  readonly name: string;
  /** Lines for `lintas help`, each `  lintas <name> …   what it does`. */
  readonly help: string;
  run(args: string[], tools: CommandTools): Promise<number>;
}

export interface CommandTools {
  config: Config;
  /** Opens the database, applies the migrations, runs `work`, closes it. */
  withDatabase: <T>(work: (db: Database) => Promise<T>) => Promise<T>;
}

/** A command used wrongly: the command line prints the message and the help, and exits 2. */
export class UsageError extends Error {}

/** Declares a module and registers its actions; each module's index.ts exports the result. */
export function defineModule<const A extends string>(module: LintasModule<A>): LintasModule<A> {
  if (!/^[a-z][a-z0-9-]*$/.test(module.name)) throw new Error(`module name ${module.name} must be lower-case letters, digits and hyphens`);
  grantActions(module.name, module.actions);
  if (module.entityNormalisers) offerEntityNormalisers(module.name, module.entityNormalisers);
  if (module.entitySources) declareEntitySources(module.name, module.entitySources);
  if (module.entityConsumer) registerEntityConsumer(module.name, module.entityConsumer);
  if (module.readableObjects) declareReadableObjects(module.name, module.readableObjects);
  return module;
}

/** The folder of a module's migrations, from its index.ts's `import.meta.url`. */
export function migrationsFolder(moduleUrl: string): string {
  return fileURLToPath(new URL('./migrations/', moduleUrl));
}

/** The platform's migrations and every module's, in one order; two files with one version are an error. */
export function migrationsOf(modules: readonly LintasModule[]): Migration[] {
  const all = [MIGRATIONS_DIR, ...modules.flatMap((module) => (module.migrations ? [module.migrations] : []))].flatMap((dir) => readMigrations(dir));
  all.sort((a, b) => a.version - b.version);
  for (let i = 1; i < all.length; i++) {
    const [before, after] = [all[i - 1] as Migration, all[i] as Migration];
    if (before.version === after.version) throw new Error(`migrations ${before.name} and ${after.name} have the same version`);
  }
  return all;
}

/** Reads every module's settings once, so a bad value stops the start with the variable's name. */
export function readAllSettings(modules: readonly LintasModule[], config: Config): void {
  for (const module of modules) module.settings?.of(config);
}
