import type { FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../platform/audit/writer.js';
import { authorize } from '../../platform/auth/authorize.js';
import { invalid, type FieldError } from '../../platform/errors.js';
import { perform } from '../../platform/http/pipeline.js';
import { isIcaoIssuer, issuerName, normaliseIssuer, type DocumentType } from './icao.js';
import { parseMrz, type MrzError } from './mrz.js';
import { documentKey, normaliseDocumentNumber } from './number.js';
import { tellIssuers } from './hits.js';
import { offerHitEntities } from './hit-entities.js';
import { lockHitsFor, openHitsFor, type FoundDocument, type HitDocument } from './queries.js';
import { registerOf } from './register.js';
import type { BatchCheckBody, CheckAnswer, CheckBody, DocumentRef } from './schemas.js';

/**
 * The online check. A document's key is looked up in the process's index (register.ts), which knows
 * each document's audience: a key it does not hold, or whose document the actor may not see, is
 * "no hit" with no database read, so the two cannot be told apart, even by the time the answer
 * takes; a positive is confirmed in the database under the sharing rule, so a member outside the
 * document's audience gets exactly "no hit", and a cancelled document stops hitting at once. Every check is audited (requester, purpose, what was checked, hits by
 * owner), and its audit row is durable before the answer leaves: written in the transaction that
 * opened the hit records when there were hits, through group commit otherwise.
 */

export interface CheckedDocument {
  issuer: string;
  type: DocumentType;
  number: string;
  key: string;
  via: 'number' | 'mrz';
}

const OBJECT = 'travel-document';

/** The MRZ's errors as field errors at `pointer`, each naming its line, column and field, with the OCR hint. */
export function mrzFieldErrors(errors: readonly MrzError[], pointer: string): FieldError[] {
  return errors.map((error) => {
    const where = error.line === 0 ? '' : error.column === 0 ? `line ${error.line}: ` : `line ${error.line}, column ${error.column}: `;
    const field = error.field === 'mrz' ? '' : `${error.field}: `;
    return { pointer, detail: `${where}${field}${error.message}${error.hint ? ` (${error.hint})` : ''}` };
  });
}

// Input already in normal form (what machines send) skips the general normalisation: a manifest's
// thousands of documents are read at border speed.
const NORMAL_NUMBER = /^[A-Z0-9]{1,35}$/;

/** A document given by issuer, type and number, normalised; errors at the pointers of its fields. */
function fromRef(ref: DocumentRef, pointer: string, errors: FieldError[]): CheckedDocument | undefined {
  let issuer: string | undefined;
  let number: string | undefined;
  try {
    issuer = ref.issuer !== 'DEU' && isIcaoIssuer(ref.issuer) ? ref.issuer : normaliseIssuer(ref.issuer);
  } catch (error) {
    errors.push({ pointer: `${pointer}/issuer`, detail: error instanceof Error ? error.message : 'is not an ICAO issuing code' });
  }
  try {
    number = NORMAL_NUMBER.test(ref.number) ? ref.number : normaliseDocumentNumber(ref.number);
  } catch (error) {
    errors.push({ pointer: `${pointer}/number`, detail: error instanceof Error ? error.message : 'is not a document number' });
  }
  if (issuer === undefined || number === undefined) return undefined;
  return { issuer, type: ref.type, number, key: documentKey(issuer, ref.type, number), via: 'number' };
}

function fromMrz(text: string, pointer: string, errors: FieldError[]): CheckedDocument | undefined {
  const parsed = parseMrz(text);
  if (!parsed.ok) {
    errors.push(...mrzFieldErrors(parsed.errors, pointer));
    return undefined;
  }
  const doc = parsed.document;
  try {
    const issuer = normaliseIssuer(doc.issuer);
    const number = normaliseDocumentNumber(doc.number);
    return { issuer, type: doc.documentType, number, key: documentKey(issuer, doc.documentType, number), via: 'mrz' };
  } catch (error) {
    errors.push({ pointer, detail: error instanceof Error ? error.message : 'the MRZ names no document' });
    return undefined;
  }
}

export function documentsOfCheck(body: CheckBody): CheckedDocument {
  const errors: FieldError[] = [];
  if ((body.document === undefined) === (body.mrz === undefined)) {
    throw invalid([{ pointer: '/document', detail: 'give either document (issuer, type and number) or mrz, not both and not neither' }]);
  }
  const doc = body.document ? fromRef(body.document, '/document', errors) : fromMrz(body.mrz ?? '', '/mrz', errors);
  if (!doc || errors.length > 0) throw invalid(errors, body.mrz !== undefined ? 'The machine-readable zone cannot be read.' : undefined);
  return doc;
}

export function documentsOfBatch(body: BatchCheckBody): CheckedDocument[] {
  const errors: FieldError[] = [];
  const docs = body.documents.map((item, index) =>
    'mrz' in item ? fromMrz(item.mrz, `/documents/${index}/mrz`, errors) : fromRef(item, `/documents/${index}`, errors),
  );
  if (errors.length > 0) throw invalid(errors, 'Some documents of the batch cannot be read; nothing was checked.');
  return docs as CheckedDocument[];
}

const label = (doc: CheckedDocument): string => `${doc.issuer}/${doc.type}/${doc.number}`;

function answerFor(doc: CheckedDocument, found: HitDocument | undefined): CheckAnswer {
  const document = { issuer: doc.issuer, type: doc.type, number: doc.number };
  if (!found) return { result: 'no-hit', document };
  return {
    result: 'hit',
    document,
    hit: {
      hitId: found.hit_id,
      documentId: found.id,
      issuer: found.issuer,
      issuerName: issuerName(found.issuer),
      type: found.doc_type,
      number: found.number,
      status: found.status,
      reportedOn: found.reported_on,
      lostOn: found.lost_on,
      expiresOn: found.expires_on,
      tlp: found.tlp,
      handling: found.handling,
      contact: found.contact,
    },
  };
}

/**
 * Checks documents for the signed-in actor, through the request pipeline (the route's action is
 * `documents.check`). The index answers first; only when it may hold one of the documents is the
 * check a write (the hit records are opened in the transaction that holds its audit row);
 * otherwise nothing is read and the audit row goes through the group commit.
 */
export async function checkDocuments(request: FastifyRequest, docs: readonly CheckedDocument[], purpose: string, via: 'number' | 'mrz' | 'batch'): Promise<CheckAnswer[]> {
  const register = registerOf(request.server.platform);
  await register.start();
  // The index applies the sharing rule: a document the actor may not see takes the path of one that is not registered.
  const viewer = request.actor;
  authorize(viewer, 'documents.check');
  const maybe = docs.length > 1 ? register.mayHoldMany(docs.map((doc) => doc.key), viewer) : undefined;
  const candidates = maybe ? docs.filter((_, index) => maybe[index]) : docs.filter((doc) => register.mayHold(doc.key, viewer));

  const event = (member: string, found: readonly FoundDocument[]): AuditEvent => {
    const records: Record<string, string[]> = {};
    for (const doc of found) if (doc.owner !== member) (records[doc.owner] ??= []).push(doc.id);
    const owners = Object.keys(records).sort();
    return {
      action: 'documents.check',
      objectType: OBJECT,
      ...(owners.length > 0 ? { objectOwners: owners } : {}),
      purpose,
      details: { via, count: docs.length, checked: docs.map(label), hits: found.length, ...(owners.length > 0 ? { records } : {}) },
    };
  };

  return perform(
    request,
    async (ctx) => {
      // Confirm the positives under the sharing rule and open their hit records, or add this check to
      // the member's hit still waiting on a document (one statement, after taking the documents' lock).
      if (candidates.length > 0) await lockHitsFor(ctx, candidates);
      const found: HitDocument[] = candidates.length > 0 ? await openHitsFor(ctx, candidates, { purpose, via: via === 'batch' ? 'batch' : (candidates[0]?.via ?? 'number') }) : [];
      await tellIssuers(ctx, found);
      await offerHitEntities(ctx, found);
      await ctx.audit(event(ctx.actor.member, found));
      const byKey = new Map(found.map((doc) => [documentKey(doc.issuer, doc.doc_type, doc.number), doc]));
      return docs.map((doc) => answerFor(doc, byKey.get(doc.key)));
    },
    { read: candidates.length === 0 },
  );
}
