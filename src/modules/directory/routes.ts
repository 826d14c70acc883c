import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { IdParams, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import * as directory from './service.js';
import {
  FocalPointsPut, Group, GroupCreate, GroupParams, GroupUpdate, MemberCreate, MemberDetail, MemberParams, MemberSummary, MemberUpdate,
  SecondFactorReset, User, UserCreate, UsersQuery, UserUpdate,
} from './schemas.js';

const tags = ['directory'];
const GroupOne = Strict({ data: Group });
const UserOne = Strict({ user: User });
const resetSentFields = {
  emailedTo: Type.String({ description: 'the address the one-time link to set a password was e-mailed to' }),
  resetLink: Type.Optional(Type.String({ description: 'the link itself, only for the secretariat when no mail server is configured (audited)' })),
};

/** Where a one-time link to set a password went. */
export const ResetSent = Strict(resetSentFields);

export function directoryRoutes(app: App): void {
  app.get('/members', {
    config: { action: 'directory.read' },
    schema: { tags, summary: 'Members and observers', response: { 200: Strict({ data: Type.Array(MemberSummary) }), ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => directory.listMembers(ctx), { read: true }) }));

  app.get('/members/:code', {
    config: { action: 'directory.read' },
    schema: { tags, summary: 'A member, its groups (those you may see) and focal points', params: MemberParams, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => directory.getMember(ctx, request.params.code), { read: true }));

  app.post('/members', {
    config: { action: 'members.manage' },
    schema: { tags, summary: 'Add a member (secretariat)', body: MemberCreate, response: { 201: MemberDetail, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => directory.createMember(ctx, request.body))));

  app.patch('/members/:code', {
    config: { action: 'members.settings' },
    schema: { tags, summary: 'Change a member (name and status: secretariat; second-factor rule and agencies: its member-admin)', params: MemberParams, body: MemberUpdate, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => directory.updateMember(ctx, request.params.code, request.body)));

  app.put('/members/:code/focal-points', {
    config: { action: 'focal-points.manage' },
    schema: { tags, summary: 'Set a member’s focal points by topic', params: MemberParams, body: FocalPointsPut, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => directory.setFocalPoints(ctx, request.params.code, request.body)));

  app.get('/groups', {
    config: { action: 'directory.read' },
    schema: { tags, summary: 'Sharing groups your member belongs to, with their rosters', response: { 200: Strict({ data: Type.Array(Group) }), ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => directory.listGroups(ctx), { read: true }) }));

  app.get('/groups/:code', {
    config: { action: 'directory.read' },
    schema: { tags, summary: 'A sharing group (its members and the secretariat only)', params: GroupParams, response: { 200: GroupOne, ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => directory.getGroup(ctx, request.params.code), { read: true }) }));

  app.post('/groups', {
    config: { action: 'groups.manage' },
    schema: { tags, summary: 'Create a sharing group (secretariat)', body: GroupCreate, response: { 201: GroupOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send({ data: await perform(request, (ctx) => directory.createGroup(ctx, request.body)) }));

  app.patch('/groups/:code', {
    config: { action: 'groups.update' },
    schema: { tags, summary: 'Change a sharing group (secretariat; its chair’s member-admins: members, theme and end date)', params: GroupParams, body: GroupUpdate, response: { 200: GroupOne, ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => directory.updateGroup(ctx, request.params.code, request.body)) }));

  app.get('/users', {
    config: { action: 'users.manage' },
    schema: { tags, summary: 'Users of your member (member-admin) or of any member (secretariat)', querystring: UsersQuery, response: { 200: Strict({ data: Type.Array(User) }), ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => directory.listUsers(ctx, request.query.member)) }));

  app.post('/users', {
    config: { action: 'users.manage' },
    schema: { tags, summary: 'Create a user; a link to set the password is e-mailed to it', body: UserCreate, response: { 201: Strict({ user: User, ...resetSentFields }), ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => directory.createUser(ctx, request.body, request.session))));

  app.patch('/users/:id', {
    config: { action: 'users.manage' },
    schema: { tags, summary: 'Change a user’s name, roles or whether it is disabled (a change of roles needs a browser session that entered its password within LINTAS_REAUTH_MINUTES)', params: IdParams, body: UserUpdate, response: { 200: UserOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => directory.updateUser(ctx, request.params.id, request.body, request.session)));

  app.post('/users/:id/password-reset', {
    config: { action: 'users.manage' },
    schema: { tags, summary: 'E-mail a user a one-time link to set a new password', params: IdParams, response: { 200: ResetSent, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => directory.resetUserPassword(ctx, request.params.id)));

  app.post('/users/:id/second-factor-reset', {
    config: { action: 'users.manage' },
    schema: {
      tags,
      summary: 'Reset the second factor of a user who lost it, after proofing the person as at enrolment (a browser session that entered its password within LINTAS_REAUTH_MINUTES); its sessions end and its next sign-in sets up a new authenticator',
      params: IdParams, body: SecondFactorReset, response: { 200: UserOne, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => directory.resetSecondFactor(ctx, request.params.id, request.body, request.session)));
}
