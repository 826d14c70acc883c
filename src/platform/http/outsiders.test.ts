import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { zip } from '../../../test/support/zip.js';
import { stopFacePool } from '../../modules/biometrics/faces/index.js';
import { documentedRoutes, routerRoutes } from '../../../test/support/routes.js';
import { sql } from '../db/sql.js';
import { digest } from '../auth/secrets.js';
import { insertReport } from '../../modules/reports/records/store.js';
import { holderSealer } from '../../modules/documents/holders.js';
import type { ReportInput } from '../../modules/reports/schemas.js';

/**
 * For every endpoint under /api/v1: signed out is 401; a member that may not see a record gets the
 * same 404 as for a record that does not exist; a user whose role or member does not allow a write
 * gets 403 (or 404 where the record is hidden); and none of these refusals changes the database.
 * The table must name every route the app registers, so a new route without a case fails here.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Refusal {
  who: () => TestSession;
  /** The concrete path, when it differs from the case's own. */
  path?: () => string;
  payload?: () => unknown;
}

interface Case {
  method: Method;
  /** The route as registered, with `:param` placeholders. */
  route: string;
  /** 'public' routes answer signed-out clients; 'session' ones any session; the rest a signed-in user. */
  auth: 'public' | 'session' | 'user';
  /** The concrete path for requests (the route with real ids filled in). */
  path: () => string;
  /** A valid body, so that validation does not answer first. */
  payload?: () => unknown;
  /** A signed-out request a public route refuses as invalid (400), not as unauthorised. */
  publicInvalid?: unknown;
  /** A record endpoint: these users may not see the record (404), and `missing` names one that does not exist (in the body, with `missingPayload`). */
  hidden?: { refusals: Refusal[]; missing: () => string; missingPayload?: () => unknown };
  /** Users who may see the record, or reach the endpoint, but may not do this (403). */
  forbidden?: Refusal[];
}

let t: TestContext;
let ownerUser: TestUser;
let ownerColleague: TestSession;
let outsider: TestSession;
let outsiderAdmin: TestSession;
let observer: TestSession;
let recipient: TestSession;
let approverOnly: TestSession;
let privateDoc: string;
let sharedDoc: string;
let ownerTokenId: string;
let ownerSpareSessionId: string;
let ownerNotification: string;
let privateReport: string;
let sharedReport: string;
let submittedReport: string;
let issuerUser: TestUser;
let privateTravelDocument: string;
let sharedTravelDocument: string;
let pendingTravelReport: string;
let travelHit: string;
let ownerImportRun: string;
let ownerMapping: string;
let privateLead: string;
let sharedLead: string;
let linkNotice: string;
let linkRequest: string;
let agreementInForce: string;
let agreementProposed: string;
let ownerSubject: string;
let ownerImageSubject: string;
let stepTwoRequest: string;
let biometricSearch: string;
let ownerEnrolment: string;
let privateBulletin: string;
let sharedBulletin: string;
let privateAttachment: string;
let sharedAttachment: string;
let privateDraft: string;
let ownerEndpoint: string;
let ownerSubscription: string;
let ownerDelivery: string;

const GROUP = 'aaa-ccc';
const PREFIX = '/api/v1';

const validReport = (): ReportInput => ({ where: { country: 'IDN' }, incidentType: 'smuggling-sea', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });

const travelCheck = () => ({ purpose: 'border control', document: { issuer: 'UTO', type: 'passport', number: 'OUT0001' } });
const travelCsv = (): { payload: string; headers: Record<string, string> } => ({ payload: 'type,number,status\npassport,OUT0009,lost\n', headers: { 'content-type': 'text/csv' } });

