/**
 * The bulletins module as the web app sees it, typed from the server's schemas
 * (src/modules/bulletins/schemas.ts) with type-only imports, so a change there is a type error here.
 */
import type { Static } from 'typebox';
import { ApiError, clientError, setCsrfHeader } from '../../api.js';
import { msg, type MessageId } from '../../i18n/index.js';
import type { AcknowledgementItem, AttachmentItem, BulletinCorrection, BulletinCreate, BulletinItem, BulletinOne as BulletinOneSchema, CommentItem, DraftUpdate as DraftUpdateSchema, StixImportResult as StixImportResultSchema, VersionItem } from '../../../../src/modules/bulletins/schemas.js';
import { BULLETIN_TYPES, type AcknowledgementKind, type BulletinType } from '../../../../src/modules/bulletins/codes.js';

export { BULLETIN_TYPES, type AcknowledgementKind, type BulletinType };
export type Bulletin = Static<typeof BulletinItem>;
/** GET /bulletins/:id: the bulletin with its body (and the server's sanitised HTML of it), attachments and abilities. */
export type BulletinOne = Static<typeof BulletinOneSchema>;
export type BulletinFull = BulletinOne['data'];
export type Attachment = Static<typeof AttachmentItem>;
export type Version = Static<typeof VersionItem>;
export type Acknowledgement = Static<typeof AcknowledgementItem>;
export type Comment = Static<typeof CommentItem>;
export type BulletinInput = BulletinCreate;
export type BulletinCorrectionInput = BulletinCorrection;
/** PUT /bulletins/:id/draft: a draft's content and intended sharing, whole. */
export type DraftUpdate = Static<typeof DraftUpdateSchema>;
/** POST /bulletins/import.stix: the drafts made, the reports refused (with skipRefused) and the object types ignored. */
export type StixImportResult = Static<typeof StixImportResultSchema>;
export type { BulletinEntity } from '../../../../src/modules/bulletins/schemas.js';

export const TYPE_LABEL: Readonly<Record<BulletinType, MessageId>> = {
  alert: msg('bulletins.type.alert'),
  'document-fraud-alert': msg('bulletins.type.documentFraudAlert'),
  'method-note': msg('bulletins.type.methodNote'),
  'route-trend-note': msg('bulletins.type.routeTrendNote'),
  'visa-integrity-note': msg('bulletins.type.visaIntegrityNote'),
  'training-opportunity': msg('bulletins.type.trainingOpportunity'),
};

export const ACKNOWLEDGEMENT_LABEL: Readonly<Record<AcknowledgementKind, MessageId>> = {
  read: msg('bulletins.ack.read'),
  'acted-on': msg('bulletins.ack.actedOn'),
};

/** The web app's list of the member's drafts, and its page importing a STIX bundle into drafts. */
export const DRAFTS_PATH = '/bulletins/drafts';
export const IMPORT_PATH = '/bulletins/import';

export function bulletinPath(id: string): string {
  return `/bulletins/${encodeURIComponent(id)}`;
}

export function attachmentUrl(bulletin: string, attachment: string): string {
  return `/api/v1${bulletinPath(bulletin)}/attachments/${encodeURIComponent(attachment)}`;
}

/**
 * Uploads a file to a bulletin with XMLHttpRequest, whose upload events give the progress that fetch
 * does not; `onProgress` gets the share sent (0–1). Throws the server's problem as an ApiError.
 */
export function uploadAttachment(bulletin: string, file: File, onProgress: (share: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1${bulletinPath(bulletin)}/attachments`);
    request.setRequestHeader('accept', 'application/json, application/problem+json');
    setCsrfHeader((name, value) => request.setRequestHeader(name, value));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: the fallback below
      }
      if (request.status >= 200 && request.status < 300 && body && typeof body === 'object' && 'data' in body) {
        onProgress(1);
        resolve((body as { data: Attachment }).data);
        return;
      }
      const problem = (body ?? {}) as { title?: string; detail?: string; errors?: { pointer: string; detail: string }[] };
      reject(new ApiError(request.status, problem.title ?? String(request.status), problem.detail ?? request.statusText, problem.errors ?? []));
    };
    request.onerror = () => reject(clientError(msg('app.error.network')));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
