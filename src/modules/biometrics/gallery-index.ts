/**
 * The galleries in memory: per member and template format, a vector index of its subjects' templates
 * (platform/vectors), with each subject's id and reference. Built from the database by the schema
 * owner on first use (a search or the module's start), kept in step by this process's commits and,
 * on PostgreSQL, by every other process's (a notification per changed subject, after its commit).
 * The database is the truth: a subject is re-read by its key whenever it changed.
 */
import type { Database } from '../../platform/db/database.js';
import { listen, type Listener } from '../../platform/db/listen.js';
import { sql } from '../../platform/db/sql.js';
import { VectorIndex, type VectorHit } from '../../platform/vectors/index.js';
import type { Platform } from '../../platform/context.js';
import { formatOf } from './formats.js';
import { biometricsSettings } from './settings.js';

export const NOTIFY_CHANNEL = 'lintas_biometrics';

interface SubjectEntry {
  id: string;
  reference: string;
  owner: string;
  format: string;
}

interface Gallery {
  index: VectorIndex;
  subjects: Map<bigint, SubjectEntry>;
}

interface SubjectRow extends SubjectEntry {
  key: string;
  template: Uint8Array;
}

/** A template as stored: little-endian float32. */
export function templateBytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes;
}

export function templateOf(bytes: Uint8Array): Float32Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(buffer.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = buffer.readFloatLE(i * 4);
  return vector;
}

export class GalleryIndex {
  private galleries = new Map<string, Gallery>();
  private where = new Map<bigint, string>();
  private starting: Promise<void> | undefined;
  private listener: Listener | undefined;
  /** Keys changed while the galleries were being read: read again once they are. */
  private early: Set<bigint> | undefined = new Set();
  private built = false;

  constructor(
    private readonly db: Database,
    private readonly options: { approximateFrom: number; listenUrl?: string | undefined },
  ) {}

  /**
   * Builds the galleries (once) and starts listening. Awaited outside any transaction (the module's
   * start, or the search route before its transaction): it reads the database in its own.
   */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  /** True once the galleries are read: a search needs it. */
  get ready(): boolean {
    return this.built;
  }

  private async begin(): Promise<void> {
    if (this.options.listenUrl) {
      this.listener = await listen(this.options.listenUrl, NOTIFY_CHANNEL, (payload) => void this.changed(payload), () => void this.refresh());
    }
    await this.refresh();
  }

  /** Reads every gallery again (at start, and after a lost connection may have missed notifications). */
  private async refresh(): Promise<void> {
    this.early ??= new Set();
    await this.rebuild();
    const early = this.early;
    this.early = undefined;
    for (const key of early) await this.reread(key);
    this.built = true;
  }

  private async rebuild(): Promise<void> {
    const rows = await this.db.ownerTransaction((tx) => tx.query<SubjectRow>(sql`SELECT key::text, id, reference, owner, format, template FROM biometric_subjects ORDER BY key`));
    for (const gallery of this.galleries.values()) gallery.index.close();
    this.galleries = new Map();
    this.where = new Map();
    for (const row of rows) this.place(BigInt(row.key), row, templateOf(row.template));
  }

  private galleryOf(owner: string, format: string): Gallery | undefined {
    const name = `${owner} ${format}`;
    let gallery = this.galleries.get(name);
    const spec = formatOf(format);
    if (!gallery && spec) {
      gallery = { index: new VectorIndex({ dimensions: spec.dimensions, approximateFrom: this.options.approximateFrom }), subjects: new Map() };
      this.galleries.set(name, gallery);
    }
    return gallery;
  }

  /** A subject written (in this process once committed, or read back after another's notification). */
  put(key: bigint, entry: SubjectEntry, vector: Float32Array): void {
    this.early?.add(key);
    this.place(key, entry, vector);
  }

  remove(key: bigint): void {
    this.early?.add(key);
    this.unplace(key);
  }

  private place(key: bigint, entry: SubjectEntry, vector: Float32Array): void {
    this.unplace(key);
    const gallery = this.galleryOf(entry.owner, entry.format);
    if (!gallery) return;
    gallery.index.add(key, vector);
    gallery.subjects.set(key, { id: entry.id, reference: entry.reference, owner: entry.owner, format: entry.format });
    this.where.set(key, `${entry.owner} ${entry.format}`);
  }

  private unplace(key: bigint): void {
    const name = this.where.get(key);
    if (name === undefined) return;
    const gallery = this.galleries.get(name);
    gallery?.index.remove(key);
    gallery?.subjects.delete(key);
    this.where.delete(key);
  }

  /** Another process changed a subject: read it again by its key (gone: out of the index). */
  private async changed(payload: string): Promise<void> {
    const match = /^(put|delete) (\d+)$/.exec(payload);
    if (!match) return;
    const key = BigInt(match[2] as string);
    if (this.early) this.early.add(key);
    else await this.reread(key);
  }

  private async reread(key: bigint): Promise<void> {
    const row = await this.db.ownerTransaction((tx) => tx.maybeOne<SubjectRow>(sql`SELECT key::text, id, reference, owner, format, template FROM biometric_subjects WHERE key = ${key.toString()}::bigint`));
    if (row) this.place(key, row, templateOf(row.template));
    else this.unplace(key);
  }

  /** The candidates of one gallery: at most `k` subjects at or above `min`, best first. */
  search(owner: string, format: string, probe: Float32Array, k: number, min: number): (VectorHit & SubjectEntry)[] {
    if (!this.ready) throw new Error('the galleries are searched once they are read (await start() before the transaction)');
    const gallery = this.galleries.get(`${owner} ${format}`);
    if (!gallery) return [];
    return gallery.index.search(probe, k, min).flatMap((hit) => {
      const subject = gallery.subjects.get(hit.key);
      return subject ? [{ ...hit, ...subject }] : [];
    });
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
    for (const gallery of this.galleries.values()) gallery.index.close();
    this.galleries.clear();
  }
}

const indexes = new WeakMap<Database, GalleryIndex>();

/** The galleries of a database in this process (every app on the same database shares them). */
export function galleryIndexOf(platform: Platform): GalleryIndex {
  let index = indexes.get(platform.db);
  if (!index) {
    index = new GalleryIndex(platform.db, {
      approximateFrom: biometricsSettings.of(platform.config).approximateFrom,
      listenUrl: platform.db.kind === 'postgres' ? platform.config.databaseUrl : undefined,
    });
    indexes.set(platform.db, index);
  }
  return index;
}

/** For a search's `perform`: the galleries read (once) before its transaction begins, in their own. */
export function galleriesRead(request: { server: { platform: Platform } }): () => Promise<void> {
  return () => galleryIndexOf(request.server.platform).start();
}

export async function closeGalleryIndex(db: Database): Promise<void> {
  const index = indexes.get(db);
  indexes.delete(db);
  await index?.close();
}
