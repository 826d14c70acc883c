/**
 * A member's own gallery: enrol, read, list and remove its subjects. Only the owner does any of it
 * (row-level security on biometric_subjects and the queries' own condition); biographic fields and
 * images are sealed with the member's data keys (platform/crypto/envelope.ts), which the database
 * keeps only wrapped by a key it does not hold.
 */
import type { Ctx } from '../../platform/context.js';
import { envelopeOf } from '../../platform/crypto/envelope.js';
import { sql } from '../../platform/db/sql.js';
import { notFound, Problem } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { galleryIndexOf, templateBytes } from './gallery-index.js';
import type { Biographic, SubjectCreate, SubjectsQuery } from './schemas.js';
import { biometricsSettings } from './settings.js';
import { readTemplate } from './templates.js';

const OBJECT = 'biometric-subject';
export const SEAL_BIOGRAPHIC = 'biometrics biographic';
export const SEAL_IMAGE = 'biometrics image';

interface SubjectRow {
  id: string;
  key: string;
  reference: string;
  modality: string;
  format: string;
  biographic: Uint8Array;
  has_image: boolean;
  enrolled_at: Date;
  retain_until: string;
}

const columns = sql`s.id, s.key::text, s.reference, s.modality, s.format, s.biographic, s.image IS NOT NULL AS has_image, s.enrolled_at,
  to_char(s.retain_until, 'YYYY-MM-DD') AS retain_until`;

async function present(ctx: Ctx, row: SubjectRow) {
  return {
    id: row.id,
    reference: row.reference,
    modality: row.modality,
    format: row.format,
    biographic: (await envelopeOf(ctx.platform).openJson(ctx.tx, SEAL_BIOGRAPHIC, row.biographic)) as Biographic,
    hasImage: row.has_image,
    enrolledAt: row.enrolled_at.toISOString(),
    retainUntil: row.retain_until,
  };
}

/** Enrols a subject; `at` is where the subject's fields are in the request (a multipart form's `/metadata`). */
export async function enrol(ctx: Ctx, input: SubjectCreate, image?: { bytes: Uint8Array; type: string }, at = '') {
  const id = await insertSubject(ctx, input, image);
  if (!id) {
    const detail = `Your gallery has a subject with the reference ${input.reference} already.`;
    throw new Problem(409, 'Conflict', detail, [{ pointer: `${at}/reference`, detail: 'is the reference of another subject of your gallery' }]);
  }
  return getSubject(ctx, id, false);
}

/**
 * Writes a subject of the actor's member's gallery and its audit row, and puts it in the gallery in
 * memory once committed; its id, or null when the gallery has its reference already (nothing written).
 * `details` go into the audit row (a bulk enrolment names its run).
 */
export async function insertSubject(ctx: Ctx, input: SubjectCreate, image?: { bytes: Uint8Array; type: string }, details: Record<string, string> = {}): Promise<string | null> {
  const { format, vector } = readTemplate(input.template, '/template');
  const envelope = envelopeOf(ctx.platform);
  const biographic: Biographic = input.biographic ?? {};
  const sealedBiographic = await envelope.sealJson(ctx.tx, SEAL_BIOGRAPHIC, ctx.actor.member, biographic);
  const sealedImage = image ? await envelope.seal(ctx.tx, SEAL_IMAGE, ctx.actor.member, image.bytes) : null;
  const retainDays = biometricsSettings.of(ctx.platform.config).retentionDays;
  const row = await ctx.tx.maybeOne<{ id: string; key: string }>(sql`INSERT INTO biometric_subjects (owner, reference, modality, format, template, biographic, image, image_type, enrolled_by, retain_until)
    VALUES (${ctx.actor.member}, ${input.reference}, ${format.modality}, ${format.id}, ${templateBytes(vector)}, ${sealedBiographic},
      ${sealedImage}, ${image?.type ?? null}, ${ctx.actor.userId},
      coalesce(${input.retainUntil ?? null}::date, (now() AT TIME ZONE 'UTC')::date + ${retainDays}::int))
    ON CONFLICT (owner, reference) DO NOTHING RETURNING id, key::text`);
  if (!row) return null;
  await ctx.audit({ action: 'biometrics.enrol', objectType: OBJECT, objectId: row.id, details: { format: format.id, ...details } });
  const entry = { id: row.id, reference: input.reference, owner: ctx.actor.member, format: format.id };
  ctx.afterCommit(() => galleryIndexOf(ctx.platform).put(BigInt(row.key), entry, vector));
  return row.id;
}

export async function getSubject(ctx: Ctx, id: string, audited = true) {
  const row = await ctx.tx.maybeOne<SubjectRow>(sql`SELECT ${columns} FROM biometric_subjects s WHERE s.id = ${id} AND s.owner = ${ctx.actor.member}`);
  if (!row) throw notFound();
  if (audited) await ctx.audit({ action: 'biometrics.subject-read', objectType: OBJECT, objectId: id });
  return { data: await present(ctx, row) };
}

export async function listSubjects(ctx: Ctx, query: SubjectsQuery) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['uuid']);
  const rows = await ctx.tx.query<SubjectRow>(sql`SELECT ${columns} FROM biometric_subjects s WHERE s.owner = ${ctx.actor.member}
    ${after ? sql`AND s.id < ${after[0]}::uuid` : sql``} ORDER BY s.id DESC LIMIT ${limit + 1}`);
  const page = pageOf(rows, limit, (row) => [row.id]);
  await ctx.audit({ action: 'biometrics.subject-list', objectType: OBJECT, details: { subjects: page.rows.length } });
  return {
    data: page.rows.map((row) => ({ id: row.id, reference: row.reference, format: row.format, enrolledAt: row.enrolled_at.toISOString(), retainUntil: row.retain_until })),
    next: page.next,
  };
}

export async function removeSubject(ctx: Ctx, id: string) {
  const row = await ctx.tx.maybeOne<{ key: string }>(sql`DELETE FROM biometric_subjects s WHERE s.id = ${id} AND s.owner = ${ctx.actor.member} RETURNING s.key::text`);
  if (!row) throw notFound();
  await ctx.audit({ action: 'biometrics.subject-delete', objectType: OBJECT, objectId: id });
  ctx.afterCommit(() => galleryIndexOf(ctx.platform).remove(BigInt(row.key)));
}

/** The image kept with a subject of the member's own gallery (JPEG), for its enrolment page and step two. */
export async function subjectImage(ctx: Ctx, id: string): Promise<{ type: string; content: Buffer }> {
  const row = await ctx.tx.maybeOne<{ image: Uint8Array | null; image_type: string | null }>(
    sql`SELECT s.image, s.image_type FROM biometric_subjects s WHERE s.id = ${id} AND s.owner = ${ctx.actor.member}`,
  );
  if (!row?.image) throw notFound();
  await ctx.audit({ action: 'biometrics.subject-image', objectType: OBJECT, objectId: id });
  return { type: row.image_type ?? 'application/octet-stream', content: await envelopeOf(ctx.platform).open(ctx.tx, SEAL_IMAGE, row.image) };
}