const validLead = () => ({ title: 'A network’s boat agent', subject: 'person', entities: [{ type: 'phone', value: '+62 812 3456 7890' }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });

/** A face template of the one format Lintas knows: a fixed pseudo-random unit vector per seed. */
function faceTemplate(seed: number) {
  const vector = Array.from({ length: 1024 }, (_, i) => Math.sin(seed * 1000 + i * 7.3) + 1);
  return { format: 'human-faceres-1024', vector };
}
const validAgreement = () => ({
  title: 'AAA and CCC exchange', parties: ['CCC'], directions: [{ searcher: 'AAA', holder: 'CCC' }], purposes: ['irregular-arrival'],
  formats: ['human-faceres-1024'], stepTwoFields: ['familyName'], validFrom: '2026-01-01',
});
const biometricSearchBody = (agreement: string) => ({ agreement, purpose: 'irregular-arrival', template: faceTemplate(1) });
const faceImage = readFileSync(new URL('../../../test/fixtures/faces/astronaut.png', import.meta.url));

const validBulletin = () => ({ type: 'alert', title: 'An outsider’s alert', body: 'Text.', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
const { sharing: _sharing, ...draftContent } = validBulletin();
const validDraft = () => ({ ...draftContent, sharing: { audience: { kind: 'members', members: ['CCC'] }, tlp: 'GREEN' } });
/** A STIX 2.1 bundle of one GREEN report, as an import takes it. */
const validStixBundle = () => ({
  type: 'bundle', id: 'bundle--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  objects: [{
    type: 'report', spec_version: '2.1', id: 'report--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z',
    published: '2024-01-01T00:00:00.000Z', name: 'An outsider’s report', object_refs: ['identity--2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e'],
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  }],
});

const validDocument = () => ({ title: 'An outsider’s document', category: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });

function multipartUpload(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = 'outsiders-boundary-7c1e';
  const metadata = JSON.stringify(validDocument());
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${metadata}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain\r\n\r\nplain words\r\n` +
    `--${boundary}--\r\n`;
  return { payload: Buffer.from(body), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A valid one-row template import, so that only the role can refuse it. */
function multipartImport(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = 'outsiders-import-boundary-3f9a';
  const options = JSON.stringify({ format: 'lintas', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n${options}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="reports.csv"\r\nContent-Type: text/csv\r\n\r\n` +
    `external_id,incident_type,country\nO-1,smuggling-sea,IDN\n\r\n--${boundary}--\r\n`;
  return { payload: Buffer.from(body), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const mappingBody = () => ({ name: 'Outsider mapping', mapping: { columns: [{ source: 'Type', target: 'incident_type' }] } });

const cases: Case[] = [
  // Sign-in and account.
  { method: 'POST', route: '/auth/sign-in', auth: 'public', path: () => '/auth/sign-in', publicInvalid: { email: 'not an address', password: 'x' } },
  { method: 'POST', route: '/auth/totp', auth: 'session', path: () => '/auth/totp', payload: () => ({ code: '123456' }) },
  { method: 'POST', route: '/auth/sign-out', auth: 'session', path: () => '/auth/sign-out' },
  { method: 'GET', route: '/auth/session', auth: 'session', path: () => '/auth/session' },
  { method: 'POST', route: '/auth/password-reset', auth: 'public', path: () => '/auth/password-reset', publicInvalid: { email: 'not an address' } },
  { method: 'POST', route: '/auth/password-reset/complete', auth: 'public', path: () => '/auth/password-reset/complete', publicInvalid: { token: 'short', password: 'short' } },
  { method: 'POST', route: '/account/totp/enrol', auth: 'session', path: () => '/account/totp/enrol' },
  { method: 'POST', route: '/account/totp/confirm', auth: 'session', path: () => '/account/totp/confirm', payload: () => ({ code: '123456' }) },
  { method: 'DELETE', route: '/account/totp', auth: 'user', path: () => '/account/totp', payload: () => ({ code: '123456' }) },
  { method: 'POST', route: '/account/password', auth: 'user', path: () => '/account/password', payload: () => ({ currentPassword: 'x', newPassword: 'a new password long enough' }) },
  // The caller's own session only: there is no other user's record to name.
  { method: 'POST', route: '/account/reauthenticate', auth: 'user', path: () => '/account/reauthenticate', payload: () => ({ password: 'not the password at all' }) },
  { method: 'GET', route: '/account/tokens', auth: 'user', path: () => '/account/tokens' },
  { method: 'POST', route: '/account/tokens', auth: 'user', path: () => '/account/tokens', payload: () => ({ name: 'machine', roles: ['officer'] }) },
  {
    method: 'DELETE', route: '/account/tokens/:id', auth: 'user', path: () => `/account/tokens/${ownerTokenId}`,
    // Another user's token, even a colleague's, is not found.
    hidden: { refusals: [{ who: () => outsider }, { who: () => ownerColleague }], missing: () => `/account/tokens/${randomUUID()}` },
  },

  // The caller's own data only: what another user's export holds of the owner is checked in account/export.test.ts.
  { method: 'GET', route: '/account/export', auth: 'user', path: () => '/account/export' },
  { method: 'GET', route: '/account/sessions', auth: 'user', path: () => '/account/sessions' },
  { method: 'DELETE', route: '/account/sessions', auth: 'user', path: () => '/account/sessions' },
  {
    method: 'DELETE', route: '/account/sessions/:id', auth: 'user', path: () => `/account/sessions/${ownerSpareSessionId}`,
    // Another user's session, even a colleague's, is not found.
    hidden: { refusals: [{ who: () => outsider }, { who: () => ownerColleague }], missing: () => `/account/sessions/${randomUUID()}` },
  },
  { method: 'GET', route: '/account/time-zone', auth: 'user', path: () => '/account/time-zone' },
  { method: 'PUT', route: '/account/time-zone', auth: 'user', path: () => '/account/time-zone', payload: () => ({ timeZone: 'Asia/Jakarta' }) },
  { method: 'GET', route: '/account/subscriptions', auth: 'user', path: () => '/account/subscriptions' },
  { method: 'POST', route: '/account/subscriptions', auth: 'user', path: () => '/account/subscriptions', payload: () => ({ module: 'bulletins' }) },
  {
    method: 'PATCH', route: '/account/subscriptions/:id', auth: 'user', path: () => `/account/subscriptions/${ownerSubscription}`, payload: () => ({ delivery: 'daily' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => ownerColleague }], missing: () => `/account/subscriptions/${randomUUID()}` },
  },
  { method: 'GET', route: '/notifications/topics', auth: 'user', path: () => '/notifications/topics' },
  {
    method: 'DELETE', route: '/account/subscriptions/:id', auth: 'user', path: () => `/account/subscriptions/${ownerSubscription}`,
    // Another user's subscription, even a colleague's, is not found.
    hidden: { refusals: [{ who: () => outsider }, { who: () => ownerColleague }], missing: () => `/account/subscriptions/${randomUUID()}` },
  },
  { method: 'POST', route: '/subscriptions/unsubscribe', auth: 'public', path: () => '/subscriptions/unsubscribe', publicInvalid: { subscription: 'not an id', token: 'short' } },
  {
    method: 'POST', route: '/subscriptions/unsubscribe/one-click', auth: 'public', path: () => '/subscriptions/unsubscribe/one-click?subscription=not-an-id&token=short',
    publicInvalid: { 'List-Unsubscribe': 'One-Click' },
  },

  // Directory.
  { method: 'GET', route: '/members', auth: 'user', path: () => '/members' },
  { method: 'GET', route: '/members/:code', auth: 'user', path: () => '/members/AAA' },
  {
    method: 'POST', route: '/members', auth: 'user', path: () => '/members',
    payload: () => ({ code: 'ZZZ', name: 'New member', kind: 'state', status: 'member' }),
    forbidden: [{ who: () => outsiderAdmin }, { who: () => outsider }],
  },
  {
    method: 'PATCH', route: '/members/:code', auth: 'user', path: () => '/members/AAA', payload: () => ({ requiresTotp: true }),
    // Another member's admin, and an officer of the member itself.
    forbidden: [{ who: () => outsiderAdmin }, { who: () => ownerColleague }],
  },
  {
    method: 'PUT', route: '/members/:code/focal-points', auth: 'user', path: () => '/members/AAA/focal-points',
    payload: () => ({ focalPoints: [{ topic: 'general', userId: ownerUser.id }] }),
    forbidden: [{ who: () => outsiderAdmin }, { who: () => ownerColleague }],
  },
  { method: 'GET', route: '/groups', auth: 'user', path: () => '/groups' },
  {
    method: 'GET', route: '/groups/:code', auth: 'user', path: () => `/groups/${GROUP}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => '/groups/no-such-group' },
  },
  {
    method: 'POST', route: '/groups', auth: 'user', path: () => '/groups',
    payload: () => ({ code: 'new-group', name: 'New group', members: ['BBB'] }),
    forbidden: [{ who: () => outsiderAdmin }],
  },
  {
    method: 'PATCH', route: '/groups/:code', auth: 'user', path: () => `/groups/${GROUP}`, payload: () => ({ name: 'Renamed' }),
    // The secretariat changes groups, and the chair's member-admins (directory.test.ts); a member-admin
    // of a member outside the group does not learn it exists, and a member of the group may not.
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => '/groups/no-such-group' },
    forbidden: [{ who: () => recipient }],
  },
  {
    method: 'GET', route: '/users', auth: 'user', path: () => '/users',
    forbidden: [{ who: () => outsider }, { who: () => outsiderAdmin, path: () => '/users?member=AAA' }],
  },
  {
    method: 'POST', route: '/users', auth: 'user', path: () => '/users',
    payload: () => ({ name: 'New user', email: 'new-user@aaa.test', roles: ['officer'] }),
    forbidden: [{ who: () => outsider }, { who: () => outsiderAdmin, payload: () => ({ name: 'New user', email: 'new-user@aaa.test', roles: ['officer'], member: 'AAA' }) }],
  },
  {
    method: 'PATCH', route: '/users/:id', auth: 'user', path: () => `/users/${ownerUser.id}`, payload: () => ({ name: 'Renamed' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/users/${randomUUID()}` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/users/:id/password-reset', auth: 'user', path: () => `/users/${ownerUser.id}/password-reset`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/users/${randomUUID()}/password-reset` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/users/:id/second-factor-reset', auth: 'user', path: () => `/users/${ownerUser.id}/second-factor-reset`,
    payload: () => ({ proofing: 'Seen in person with a passport by the duty admin' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/users/${randomUUID()}/second-factor-reset` },
    forbidden: [{ who: () => ownerColleague }],
  },

  // Library.
  { method: 'GET', route: '/library/documents', auth: 'user', path: () => '/library/documents' },
  { method: 'GET', route: '/library/count', auth: 'user', path: () => '/library/count' },
  {
    method: 'GET', route: '/library/documents/:id', auth: 'user', path: () => `/library/documents/${privateDoc}`,
    hidden: {
      // An observer does not see a document shared with every full member.
      refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/library/documents/${sharedDoc}` }],
      missing: () => `/library/documents/${randomUUID()}`,
    },
  },
  {
    method: 'GET', route: '/library/documents/:id/file', auth: 'user', path: () => `/library/documents/${privateDoc}/file`,
    hidden: {
      refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/library/documents/${sharedDoc}/file` }],
      missing: () => `/library/documents/${randomUUID()}/file`,
    },
  },
  {
    method: 'POST', route: '/library/documents', auth: 'user', path: () => '/library/documents', payload: () => ({ ...validDocument(), body: 'Notes.' }),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'POST', route: '/library/documents/upload', auth: 'user', path: () => '/library/documents/upload', forbidden: [{ who: () => approverOnly }] },
  {
    method: 'PATCH', route: '/library/documents/:id', auth: 'user', path: () => `/library/documents/${privateDoc}`, payload: () => ({ title: 'Taken over' }),
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/library/documents/${randomUUID()}` },
    // A member in the audience sees the document but does not own it.
    forbidden: [{ who: () => recipient, path: () => `/library/documents/${sharedDoc}` }],
  },
  {
    method: 'DELETE', route: '/library/documents/:id', auth: 'user', path: () => `/library/documents/${privateDoc}`,
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/library/documents/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/library/documents/${sharedDoc}` }],
  },

  // Reports. BBB (outsider) has contributed nothing, so even AAA's report shared with all is hidden from it;
  // CCC (recipient) contributes and sees it, but does not own it.
  { method: 'GET', route: '/reports/code-lists', auth: 'user', path: () => '/reports/code-lists' },
  { method: 'GET', route: '/reports', auth: 'user', path: () => '/reports' },
  {
    method: 'GET', route: '/reports/:id', auth: 'user', path: () => `/reports/${privateReport}`,
    hidden: {
      refusals: [{ who: () => outsider }, { who: () => outsider, path: () => `/reports/${sharedReport}` }, { who: () => observer, path: () => `/reports/${sharedReport}` }],
      missing: () => `/reports/${randomUUID()}`,
    },
  },
  { method: 'POST', route: '/reports', auth: 'user', path: () => '/reports', payload: validReport, forbidden: [{ who: () => approverOnly }] },
  {
    method: 'PUT', route: '/reports/:id', auth: 'user', path: () => `/reports/${privateReport}`, payload: validReport,
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/reports/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/reports/${sharedReport}` }, { who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/reports/:id/submit', auth: 'user', path: () => `/reports/${privateReport}/submit`,
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/reports/${randomUUID()}/submit` },
    forbidden: [{ who: () => recipient, path: () => `/reports/${sharedReport}/submit` }],
  },
  {
    method: 'POST', route: '/reports/:id/approve', auth: 'user', path: () => `/reports/${submittedReport}/approve`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/${randomUUID()}/approve` },
    forbidden: [{ who: () => ownerColleague }, { who: () => recipient, path: () => `/reports/${sharedReport}/approve` }],
  },
  {
    method: 'POST', route: '/reports/bulk/submit', auth: 'user', path: () => '/reports/bulk/submit', payload: () => ({ ids: [privateReport], dryRun: true }),
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/reports/bulk/approve', auth: 'user', path: () => '/reports/bulk/approve', payload: () => ({ ids: [submittedReport], dryRun: true }),
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/reports/:id/return', auth: 'user', path: () => `/reports/${submittedReport}/return`, payload: () => ({ note: 'Taken back' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/${randomUUID()}/return` },
    forbidden: [{ who: () => ownerColleague }, { who: () => recipient, path: () => `/reports/${sharedReport}/return` }],
  },
  {
    method: 'POST', route: '/reports/:id/withdraw', auth: 'user', path: () => `/reports/${submittedReport}/withdraw`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/${randomUUID()}/withdraw` },
    forbidden: [{ who: () => recipient, path: () => `/reports/${sharedReport}/withdraw` }, { who: () => approverOnly }],
  },
  {
    method: 'DELETE', route: '/reports/:id', auth: 'user', path: () => `/reports/${privateReport}`,
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/reports/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/reports/${sharedReport}` }],
  },

  // Reports analysis: the exact layer counts only what the asker may see, and the regional release is the
  // same for every member (its record lists are each owner's own); signed out is refused, any signed-in user may ask.
  { method: 'GET', route: '/reports/analysis', auth: 'user', path: () => '/reports/analysis' },
  { method: 'GET', route: '/reports/release', auth: 'user', path: () => '/reports/release' },
  { method: 'GET', route: '/reports/release/cells', auth: 'user', path: () => '/reports/release/cells?table=route&interval=year' },
  { method: 'GET', route: '/reports/release/my-records', auth: 'user', path: () => '/reports/release/my-records' },
  { method: 'GET', route: '/reports/summary', auth: 'user', path: () => '/reports/summary?period=2024' },
  { method: 'GET', route: '/reports/summary.pdf', auth: 'user', path: () => '/reports/summary.pdf?period=2024' },

  // Reports import and export: the export holds only what the user may see and pass on (export.test.ts).
  { method: 'POST', route: '/reports/import', auth: 'user', path: () => '/reports/import', forbidden: [{ who: () => approverOnly }] },
  { method: 'GET', route: '/reports/import/template.csv', auth: 'user', path: () => '/reports/import/template.csv' },
  { method: 'GET', route: '/reports/import/template.xlsx', auth: 'user', path: () => '/reports/import/template.xlsx' },
  { method: 'POST', route: '/reports/import-runs', auth: 'user', path: () => '/reports/import-runs', forbidden: [{ who: () => approverOnly }] },
  { method: 'GET', route: '/reports/import-runs', auth: 'user', path: () => '/reports/import-runs' },
  {
    method: 'GET', route: '/reports/import-runs/:id', auth: 'user', path: () => `/reports/import-runs/${ownerImportRun}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/reports/import-runs/${randomUUID()}` },
  },
  {
    method: 'GET', route: '/reports/import-runs/:id/errors.csv', auth: 'user', path: () => `/reports/import-runs/${ownerImportRun}/errors.csv`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/import-runs/${randomUUID()}/errors.csv` },
  },
  { method: 'POST', route: '/reports/import-mappings/preview', auth: 'user', path: () => '/reports/import-mappings/preview', forbidden: [{ who: () => approverOnly }] },
  { method: 'GET', route: '/reports/import-mappings', auth: 'user', path: () => '/reports/import-mappings' },
  // A member's default sharing: its own alone. Another member's is not found (src/modules/reports/records/defaults.test.ts,
  // whose 404 names the member asked for in its path, so it is not a `hidden` case here); a user without member-admin is refused.
  { method: 'GET', route: '/reports/defaults/:member', auth: 'user', path: () => '/reports/defaults/AAA' },
  {
    method: 'PUT', route: '/reports/defaults/:member', auth: 'user', path: () => '/reports/defaults/AAA',
    payload: () => ({ sharing: { audience: { kind: 'all' }, tlp: 'GREEN' }, countsInRegional: true }), forbidden: [{ who: () => approverOnly }],
  },
  { method: 'POST', route: '/reports/import-mappings', auth: 'user', path: () => '/reports/import-mappings', payload: mappingBody, forbidden: [{ who: () => approverOnly }] },
  {
    method: 'GET', route: '/reports/import-mappings/:id', auth: 'user', path: () => `/reports/import-mappings/${ownerMapping}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/reports/import-mappings/${randomUUID()}` },
  },
  {
    method: 'PUT', route: '/reports/import-mappings/:id', auth: 'user', path: () => `/reports/import-mappings/${ownerMapping}`, payload: mappingBody,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/import-mappings/${randomUUID()}` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'DELETE', route: '/reports/import-mappings/:id', auth: 'user', path: () => `/reports/import-mappings/${ownerMapping}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/reports/import-mappings/${randomUUID()}` },
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/reports/export.csv', auth: 'user', path: () => '/reports/export.csv' },
  { method: 'GET', route: '/reports/export.xlsx', auth: 'user', path: () => '/reports/export.xlsx' },

  // Audit and inbox.
  { method: 'GET', route: '/audit/reads', auth: 'user', path: () => '/audit/reads', forbidden: [{ who: () => outsider }] },
  { method: 'GET', route: '/inbox', auth: 'user', path: () => '/inbox' },
  // The live unread count (server-sent events): the user's own count only (stream.test.ts).
  { method: 'GET', route: '/inbox/stream', auth: 'user', path: () => '/inbox/stream' },
  // The home page's counts: the user's own member's records and notifications only (home.test.ts).
  { method: 'GET', route: '/home', auth: 'user', path: () => '/home' },
  {
    method: 'POST', route: '/inbox/:id/read', auth: 'user', path: () => `/inbox/${ownerNotification}/read`,
    // Someone else's notification, even a colleague's, is not found.
    hidden: { refusals: [{ who: () => outsider }, { who: () => ownerColleague }], missing: () => `/inbox/${randomUUID()}/read` },
  },

  // Webhook endpoints: AAA's own; its officer may not manage them, another member's admin does not find them.
  { method: 'GET', route: '/webhooks/endpoints', auth: 'user', path: () => '/webhooks/endpoints', forbidden: [{ who: () => ownerColleague }] },
  {
    method: 'POST', route: '/webhooks/endpoints', auth: 'user', path: () => '/webhooks/endpoints', payload: () => ({ url: 'https://hooks.example.org/new' }),
    forbidden: [{ who: () => ownerColleague }],
  },
  ...(['GET', 'PATCH', 'DELETE'] as const).map((method): Case => ({
    method, route: '/webhooks/endpoints/:id', auth: 'user', path: () => `/webhooks/endpoints/${ownerEndpoint}`,
    ...(method === 'PATCH' ? { payload: () => ({ description: 'taken over' }) } : {}),
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/webhooks/endpoints/${randomUUID()}` },
    forbidden: [{ who: () => ownerColleague }],
  })),
  {
    method: 'POST', route: '/webhooks/endpoints/:id/test', auth: 'user', path: () => `/webhooks/endpoints/${ownerEndpoint}/test`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/webhooks/endpoints/${randomUUID()}/test` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'GET', route: '/webhooks/endpoints/:id/deliveries', auth: 'user', path: () => `/webhooks/endpoints/${ownerEndpoint}/deliveries`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/webhooks/endpoints/${randomUUID()}/deliveries` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/webhooks/endpoints/:id/deliveries/:delivery/replay', auth: 'user', path: () => `/webhooks/endpoints/${ownerEndpoint}/deliveries/${ownerDelivery}/replay`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => outsiderAdmin, path: () => `/webhooks/endpoints/${randomUUID()}/deliveries/${ownerDelivery}/replay` }], missing: () => `/webhooks/endpoints/${ownerEndpoint}/deliveries/999999999/replay` },
    forbidden: [{ who: () => ownerColleague }],
  },

  // Travel documents. UTO issues them; CCC (recipient) sees the shared one, reported a UTO document and has a hit;
  // BBB (outsider) and the observer see neither the private record, nor the report, nor the hit.
  {
    method: 'POST', route: '/documents/checks', auth: 'user', path: () => '/documents/checks', payload: travelCheck,
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/documents/checks/batch', auth: 'user', path: () => '/documents/checks/batch',
    payload: () => ({ purpose: 'flight manifest', documents: [travelCheck().document] }),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/documents', auth: 'user', path: () => '/documents' },
  {
    method: 'POST', route: '/documents', auth: 'user', path: () => '/documents', payload: () => ({ type: 'passport', number: 'OUT0001', status: 'lost' }),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/documents/reports', auth: 'user', path: () => '/documents/reports' },
  {
    method: 'POST', route: '/documents/reports', auth: 'user', path: () => '/documents/reports',
    payload: () => ({ issuer: 'UTO', type: 'passport', number: 'OUT0002', status: 'lost' }),
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/documents/cancel', auth: 'user', path: () => '/documents/cancel', payload: () => ({ documents: [{ type: 'passport', number: 'OUT0001' }] }),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'POST', route: '/documents/cancel.csv', auth: 'user', path: () => '/documents/cancel.csv', forbidden: [{ who: () => approverOnly }] },
  { method: 'POST', route: '/documents/import', auth: 'user', path: () => '/documents/import', forbidden: [{ who: () => approverOnly }] },
  {
    method: 'GET', route: '/documents/:id', auth: 'user', path: () => `/documents/${privateTravelDocument}`,
    hidden: {
      refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/documents/${sharedTravelDocument}` }, { who: () => outsider, path: () => `/documents/${pendingTravelReport}` }],
      missing: () => `/documents/${randomUUID()}`,
    },
  },
  {
    method: 'PATCH', route: '/documents/:id', auth: 'user', path: () => `/documents/${privateTravelDocument}`, payload: () => ({ status: 'revoked' }),
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/documents/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/documents/${sharedTravelDocument}` }],
  },
  {
    method: 'POST', route: '/documents/:id/cancel', auth: 'user', path: () => `/documents/${privateTravelDocument}/cancel`, payload: () => ({}),
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/documents/${randomUUID()}/cancel` },
    forbidden: [{ who: () => recipient, path: () => `/documents/${sharedTravelDocument}/cancel` }],
  },
  {
    method: 'POST', route: '/documents/:id/confirm', auth: 'user', path: () => `/documents/${pendingTravelReport}/confirm`, payload: () => ({}),
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/documents/${randomUUID()}/confirm` },
    // The reporting member sees its report but only the issuer decides on it.
    forbidden: [{ who: () => recipient }],
  },
  {
    method: 'POST', route: '/documents/:id/reject', auth: 'user', path: () => `/documents/${pendingTravelReport}/reject`, payload: () => ({}),
    hidden: { refusals: [{ who: () => outsider }], missing: () => `/documents/${randomUUID()}/reject` },
    forbidden: [{ who: () => recipient }],
  },
  { method: 'GET', route: '/documents/hits', auth: 'user', path: () => '/documents/hits' },
  {
    method: 'GET', route: '/documents/hits/:id', auth: 'user', path: () => `/documents/hits/${travelHit}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer }], missing: () => `/documents/hits/${randomUUID()}` },
  },
  {
    method: 'POST', route: '/documents/hits/:id/answer', auth: 'user', path: () => `/documents/hits/${travelHit}/answer`, payload: () => ({ outcome: 'denied' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/documents/hits/${randomUUID()}/answer` },
    // The checking member sees the hit; the issuer answers it.
    forbidden: [{ who: () => recipient }],
  },
  {
    method: 'GET', route: '/documents/hits/:id/holder', auth: 'user', path: () => `/documents/hits/${travelHit}/holder`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/documents/hits/${randomUUID()}/holder` },
  },
  { method: 'POST', route: '/linkage/normalise', auth: 'user', path: () => '/linkage/normalise', payload: () => ({ entity: { type: 'phone', value: '+62 812 3456 7890' } }) },
  { method: 'GET', route: '/linkage/leads', auth: 'user', path: () => '/linkage/leads' },
  {
    method: 'GET', route: '/linkage/leads/:id', auth: 'user', path: () => `/linkage/leads/${privateLead}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer, path: () => `/linkage/leads/${sharedLead}` }], missing: () => `/linkage/leads/${randomUUID()}` },
  },
  { method: 'GET', route: '/linkage/notices', auth: 'user', path: () => '/linkage/notices' },
  {
    method: 'POST', route: '/linkage/notices/:id/requests', auth: 'user', path: () => `/linkage/notices/${linkNotice}/requests`, payload: () => ({ reason: 'A case', urgency: 'routine' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/linkage/notices/${randomUUID()}/requests` },
    forbidden: [{ who: () => recipient }],
  },
  { method: 'GET', route: '/linkage/requests', auth: 'user', path: () => '/linkage/requests' },
  {
    method: 'GET', route: '/linkage/requests/:id', auth: 'user', path: () => `/linkage/requests/${linkRequest}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer }], missing: () => `/linkage/requests/${randomUUID()}` },
  },
  {
    method: 'POST', route: '/linkage/requests/:id/grant', auth: 'user', path: () => `/linkage/requests/${linkRequest}/grant`,
    payload: () => ({ records: [{ id: privateLead, fields: ['title'] }], sharing: { audience: { kind: 'members', members: ['AAA'] }, tlp: 'AMBER' } }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/linkage/requests/${randomUUID()}/grant` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/linkage/requests/:id/refuse', auth: 'user', path: () => `/linkage/requests/${linkRequest}/refuse`, payload: () => ({ reason: 'No' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/linkage/requests/${randomUUID()}/refuse` },
    forbidden: [{ who: () => ownerColleague }],
  },
  { method: 'GET', route: '/linkage/release', auth: 'user', path: () => '/linkage/release?table=noticesByKind&interval=year' },
  { method: 'GET', route: '/linkage/notices/volume', auth: 'user', path: () => '/linkage/notices/volume', forbidden: [{ who: () => outsiderAdmin }] },
  { method: 'GET', route: '/linkage/values', auth: 'user', path: () => '/linkage/values', forbidden: [{ who: () => outsiderAdmin }] },
  {
    method: 'PUT', route: '/linkage/values', auth: 'user', path: () => '/linkage/values', payload: () => ({ kind: 'phone', key: '+6281234567890', status: 'benign' }),
    forbidden: [{ who: () => outsiderAdmin }, { who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/linkage/notices/:id', auth: 'user', path: () => `/linkage/notices/${linkNotice}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer }], missing: () => `/linkage/notices/${randomUUID()}` },
  },
  {
    method: 'POST', route: '/linkage/leads', auth: 'user', path: () => '/linkage/leads', payload: validLead,
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'PATCH', route: '/linkage/leads/:id', auth: 'user', path: () => `/linkage/leads/${privateLead}`, payload: () => ({ title: 'Taken over' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/linkage/leads/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/linkage/leads/${sharedLead}` }],
  },
  {
    method: 'POST', route: '/linkage/graph', auth: 'user', path: () => '/linkage/graph', payload: () => ({ record: { module: 'linkage', recordType: 'lead', id: privateLead } }),
    hidden: {
      refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer, payload: () => ({ record: { module: 'linkage', recordType: 'lead', id: sharedLead } }) }],
      missing: () => '/linkage/graph',
      missingPayload: () => ({ record: { module: 'linkage', recordType: 'lead', id: randomUUID() } }),
    },
  },
  // Exports leave out what the viewer may not see (graph-export.test.ts): no record is refused by name.
  { method: 'POST', route: '/linkage/graph/export.graphml', auth: 'user', path: () => '/linkage/graph/export.graphml', payload: () => ({ records: [{ module: 'linkage', recordType: 'lead', id: privateLead }] }) },
  { method: 'POST', route: '/linkage/graph/export.stix', auth: 'user', path: () => '/linkage/graph/export.stix', payload: () => ({ records: [{ module: 'linkage', recordType: 'lead', id: privateLead }] }) },
  {
    method: 'DELETE', route: '/linkage/leads/:id', auth: 'user', path: () => `/linkage/leads/${privateLead}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/linkage/leads/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/linkage/leads/${sharedLead}` }],
  },
  {
    method: 'POST', route: '/biometrics/agreements', auth: 'user', path: () => '/biometrics/agreements', payload: validAgreement,
    forbidden: [{ who: () => ownerColleague }],
  },
  { method: 'GET', route: '/biometrics/agreements', auth: 'user', path: () => '/biometrics/agreements' },
  {
    method: 'GET', route: '/biometrics/agreements/:id', auth: 'user', path: () => `/biometrics/agreements/${agreementInForce}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer }], missing: () => `/biometrics/agreements/${randomUUID()}` },
  },
  {
    method: 'POST', route: '/biometrics/agreements/:id/accept', auth: 'user', path: () => `/biometrics/agreements/${agreementProposed}/accept`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/biometrics/agreements/${randomUUID()}/accept` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/agreements/:id/suspend', auth: 'user', path: () => `/biometrics/agreements/${agreementInForce}/suspend`, payload: () => ({ reason: 'A breach' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/biometrics/agreements/${randomUUID()}/suspend` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/agreements/:id/resume', auth: 'user', path: () => `/biometrics/agreements/${agreementInForce}/resume`,
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/biometrics/agreements/${randomUUID()}/resume` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/agreements/:id/terminate', auth: 'user', path: () => `/biometrics/agreements/${agreementInForce}/terminate`, payload: () => ({ reason: 'Ended' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => `/biometrics/agreements/${randomUUID()}/terminate` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/subjects', auth: 'user', path: () => '/biometrics/subjects', payload: () => ({ reference: 'NEW-1', template: faceTemplate(7) }),
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/biometrics/subjects/from-image', auth: 'user', path: () => '/biometrics/subjects/from-image', payload: () => ({ reference: 'NEW-IMAGE-1' }),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/biometrics/subjects', auth: 'user', path: () => '/biometrics/subjects', forbidden: [{ who: () => approverOnly }] },
  {
    method: 'GET', route: '/biometrics/subjects/:id/image', auth: 'user', path: () => `/biometrics/subjects/${ownerImageSubject}/image`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/subjects/${randomUUID()}/image` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/biometrics/subjects/:id', auth: 'user', path: () => `/biometrics/subjects/${ownerSubject}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/subjects/${randomUUID()}` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'DELETE', route: '/biometrics/subjects/:id', auth: 'user', path: () => `/biometrics/subjects/${ownerSubject}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/subjects/${randomUUID()}` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/biometrics/searches', auth: 'user', path: () => '/biometrics/searches', payload: () => biometricSearchBody(agreementInForce),
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => observer }], missing: () => '/biometrics/searches', missingPayload: () => biometricSearchBody(randomUUID()) },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/biometrics/searches/by-image', auth: 'user', path: () => '/biometrics/searches/by-image', payload: () => ({ agreement: agreementInForce, purpose: 'irregular-arrival' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => observer }], missing: () => '/biometrics/searches/by-image', missingPayload: () => ({ agreement: randomUUID(), purpose: 'irregular-arrival' }) },
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/biometrics/searches', auth: 'user', path: () => '/biometrics/searches' },
  { method: 'GET', route: '/biometrics/release', auth: 'user', path: () => '/biometrics/release?table=hitsByPurpose&interval=year' },
  {
    method: 'POST', route: '/biometrics/step-two', auth: 'user', path: () => '/biometrics/step-two', payload: () => ({ search: biometricSearch, holder: 'AAA', reference: 'AAA-SECRET-1' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }], missing: () => '/biometrics/step-two', missingPayload: () => ({ search: randomUUID(), holder: 'AAA', reference: 'AAA-SECRET-1' }) },
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/biometrics/step-two', auth: 'user', path: () => '/biometrics/step-two' },
  {
    method: 'GET', route: '/biometrics/step-two/:id', auth: 'user', path: () => `/biometrics/step-two/${stepTwoRequest}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer }], missing: () => `/biometrics/step-two/${randomUUID()}` },
  },
  {
    method: 'GET', route: '/biometrics/step-two/:id/probe-image', auth: 'user', path: () => `/biometrics/step-two/${stepTwoRequest}/probe-image`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/step-two/${randomUUID()}/probe-image` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'GET', route: '/biometrics/step-two/:id/candidates/:subject/image', auth: 'user', path: () => `/biometrics/step-two/${stepTwoRequest}/candidates/${ownerSubject}/image`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/step-two/${randomUUID()}/candidates/${ownerSubject}/image` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/step-two/:id/confirm', auth: 'user', path: () => `/biometrics/step-two/${stepTwoRequest}/confirm`, payload: () => ({ subject: ownerSubject }),
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/step-two/${randomUUID()}/confirm` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/step-two/:id/reject', auth: 'user', path: () => `/biometrics/step-two/${stepTwoRequest}/reject`, payload: () => ({ reason: 'Not the same person' }),
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/step-two/${randomUUID()}/reject` },
    forbidden: [{ who: () => ownerColleague }],
  },
  {
    method: 'POST', route: '/biometrics/enrolments', auth: 'user', path: () => '/biometrics/enrolments', payload: () => ({}),
    forbidden: [{ who: () => approverOnly }],
  },
  { method: 'GET', route: '/biometrics/enrolments', auth: 'user', path: () => '/biometrics/enrolments', forbidden: [{ who: () => approverOnly }] },
  {
    method: 'GET', route: '/biometrics/enrolments/:id', auth: 'user', path: () => `/biometrics/enrolments/${ownerEnrolment}`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/enrolments/${randomUUID()}` },
  },
  {
    method: 'GET', route: '/biometrics/enrolments/:id/report.csv', auth: 'user', path: () => `/biometrics/enrolments/${ownerEnrolment}/report.csv`,
    hidden: { refusals: [{ who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/biometrics/enrolments/${randomUUID()}/report.csv` },
  },
  // Bulletins: AAA's private one, and one for every full member (the observer is outside it).
  { method: 'GET', route: '/bulletins', auth: 'user', path: () => '/bulletins' },
  {
    method: 'GET', route: '/bulletins/:id', auth: 'user', path: () => `/bulletins/${privateBulletin}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}` }], missing: () => `/bulletins/${randomUUID()}` },
  },
  { method: 'GET', route: '/bulletins/export.stix', auth: 'user', path: () => '/bulletins/export.stix' },
  { method: 'POST', route: '/bulletins/import.stix', auth: 'user', path: () => '/bulletins/import.stix', payload: validStixBundle, forbidden: [{ who: () => approverOnly }] },
  {
    method: 'GET', route: '/bulletins/:id/export.stix', auth: 'user', path: () => `/bulletins/${privateBulletin}/export.stix`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/export.stix` }, { who: () => recipient, path: () => `/bulletins/${privateDraft}/export.stix` }], missing: () => `/bulletins/${randomUUID()}/export.stix` },
  },
  // A draft is its owner member's alone: every other member, even one of its intended audience, gets the 404.
  {
    method: 'PUT', route: '/bulletins/:id/draft', auth: 'user', path: () => `/bulletins/${privateDraft}/draft`, payload: validDraft,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/bulletins/${randomUUID()}/draft` },
    forbidden: [{ who: () => recipient, path: () => `/bulletins/${sharedBulletin}/draft` }, { who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/bulletins/:id/publish', auth: 'user', path: () => `/bulletins/${privateDraft}/publish`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/bulletins/${randomUUID()}/publish` },
    forbidden: [{ who: () => recipient, path: () => `/bulletins/${sharedBulletin}/publish` }, { who: () => approverOnly }],
  },
  {
    method: 'DELETE', route: '/bulletins/:id', auth: 'user', path: () => `/bulletins/${privateDraft}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => recipient }], missing: () => `/bulletins/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/bulletins/${sharedBulletin}` }, { who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/bulletins/:id/versions', auth: 'user', path: () => `/bulletins/${privateBulletin}/versions`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/versions` }], missing: () => `/bulletins/${randomUUID()}/versions` },
  },
  { method: 'POST', route: '/bulletins', auth: 'user', path: () => '/bulletins', payload: validBulletin, forbidden: [{ who: () => approverOnly }] },
  {
    method: 'PATCH', route: '/bulletins/:id', auth: 'user', path: () => `/bulletins/${privateBulletin}`, payload: () => ({ note: 'Taken over', title: 'Taken over' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/bulletins/${randomUUID()}` },
    forbidden: [{ who: () => recipient, path: () => `/bulletins/${sharedBulletin}` }, { who: () => approverOnly }],
  },
  {
    method: 'POST', route: '/bulletins/:id/attachments', auth: 'user', path: () => `/bulletins/${privateBulletin}/attachments`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }], missing: () => `/bulletins/${randomUUID()}/attachments` },
    forbidden: [{ who: () => recipient, path: () => `/bulletins/${sharedBulletin}/attachments` }, { who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/bulletins/:id/attachments/:attachment', auth: 'user', path: () => `/bulletins/${privateBulletin}/attachments/${privateAttachment}`,
    hidden: {
      refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/attachments/${sharedAttachment}` }, { who: () => recipient, path: () => `/bulletins/${sharedBulletin}/attachments/${privateAttachment}` }],
      missing: () => `/bulletins/${privateBulletin}/attachments/${randomUUID()}`,
    },
  },
  {
    method: 'GET', route: '/bulletins/:id/acknowledgements', auth: 'user', path: () => `/bulletins/${privateBulletin}/acknowledgements`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/acknowledgements` }], missing: () => `/bulletins/${randomUUID()}/acknowledgements` },
  },
  {
    method: 'POST', route: '/bulletins/:id/acknowledgements', auth: 'user', path: () => `/bulletins/${privateBulletin}/acknowledgements`, payload: () => ({ kind: 'read' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/acknowledgements` }], missing: () => `/bulletins/${randomUUID()}/acknowledgements` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/bulletins/:id/comments', auth: 'user', path: () => `/bulletins/${privateBulletin}/comments`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/comments` }], missing: () => `/bulletins/${randomUUID()}/comments` },
  },
  {
    method: 'POST', route: '/bulletins/:id/comments', auth: 'user', path: () => `/bulletins/${privateBulletin}/comments`, payload: () => ({ body: 'Seen here too.' }),
    hidden: { refusals: [{ who: () => outsider }, { who: () => observer, path: () => `/bulletins/${sharedBulletin}/comments` }], missing: () => `/bulletins/${randomUUID()}/comments` },
    forbidden: [{ who: () => approverOnly }],
  },
  {
    method: 'GET', route: '/biometrics/searches/:id', auth: 'user', path: () => `/biometrics/searches/${biometricSearch}`,
    hidden: { refusals: [{ who: () => outsider }, { who: () => outsiderAdmin }, { who: () => observer }], missing: () => `/biometrics/searches/${randomUUID()}` },
  },
];

