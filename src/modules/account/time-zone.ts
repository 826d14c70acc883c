import { Type } from 'typebox';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { invalid } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { isTimeZone } from '../../platform/notify/digest.js';
import { Strict } from '../../platform/schema.js';

/** The user's time zone (IANA name; UTC by default): the daily digest comes at about 07:00 in it. */

const tags = ['sign-in and account'];
const TimeZone = Strict({ timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'an IANA time zone name, e.g. Asia/Jakarta' }) });
export const TimeZoneOne = Strict({ data: TimeZone });

async function read(ctx: Ctx) {
  const row = await ctx.tx.one<{ time_zone: string }>(sql`SELECT time_zone FROM users WHERE id = ${ctx.actor.userId}`);
  return { data: { timeZone: row.time_zone } };
}

async function change(ctx: Ctx, timeZone: string) {
  if (!isTimeZone(timeZone) || !/^[A-Za-z0-9_+/-]{1,64}$/.test(timeZone)) throw invalid([{ pointer: '/timeZone', detail: 'is not a time zone name (IANA, e.g. Asia/Jakarta)' }]);
  // Intl's canonical spelling (e.g. asia/jakarta → Asia/Jakarta).
  const canonical = new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  await ctx.tx.query(sql`UPDATE users SET time_zone = ${canonical}, updated_at = now() WHERE id = ${ctx.actor.userId}`);
  await ctx.audit({ action: 'account.time-zone-changed', objectType: 'user', objectId: ctx.actor.userId, objectOwner: ctx.actor.member, details: { timeZone: canonical } });
  return { data: { timeZone: canonical } };
}

export function timeZoneRoutes(app: App): void {
  app.get('/account/time-zone', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Your time zone (the daily digest comes at about 07:00 in it)', response: { 200: TimeZoneOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => read(ctx), { read: true }));

  app.put('/account/time-zone', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Set your time zone (IANA name)', body: TimeZone, response: { 200: TimeZoneOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => change(ctx, request.body.timeZone)));
}
