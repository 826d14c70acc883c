import { Type, type Static } from 'typebox';
import { PASSWORD_RULES } from '../../platform/auth/secrets.js';
import { Email, RoleSchema } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';

export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_RULES.maxLength });
export const NewPassword = Type.String({ minLength: PASSWORD_RULES.minLength, maxLength: PASSWORD_RULES.maxLength, description: 'at least 12 characters' });

export const SignIn = Strict({ email: Email, password: Password });
export type SignIn = Static<typeof SignIn>;

const SecondFactorCode = Type.String({ minLength: 6, maxLength: 40, description: 'a six-digit code from the authenticator, or a recovery code (dashes and spaces ignored)' });

export const TotpCode = Strict({ code: SecondFactorCode });

export const Reauthenticate = Type.Union([Strict({ password: Password }), Strict({ code: SecondFactorCode })], {
  description: 'your password, or a current code of your second factor',
});
export type Reauthenticate = Static<typeof Reauthenticate>;

export const SignInResult = Strict({
  stage: Type.Union([Type.Literal('totp'), Type.Literal('enrol'), Type.Literal('full')], {
    description: 'totp: send a code next; enrol: the member requires a second factor, enrol one; full: signed in',
  }),
});

export const Me = Strict({
  stage: Type.Union([Type.Literal('totp'), Type.Literal('enrol'), Type.Literal('full')]),
  user: Strict({
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    member: Type.String(),
    memberName: Type.String(),
    roles: Type.Array(RoleSchema),
    totpEnabled: Type.Boolean(),
  }),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
  actions: Type.Array(Type.String(), { description: 'every action the user may do (module.verb, e.g. reports.write); empty until sign-in is full' }),
});

export const TotpEnrolment = Strict({
  secret: Type.String({ description: 'for typing into an authenticator by hand' }),
  uri: Type.String({ description: 'otpauth:// URI' }),
  qrSvg: Type.String({ description: 'the URI as an SVG QR code' }),
});

export const RecoveryCodes = Strict({ recoveryCodes: Type.Array(Type.String(), { description: 'shown once; each works once' }) });

export const ChangePassword = Strict({
  currentPassword: Password,
  newPassword: NewPassword,
  keepTokens: Type.Optional(Type.Boolean({ default: false, description: 'keep your API tokens working; by default they are revoked' })),
});
export type ChangePassword = Static<typeof ChangePassword>;

export const PasswordChanged = Strict({
  sessionsEnded: Type.Integer({ description: 'your other sessions, now ended (this one stays)' }),
  tokensRevoked: Type.Integer({ description: 'your API tokens, now revoked (none when keepTokens was set)' }),
});

export const TokenCreate = Strict({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true, description: 'a subset of your roles' }),
  expiresInDays: Type.Integer({ minimum: 1, maximum: 365, default: 90 }),
});
export type TokenCreate = Static<typeof TokenCreate>;

export const Token = Strict({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleSchema),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked: Type.Boolean(),
});

export const TokenCreated = Strict({ token: Token, secret: Type.String({ description: 'shown once: send it as Authorization: Bearer' }) });

export const ResetRequest = Strict({ email: Email });
export const ResetComplete = Strict({ token: Type.String({ minLength: 20, maxLength: 200 }), password: NewPassword });

export const AccountSession = Strict({
  id: Type.String({ format: 'uuid', description: 'an opaque id of the session, not its cookie' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time', description: 'recorded at most once a minute' }),
  address: Type.Union([Type.String(), Type.Null()], { description: 'the address it was opened from' }),
  signedIn: Type.Boolean({ description: 'false while it waits for a second factor or an enrolment' }),
  current: Type.Boolean({ description: 'the session of this request' }),
});

export const SessionsEnded = Strict({ sessionsEnded: Type.Integer({ minimum: 0 }) });