const label = (c: Pick<Case, 'method' | 'route'>): string => `${c.method} ${c.route}`;

function request(c: Case, who: TestSession | null, refusal?: Refusal): Promise<LightMyRequestResponse> {
  const path = refusal?.path?.() ?? c.path();
  const payload = refusal?.payload?.() ?? c.payload?.();
  if (c.route === '/library/documents/upload') {
    return t.as(who, { method: c.method, url: PREFIX + path, ...multipartUpload() });
  }
  if (c.route === '/reports/import' || c.route === '/reports/import-runs' || c.route === '/reports/import-mappings/preview') {
    return t.as(who, { method: c.method, url: PREFIX + path, ...multipartImport() });
  }
  if (c.method === 'POST' && ['/biometrics/subjects/from-image', '/biometrics/searches/by-image', '/biometrics/step-two'].includes(c.route)) {
    // A real face, so that only the role or the agreement can refuse it.
    return t.as(who, { method: c.method, url: PREFIX + path, ...multipart([{ name: 'metadata', value: JSON.stringify(payload) }, { name: 'file', value: faceImage, filename: 'face.png', type: 'image/png' }]) });
  }
  if (c.route === '/biometrics/enrolments' && c.method === 'POST') {
    const archive = zip([{ name: 'subjects.csv', content: 'reference,image\r\nAAA-BULK-1,face.png\r\n' }, { name: 'face.png', content: faceImage }]);
    return t.as(who, { method: c.method, url: PREFIX + path, ...multipart([{ name: 'metadata', value: JSON.stringify(payload) }, { name: 'file', value: archive, filename: 'faces.zip', type: 'application/zip' }]) });
  }
  if (c.route === '/bulletins/:id/attachments') {
    return t.as(who, { method: c.method, url: PREFIX + path, ...multipart([{ name: 'file', value: faceImage, filename: 'specimen.png', type: 'image/png' }]) });
  }
  if (c.route === '/documents/import' || c.route === '/documents/cancel.csv') {
    return t.as(who, { method: c.method, url: PREFIX + path, ...travelCsv() });
  }
  return t.as(who, { method: c.method, url: PREFIX + path, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

function expectProblem(response: LightMyRequestResponse, status: number, what: string): Record<string, unknown> {
  expect(response.statusCode, `${what}: ${response.body}`).toBe(status);
  expect(response.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const body = response.json<Record<string, unknown>>();
  expect(body.status, what).toBe(status);
  expect(body.requestId, what).toBe(response.headers['x-request-id']);
  return body;
}

/** What a client can compare between two 404s: everything but the request id and the path asked for. */
function shape(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _requestId, instance: _instance, ...rest } = body;
  return { ...rest, keys: Object.keys(body).sort() };
}

/** Routes as the router holds them, read from Fastify's route tree (hidden routes included). */
async function session(member: string, roles: Parameters<TestContext['makeUser']>[1]): Promise<TestSession> {
  return t.sessionFor(await t.makeUser(member, roles));
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.makeMember('CCC');
  await t.makeMember('OBS', { status: 'observer' });
  await t.makeGroup(GROUP, ['AAA', 'CCC']);
  ownerUser = await t.makeUser('AAA', ['officer', 'member-admin']);
  ownerColleague = await session('AAA', ['officer']);
  outsider = await session('BBB', ['officer']);
  // Every role but the secretariat's, so that no role check answers before the sharing rule.
  outsiderAdmin = await session('BBB', ['officer', 'analyst', 'liaison', 'approver', 'member-admin']);
  observer = await session('OBS', ['officer']);
  recipient = await session('CCC', ['officer', 'member-admin']);
  approverOnly = await session('AAA', ['approver']);

  privateDoc = await t.makeDocument('AAA', { title: 'Private to AAA' });
  sharedDoc = await t.makeDocument('AAA', { title: 'Shared with every full member', audience: 'all' });
  await t.db.ownerTransaction(async (tx) => {
    await tx.query(sql`UPDATE library_documents SET file_name = 'notes.txt', file_type = 'text/plain; charset=utf-8', file_content = ${Buffer.from('secret notes')}
      WHERE id = ANY(${[privateDoc, sharedDoc]}::uuid[])`);
  });
  await t.tokenFor(ownerUser, ['officer']);
  [privateReport, sharedReport, submittedReport] = await t.db.ownerTransaction(async (tx) => {
    const report = async (owner: string, status: string, audience: 'owner' | 'all'): Promise<string> => {
      const id = await insertReport(tx, owner, null, { ...validReport(), sharing: { audience: { kind: audience }, tlp: 'AMBER' } });
      if (status !== 'draft') await tx.query(sql`UPDATE reports SET status = ${status}, submitted_at = now() WHERE id = ${id}`);
      return id;
    };
    // CCC contributes (reciprocity), so only the sharing rule keeps AAA's reports from it.
    await report('CCC', 'shared', 'all');
    return [await report('AAA', 'draft', 'owner'), await report('AAA', 'shared', 'all'), await report('AAA', 'submitted', 'all')];
  });
  // Travel documents: UTO's private and shared records, CCC's pending report of a UTO document, CCC's hit on the shared one.
  await t.makeMember('UTO');
  issuerUser = await t.makeUser('UTO', ['officer', 'member-admin']);
  [privateTravelDocument, sharedTravelDocument, pendingTravelReport, travelHit] = await t.db.ownerTransaction(async (tx) => {
    const holders = await holderSealer(t.platform, tx, 'UTO');
    const travelDocument = async (number: string, audience: 'owner' | 'all', reportedBy: string | null = null): Promise<string> => {
      const holder = holders.seal({ issuer: 'UTO', type: 'passport', number }, { surname: 'Secret Holder' });
      return (await tx.one<{ id: string }>(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, state, reported_by, owner, audience_kind, tlp, holder_sealed, holder_digest)
        VALUES ('UTO', 'passport', ${number}, 'stolen', ${reportedBy ? 'pending-confirmation' : 'active'}, ${reportedBy}, 'UTO', ${audience}, 'AMBER', ${holder.sealed}, ${holder.digest})
        RETURNING id`)).id;
    };
    const shared = await travelDocument('SHARED01', 'all');
    const hit = await tx.one<{ id: string }>(sql`INSERT INTO document_hits (document_id, issuer, doc_type, number, status, checker, purpose, via, owner, audience_kind, audience_members, tlp)
      VALUES (${shared}, 'UTO', 'passport', 'SHARED01', 'stolen', 'CCC', 'border control', 'number', 'UTO', 'members', ARRAY['CCC'], 'AMBER') RETURNING id`);
    return [await travelDocument('PRIVATE01', 'owner'), shared, await travelDocument('REPORTED01', 'owner', 'CCC'), hit.id];
  });
  [privateLead, sharedLead] = await t.db.ownerTransaction(async (tx) => {
    const lead = async (title: string, audience: 'owner' | 'all'): Promise<string> =>
      (await tx.one<{ id: string }>(sql`INSERT INTO linkage_leads (title, subject, owner, audience_kind, tlp) VALUES (${title}, 'person', 'AAA', ${audience}, 'AMBER') RETURNING id`)).id;
    return [await lead('A private lead', 'owner'), await lead('A lead for every full member', 'all')];
  });
  // A hit notice between AAA (told) and CCC (holder): BBB and the observer are sides of neither.
  linkNotice = await t.db.ownerTransaction(async (tx) =>
    (await tx.one<{ id: string }>(sql`INSERT INTO linkage_notices (told, holder, kind, key, told_records, holder_records, holder_named)
      VALUES ('AAA', 'CCC', 'phone', '+6281234567890', ARRAY[${privateLead}]::uuid[], '{}', true) RETURNING id`)).id);
  // AAA asked CCC about it: CCC decides (its member-admin may disclose); AAA's officer may not.
  linkRequest = await t.db.ownerTransaction(async (tx) =>
    (await tx.one<{ id: string }>(sql`INSERT INTO linkage_requests (notice_id, asker, holder, reason, urgency, due_at)
      VALUES (${linkNotice}, 'AAA', 'CCC', 'A case', 'routine', now() + interval '2 days') RETURNING id`)).id);
  // Biometrics: AAA and CCC under an agreement in force (each may search the other), one only
  // proposed; AAA's gallery holds a subject, which CCC's search hit. BBB and the observer are parties to neither.
  [agreementInForce, agreementProposed] = await t.db.ownerTransaction(async (tx) => {
    const agreement = async (status: string, accepted: string[]): Promise<string> => {
      const { id } = await tx.one<{ id: string }>(sql`INSERT INTO biometric_agreements (title, proposer, parties, directions, purposes, modalities, formats, step_two_fields, valid_from, status, step_two_images)
        VALUES ('Secret AAA exchange', 'AAA', ARRAY['AAA', 'CCC'], ARRAY['AAA>CCC', 'CCC>AAA'], ARRAY['irregular-arrival'], ARRAY['face'], ARRAY['human-faceres-1024'], ARRAY['familyName'], '2026-01-01', ${status}, true)
        RETURNING id`);
      for (const member of accepted) await tx.query(sql`INSERT INTO biometric_acceptances (agreement_id, member) VALUES (${id}, ${member})`);
      return id;
    };
    return [await agreement('active', ['AAA', 'CCC']), await agreement('proposed', ['AAA'])];
  });
  const enrolled = await t.as(await t.sessionFor(ownerUser), { method: 'POST', url: `${PREFIX}/biometrics/subjects`, payload: { reference: 'AAA-SECRET-1', template: faceTemplate(1), biographic: { familyName: 'Secret' } } });
  ownerSubject = enrolled.json<{ data: { id: string } }>().data.id;
  const withImage = await t.as(await t.sessionFor(ownerUser), {
    method: 'POST', url: `${PREFIX}/biometrics/subjects/from-image`,
    ...multipart([{ name: 'metadata', value: JSON.stringify({ reference: 'AAA-SECRET-IMAGE' }) }, { name: 'file', value: faceImage, filename: 'face.png', type: 'image/png' }]),
  });
  ownerImageSubject = withImage.json<{ data: { id: string } }>().data.id;
  const searched = await t.as(recipient, { method: 'POST', url: `${PREFIX}/biometrics/searches`, payload: biometricSearchBody(agreementInForce) });
  biometricSearch = searched.json<{ data: { id: string } }>().data.id;
  const asked = await t.as(recipient, {
    method: 'POST', url: `${PREFIX}/biometrics/step-two`,
    ...multipart([{ name: 'metadata', value: JSON.stringify({ search: biometricSearch, holder: 'AAA', reference: 'AAA-SECRET-1' }) }, { name: 'file', value: faceImage, filename: 'probe.png', type: 'image/png' }]),
  });
  expect(asked.statusCode, asked.body).toBe(201);
  stepTwoRequest = asked.json<{ data: { id: string } }>().data.id;
  ownerEnrolment = await t.db.ownerTransaction(async (tx) => {
    const { id } = await tx.one<{ id: string }>(sql`INSERT INTO biometric_enrolment_runs (owner, file_name, csv_name, format, status, total, processed, rejected, finished_at)
      VALUES ('AAA', 'Private faces.zip', 'subjects.csv', 'human-faceres-1024', 'done', 1, 1, 1, now()) RETURNING id`);
    await tx.query(sql`INSERT INTO biometric_enrolment_rejections (run_id, owner, csv_row, file, reference, reason, detail)
      VALUES (${id}, 'AAA', 2, 'secret.png', 'AAA-SECRET-BULK', 'no-face', 'No face was found in the image.')`);
    return id;
  });
  [ownerImportRun, ownerMapping] = await t.db.ownerTransaction(async (tx) => [
    (await tx.one<{ id: string }>(sql`INSERT INTO report_import_runs (owner, file_name, format, dry_run, status, result)
      VALUES ('AAA', 'Private import.csv', 'lintas', true, 'done', ${JSON.stringify({
        dryRun: true, format: 'lintas', rows: 1, imported: 0, updated: 0, unchanged: 0, rejected: 1, skipped: [], encoding: 'utf-8', delimiter: ',',
        errors: [{ row: 2, column: 'narrative', message: 'names a person', value: 'secret' }], warnings: [], dates: [],
      })}::jsonb) RETURNING id`)).id,
    (await tx.one<{ id: string }>(sql`INSERT INTO report_import_mappings (owner, name, mapping)
      VALUES ('AAA', 'Private mapping', '{"columns": [{"source": "Type", "target": "incident_type"}]}') RETURNING id`)).id,
  ]);
  [privateBulletin, sharedBulletin, privateAttachment, sharedAttachment] = await t.db.ownerTransaction(async (tx) => {
    const bulletin = async (title: string, audience: 'owner' | 'all'): Promise<string> => {
      const { id } = await tx.one<{ id: string }>(sql`INSERT INTO bulletins (type, title, body, owner, audience_kind, tlp) VALUES ('alert', ${title}, 'secret method', 'AAA', ${audience}, 'AMBER') RETURNING id`);
      await tx.query(sql`INSERT INTO bulletin_versions (bulletin_id, version, type, title, body, countries, places, tags) VALUES (${id}, 1, 'alert', ${title}, 'secret method', '{}', '{}', '{}')`);
      return id;
    };
    const attachment = async (id: string): Promise<string> =>
      (await tx.one<{ id: string }>(sql`INSERT INTO bulletin_attachments (bulletin_id, name, content_type, size, sha256, content)
        VALUES (${id}, 'secret.pdf', 'application/pdf', 13, ${'0'.repeat(64)}, ${Buffer.from('%PDF-1.7 test')}) RETURNING id`)).id;
    const [one, two] = [await bulletin('A private bulletin', 'owner'), await bulletin('A bulletin for every full member', 'all')];
    return [one, two, await attachment(one), await attachment(two)];
  });
  privateDraft = await t.db.ownerTransaction(async (tx) => (await tx.one<{ id: string }>(sql`INSERT INTO bulletins (type, title, body, owner, audience_kind, tlp, draft, intended_sharing)
    VALUES ('alert', 'A private draft', 'secret method', 'AAA', 'owner', 'AMBER', true, ${JSON.stringify({ audience: { kind: 'all' }, tlp: 'AMBER' })}::jsonb) RETURNING id`)).id);
  ownerTokenId = (await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM lintas_secrets.api_tokens WHERE user_id = ${ownerUser.id}`))).id;
  const spare = await t.sessionFor(ownerUser);
  ownerSpareSessionId = (
    await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT public_id AS id FROM lintas_secrets.sessions WHERE id_hash = ${digest(spare.cookie.split('=')[1]!)}`))
  ).id;
  ownerNotification = (
    await t.db.ownerTransaction((tx) =>
      tx.one<{ id: string }>(sql`INSERT INTO notifications (user_id, kind, title, object_type, object_id, owner)
        VALUES (${ownerUser.id}, 'library.shared', 'A private document', 'library-document', ${privateDoc}, 'AAA') RETURNING id`),
    )
  ).id;
  ownerSubscription = (
    await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`INSERT INTO notification_subscriptions (user_id, module) VALUES (${ownerUser.id}, 'library') RETURNING id`))
  ).id;
  ownerEndpoint = (
    await t.db.ownerTransaction((tx) =>
      tx.one<{ id: string }>(sql`INSERT INTO webhook_endpoints (url, secret_sealed, owner) VALUES ('https://hooks.aaa.test/lintas', '\\x00', 'AAA') RETURNING id`),
    )
  ).id;
  ownerDelivery = (
    await t.db.ownerTransaction((tx) =>
      tx.one<{ id: string }>(sql`INSERT INTO outbox (channel, payload, idempotency_key, recipient_member, endpoint_id, event_kind, status)
        VALUES ('webhook', '{}', 'outsiders:webhook', 'AAA', ${ownerEndpoint}, 'test.event', 'failed') RETURNING id::text AS id`),
    )
  ).id;
});
afterAll(async () => {
  await stopFacePool();
  await t.close();
});

describe('every endpoint refuses outsiders and changes nothing', () => {
  test('the table names every route under /api/v1, and only those', () => {
    const table = cases.map(label).sort();
    expect(new Set(table).size).toBe(table.length);
    expect(routerRoutes(t.app)).toEqual(table);
    expect(documentedRoutes(t.app)).toEqual(table);
  });

  test('signed out: 401 problem+json on every route that needs a session (HEAD included), nothing changed', async () => {
    const before = await fingerprint(t.db);
    for (const c of cases.filter((one) => one.auth !== 'public')) {
      const body = expectProblem(await request(c, null), 401, `${label(c)} signed out`);
      expect(body.title).toBe('Not signed in');
      if (c.method === 'GET') {
        const head = await t.as(null, { method: 'HEAD', url: PREFIX + c.path() });
        expect(head.statusCode, `HEAD ${c.route}`).toBe(401);
      }
      expect(await fingerprint(t.db), `${label(c)} changed the database`).toEqual(before);
    }
  });

  test('the public routes answer a signed-out client (bad input is 400, not 401) and change nothing', async () => {
    const before = await fingerprint(t.db);
    const publicCases = cases.filter((c) => c.auth === 'public');
    expect(publicCases.map(label)).toEqual(['POST /auth/sign-in', 'POST /auth/password-reset', 'POST /auth/password-reset/complete', 'POST /subscriptions/unsubscribe', 'POST /subscriptions/unsubscribe/one-click']);
    for (const c of publicCases) {
      const response = await t.as(null, { method: c.method, url: PREFIX + c.path(), payload: c.publicInvalid as Record<string, unknown> });
      expectProblem(response, 400, `${label(c)} signed out with bad input`);
      expect(await fingerprint(t.db), `${label(c)} changed the database`).toEqual(before);
    }
  });

  test('a record another member may not see is the same 404 as one that does not exist, and nothing changes', async () => {
    const before = await fingerprint(t.db);
    const recordCases = cases.filter((c) => c.hidden);
    expect(recordCases.length).toBe(81);
    for (const c of recordCases) {
      const hidden = c.hidden!;
      const absent: Refusal = { who: hidden.refusals[0]!.who, path: hidden.missing, ...(hidden.missingPayload ? { payload: hidden.missingPayload } : {}) };
      const missing = expectProblem(await request(c, hidden.refusals[0]!.who(), absent), 404, `${label(c)} missing`);
      for (const [index, refusal] of hidden.refusals.entries()) {
        const what = `${label(c)} hidden from viewer ${index}`;
        const body = expectProblem(await request(c, refusal.who(), refusal), 404, what);
        expect(shape(body), what).toEqual(shape(missing));
        expect(JSON.stringify(body), what).not.toMatch(/AAA|Private|secret/);
        expect(await fingerprint(t.db), `${what} changed the database`).toEqual(before);
      }
    }
  });

  test('a write the role or the ownership does not allow is 403, and nothing changes', async () => {
    const before = await fingerprint(t.db);
    const forbiddenCases = cases.filter((c) => c.forbidden);
    expect(forbiddenCases.length).toBe(89);
    for (const c of forbiddenCases) {
      for (const [index, refusal] of c.forbidden!.entries()) {
        const what = `${label(c)} refused to user ${index}`;
        const body = expectProblem(await request(c, refusal.who(), refusal), 403, what);
        expect(body.title, what).toBe('Forbidden');
        expect(await fingerprint(t.db), `${what} changed the database`).toEqual(before);
      }
    }
  });

  test('the refused requests were possible: the owner side gets what the outsiders were refused', async () => {
    // Without this, a 404 or 403 from a broken route would pass the tests above.
    const owner = await t.sessionFor(ownerUser);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/library/documents/${privateDoc}` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/library/documents/${privateDoc}/file` })).body).toBe('secret notes');
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/library/documents/${sharedDoc}` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/webhooks/endpoints/${ownerEndpoint}` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/webhooks/endpoints/${ownerEndpoint}/deliveries` })).json<{ data: { id: string }[] }>().data.map((d) => d.id)).toEqual([ownerDelivery]);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/reports/${privateReport}` })).statusCode).toBe(200);
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/reports/${sharedReport}` })).statusCode).toBe(200);
    expect((await t.as(approverOnly, { method: 'POST', url: `${PREFIX}/reports/${submittedReport}/approve` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/reports/bulk/submit`, payload: { ids: [privateReport], dryRun: true } })).json()).toMatchObject({ done: 1 });
    expect((await t.as(owner, { method: 'PUT', url: `${PREFIX}/reports/${privateReport}`, payload: validReport() })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/reports/${privateReport}` })).statusCode).toBe(204);
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/linkage/graph`, payload: { record: { module: 'linkage', recordType: 'lead', id: privateLead } } })).statusCode).toBe(200);
    expect((await t.as(recipient, { method: 'POST', url: `${PREFIX}/linkage/graph`, payload: { record: { module: 'linkage', recordType: 'lead', id: sharedLead } } })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/reports/import-runs/${ownerImportRun}` })).json()).toMatchObject({ fileName: 'Private import.csv' });
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/reports/import-runs/${ownerImportRun}/errors.csv` })).body).toContain('secret');
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/reports/import-mappings/${ownerMapping}` })).json()).toMatchObject({ name: 'Private mapping' });
    expect((await t.as(owner, { method: 'PUT', url: `${PREFIX}/reports/import-mappings/${ownerMapping}`, payload: mappingBody() })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/reports/import-mappings/${ownerMapping}` })).statusCode).toBe(204);
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/groups/${GROUP}` })).json()).toMatchObject({ data: { members: ['AAA', 'CCC'] } });
    expect((await t.as(owner, { method: 'PATCH', url: `${PREFIX}/users/${ownerUser.id}`, payload: { name: 'Owner user' } })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/inbox/${ownerNotification}/read` })).statusCode).toBe(204);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/account/tokens/${ownerTokenId}` })).statusCode).toBe(204);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/account/sessions/${ownerSpareSessionId}` })).statusCode).toBe(204);
    expect((await t.as(owner, { method: 'PATCH', url: `${PREFIX}/library/documents/${sharedDoc}`, payload: { title: 'Renamed by its owner' } })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/library/documents/${privateDoc}` })).statusCode).toBe(204);
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/biometrics/searches/${biometricSearch}` })).json()).toMatchObject({ data: { results: [{ holder: 'AAA', hit: true, candidates: [{ reference: 'AAA-SECRET-1' }] }] } });
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/subjects/${ownerSubject}` })).json()).toMatchObject({ data: { biographic: { familyName: 'Secret' } } });
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/biometrics/step-two/${stepTwoRequest}` })).json()).toMatchObject({ data: { status: 'pending', side: 'requester' } });
    expect((await t.as(approverOnly, { method: 'GET', url: `${PREFIX}/biometrics/step-two/${stepTwoRequest}/probe-image` })).headers['content-type']).toBe('image/jpeg');
    expect((await t.as(approverOnly, { method: 'POST', url: `${PREFIX}/biometrics/step-two/${stepTwoRequest}/confirm`, payload: { subject: ownerSubject } })).json()).toMatchObject({ data: { status: 'confirmed' } });
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/biometrics/step-two/${stepTwoRequest}` })).json()).toMatchObject({ data: { disclosed: { familyName: 'Secret' } } });
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/subjects/${ownerImageSubject}/image` })).headers['content-type']).toBe('image/jpeg');
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/enrolments/${ownerEnrolment}` })).json()).toMatchObject({ data: { fileName: 'Private faces.zip', rejections: [{ reference: 'AAA-SECRET-BULK', reason: 'no-face' }] } });
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/enrolments/${ownerEnrolment}/report.csv` })).body).toContain('AAA-SECRET-BULK');
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/enrolments` })).json<{ data: { id: string }[] }>().data.map((run) => run.id)).toEqual([ownerEnrolment]);
    const byImage = await t.as(recipient, {
      method: 'POST', url: `${PREFIX}/biometrics/searches/by-image`,
      ...multipart([{ name: 'metadata', value: JSON.stringify({ agreement: agreementInForce, purpose: 'irregular-arrival' }) }, { name: 'file', value: faceImage, filename: 'face.png', type: 'image/png' }]),
    });
    expect(byImage.json()).toMatchObject({ data: { results: [{ holder: 'AAA', hit: true, candidates: [{ reference: 'AAA-SECRET-IMAGE', band: 'high' }] }] } });
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/biometrics/agreements/${agreementInForce}` })).json()).toMatchObject({ data: { inForce: true } });
    expect((await t.as(recipient, { method: 'POST', url: `${PREFIX}/biometrics/agreements/${agreementProposed}/accept` })).json()).toMatchObject({ data: { status: 'active' } });
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/biometrics/agreements/${agreementInForce}/suspend`, payload: { reason: 'A breach' } })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/biometrics/agreements/${agreementInForce}/resume` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/biometrics/subjects/${ownerSubject}` })).statusCode).toBe(204);
    expect((await t.as(recipient, { method: 'POST', url: `${PREFIX}/biometrics/agreements/${agreementInForce}/terminate`, payload: { reason: 'Ended' } })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/bulletins/${privateBulletin}` })).json()).toMatchObject({ data: { title: 'A private bulletin' } });
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/bulletins/${sharedBulletin}/attachments/${sharedAttachment}` })).body).toBe('%PDF-1.7 test');
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/bulletins/${privateBulletin}/attachments/${privateAttachment}` })).statusCode).toBe(200);
    expect((await t.as(recipient, { method: 'POST', url: `${PREFIX}/bulletins/${sharedBulletin}/comments`, payload: { body: 'Seen.' } })).statusCode).toBe(201);
    expect((await t.as(owner, { method: 'GET', url: `${PREFIX}/bulletins/${sharedBulletin}/comments` })).json()).toMatchObject({ data: [{ member: 'CCC' }] });
    expect((await t.as(owner, { method: 'PATCH', url: `${PREFIX}/bulletins/${privateBulletin}`, payload: { note: 'Corrected', title: 'Corrected' } })).json()).toMatchObject({ data: { version: 2 } });
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/bulletins/${sharedBulletin}/export.stix` })).json()).toMatchObject({ type: 'bundle', objects: expect.arrayContaining([expect.objectContaining({ type: 'report', name: 'A bulletin for every full member' })]) as unknown });
    expect((await t.as(outsider, { method: 'POST', url: `${PREFIX}/bulletins/import.stix`, payload: validStixBundle() })).statusCode).toBe(201);
    expect((await t.as(owner, { method: 'PUT', url: `${PREFIX}/bulletins/${privateDraft}/draft`, payload: validDraft() })).json()).toMatchObject({ data: { draft: true, title: 'An outsider’s alert' } });
    expect((await t.as(owner, { method: 'POST', url: `${PREFIX}/bulletins/${privateDraft}/publish` })).json()).toMatchObject({ data: { draft: false, sharing: { audience: { kind: 'members', members: ['CCC'] } } } });
    const dropped = (await t.as(owner, { method: 'POST', url: `${PREFIX}/bulletins`, payload: { ...validBulletin(), draft: true } })).json<{ data: { id: string } }>().data.id;
    expect((await t.as(owner, { method: 'DELETE', url: `${PREFIX}/bulletins/${dropped}` })).statusCode).toBe(204);
    const attached = await t.as(owner, { method: 'POST', url: `${PREFIX}/bulletins/${privateBulletin}/attachments`, ...multipart([{ name: 'file', value: faceImage, filename: 'specimen.png', type: 'image/png' }]) });
    expect(attached.json()).toMatchObject({ data: { contentType: 'image/png' } });
    const issuer = await t.sessionFor(issuerUser);
    expect((await t.as(issuer, { method: 'GET', url: `${PREFIX}/documents/${privateTravelDocument}` })).statusCode).toBe(200);
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/documents/${sharedTravelDocument}` })).statusCode).toBe(200);
    expect((await t.as(recipient, { method: 'GET', url: `${PREFIX}/documents/hits/${travelHit}/holder` })).json()).toMatchObject({ data: { holder: { surname: 'Secret Holder' } } });
    expect((await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/hits/${travelHit}/answer`, payload: { outcome: 'confirmed' } })).statusCode).toBe(200);
    expect((await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${sharedTravelDocument}`, payload: { status: 'revoked' } })).statusCode).toBe(200);
    expect((await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/${pendingTravelReport}/confirm`, payload: {} })).statusCode).toBe(200);
    expect((await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/${privateTravelDocument}/cancel`, payload: {} })).statusCode).toBe(200);
    expect((await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/import`, ...travelCsv() })).json()).toMatchObject({ added: 1 });
  });

  test('lists, counts and searches leave out what the outsider may not see', async () => {
    const secret = await t.makeDocument('AAA', { title: 'Quokka route analysis', body: 'quokka quokka' });
    const search = (await t.as(outsider, { method: 'GET', url: `${PREFIX}/library/documents?q=quokka` })).json<{ data: unknown[] }>();
    expect(search.data).toEqual([]);
    expect((await t.as(outsider, { method: 'GET', url: `${PREFIX}/library/count?q=quokka` })).json()).toEqual({ total: 0 });
    const list = (await t.as(outsider, { method: 'GET', url: `${PREFIX}/library/documents?limit=100` })).json<{ data: { id: string }[] }>();
    expect(list.data.map((doc) => doc.id)).toEqual([sharedDoc]);
    expect((await t.as(outsider, { method: 'GET', url: `${PREFIX}/bulletins?limit=100` })).json<{ data: { id: string }[] }>().data.map((one) => one.id)).toEqual([sharedBulletin]);
    expect((await t.as(observer, { method: 'GET', url: `${PREFIX}/bulletins?limit=100` })).json()).toEqual({ data: [], next: null });
    expect((await t.as(outsider, { method: 'GET', url: `${PREFIX}/groups` })).json()).toEqual({ data: [] });
    expect((await t.as(outsider, { method: 'GET', url: `${PREFIX}/members/AAA` })).json<{ data: { groups: unknown[] } }>().data.groups).toEqual([]);
    // The owner does find it, so the search words were right.
    const owner = await t.sessionFor(ownerUser);
    const found = (await t.as(owner, { method: 'GET', url: `${PREFIX}/library/documents?q=quokka` })).json<{ data: { id: string }[] }>();
    expect(found.data.map((doc) => doc.id)).toEqual([secret]);
  });
});
