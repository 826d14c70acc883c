/**
 * The account module as the web app sees it: the answers of /auth/* and /account/*, typed from the
 * server's schemas (src/modules/account/schemas.ts) with type-only imports, so a change there is a
 * type error here. The session itself (`Me`) is in web/src/session.tsx, as every module reads it.
 */
import type { Static } from 'typebox';
import type { AccountSession as AccountSessionSchema, PasswordChanged as PasswordChangedSchema, RecoveryCodes as RecoveryCodesSchema, SessionsEnded as SessionsEndedSchema, SignInResult as SignInResultSchema, Token, TokenCreated as TokenCreatedSchema, TotpEnrolment as TotpEnrolmentSchema } from '../../../../src/modules/account/schemas.js';
import type { AccountExport as AccountExportSchema } from '../../../../src/modules/account/export.js';
import type { Subscription as SubscriptionSchema, SubscriptionCreate } from '../../../../src/modules/account/subscriptions.js';
import type { TimeZoneOne as TimeZoneOneSchema } from '../../../../src/modules/account/time-zone.js';
import type { PASSWORD_RULES } from '../../../../src/platform/auth/secrets.js';
import type { Topic as TopicSchema } from '../../../../src/platform/notify/topics.js';

export type SignInResult = Static<typeof SignInResultSchema>;
export type TotpEnrolment = Static<typeof TotpEnrolmentSchema>;
export type RecoveryCodes = Static<typeof RecoveryCodesSchema>;
export type PasswordChanged = Static<typeof PasswordChangedSchema>;
export type ApiToken = Static<typeof Token>;
export type TokenCreated = Static<typeof TokenCreatedSchema>;
/** GET /account/sessions: one of the user's browser sessions, by an opaque id. */
export type AccountSession = Static<typeof AccountSessionSchema>;
export type SessionsEnded = Static<typeof SessionsEndedSchema>;
/** GET /account/export: the user's own account data. */
export type AccountExport = Static<typeof AccountExportSchema>;

/** The server's shortest password (PASSWORD_RULES): a different number there is a type error here. */
export const MIN_PASSWORD_LENGTH: (typeof PASSWORD_RULES)['minLength'] = 12;

/** A subscription to a module's notifications (GET /account/subscriptions). */
export type Subscription = Static<typeof SubscriptionSchema>;
export type SubscriptionInput = Static<typeof SubscriptionCreate>;
/** What a module notifies about, and whether one may subscribe to it (GET /notifications/topics). */
export type Topic = Static<typeof TopicSchema>;
/** GET/PUT /account/time-zone: the user's IANA time zone. */
export type TimeZoneOne = Static<typeof TimeZoneOneSchema>;
