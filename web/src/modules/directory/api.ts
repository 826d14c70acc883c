/**
 * The directory module as the web app sees it: members, groups, users and focal points, typed from
 * the server's schemas (src/modules/directory/schemas.ts) with type-only imports, so a change there
 * is a type error here.
 */
import type { Static } from 'typebox';
import { msg, type MessageId } from '../../i18n/index.js';
import type { Group as GroupSchema, MemberDetail, MemberSummary as MemberSummarySchema, TOPICS, User as UserSchema } from '../../../../src/modules/directory/schemas.js';
import type { ResetSent as ResetSentSchema } from '../../../../src/modules/directory/routes.js';

export type MemberSummary = Static<typeof MemberSummarySchema>;
export type MemberKind = MemberSummary['kind'];
export type MemberStatus = MemberSummary['status'];

/** GET, POST and PATCH /members/:code, PUT /members/:code/focal-points: the member and what the user may do with it. */
export type MemberOne = Static<typeof MemberDetail>;
export type Member = MemberOne['data'];

export type Group = Static<typeof GroupSchema>;
export type User = Static<typeof UserSchema>;

/**
 * POST /users and POST /users/:id/password-reset also say where the link to set a password went (the
 * link itself only to the secretariat when no mail is configured). Hand-written: the server keeps
 * these fields in src/modules/directory/routes.ts and does not export them.
 */
export type ResetSent = Static<typeof ResetSentSchema>;

export type FocalPointTopic = (typeof TOPICS)[number];
/** Every topic, in the server's order; a topic the server adds and this list lacks is a type error (the server's list is not import-free). */
const TOPIC_NAMES: Readonly<Record<FocalPointTopic, true>> = {
  general: true, reports: true, documents: true, linkage: true, biometrics: true, bulletins: true, statistics: true, events: true, roadmap: true, library: true,
};
export const FOCAL_POINT_TOPICS = Object.keys(TOPIC_NAMES) as FocalPointTopic[];

export const TOPIC_LABEL: Readonly<Record<FocalPointTopic, MessageId>> = {
  general: msg('directory.topic.general'),
  reports: msg('directory.topic.reports'),
  documents: msg('directory.topic.documents'),
  linkage: msg('directory.topic.linkage'),
  biometrics: msg('directory.topic.biometrics'),
  bulletins: msg('directory.topic.bulletins'),
  statistics: msg('directory.topic.statistics'),
  events: msg('directory.topic.events'),
  roadmap: msg('directory.topic.roadmap'),
  library: msg('directory.topic.library'),
};

export const KIND_LABEL: Readonly<Record<MemberKind, MessageId>> = { state: msg('directory.kind.state'), organisation: msg('directory.kind.organisation') };
export const STATUS_LABEL: Readonly<Record<MemberStatus, MessageId>> = { member: msg('directory.status.member'), observer: msg('directory.status.observer') };
