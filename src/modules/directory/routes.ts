import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import type { Platform } from '../../platform/context.js';
import { act, actRead } from '../../platform/http/authenticate.js';
import { IdParams, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import * as directory from './service.js';
import {
  FocalPointsPut, Group, GroupCreate, GroupParams, GroupUpdate, MemberCreate, MemberDetail, MemberParams, MemberSummary, MemberUpdate,
  User, UserCreate, UsersQuery, UserUpdate,
} from './schemas.js';

const tags = ['directory'];
const GroupOne = Strict({ data: Group });
const UserOne = Strict({ user: User });
const ResetSent = {
  emailedTo: Type.String({ description: 'the address the one-time link to set a password was e-mailed to' }),
  resetLink: Type.Optional(Type.String({ description: 'the link itself, only for the secretariat when no mail server is configured (audited)' })),
};

export function directoryRoutes(app: App, platform: Platform): void {
  app.get('/members', {
    schema: { tags, summary: 'Members and observers', response: { 200: Strict({ data: Type.Array(MemberSummary) }), ...problemResponses } },
  }, async (request) => ({ data: await actRead(platform, request, 'directory.read', (ctx) => directory.listMembers(ctx)) }));

  app.get('/members/:code', {
    schema: { tags, summary: 'A member, its groups (those you may see) and focal points', params: MemberParams, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => actRead(platform, request, 'directory.read', (ctx) => directory.getMember(ctx, request.params.code)));

  app.post('/members', {
    schema: { tags, summary: 'Add a member (secretariat)', body: MemberCreate, response: { 201: MemberDetail, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await act(platform, request, 'members.manage', (ctx) => directory.createMember(ctx, request.body))));

  app.patch('/members/:code', {
    schema: { tags, summary: 'Change a member (name and status: secretariat; second-factor rule and agencies: its member-admin)', params: MemberParams, body: MemberUpdate, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => act(platform, request, 'members.settings', (ctx) => directory.updateMember(ctx, request.params.code, request.body)));

  app.put('/members/:code/focal-points', {
    schema: { tags, summary: 'Set a member’s focal points by topic', params: MemberParams, body: FocalPointsPut, response: { 200: MemberDetail, ...problemResponses } },
  }, async (request) => act(platform, request, 'focal-points.manage', (ctx) => directory.setFocalPoints(ctx, request.params.code, request.body)));

  app.get('/groups', {
    schema: { tags, summary: 'Sharing groups your member belongs to, with their rosters', response: { 200: Strict({ data: Type.Array(Group) }), ...problemResponses } },
  }, async (request) => ({ data: await actRead(platform, request, 'directory.read', (ctx) => directory.listGroups(ctx)) }));

  app.get('/groups/:code', {
    schema: { tags, summary: 'A sharing group (its members and the secretariat only)', params: GroupParams, response: { 200: GroupOne, ...problemResponses } },
  }, async (request) => ({ data: await actRead(platform, request, 'directory.read', (ctx) => directory.getGroup(ctx, request.params.code)) }));

  app.post('/groups', {
    schema: { tags, summary: 'Create a sharing group (secretariat)', body: GroupCreate, response: { 201: GroupOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send({ data: await act(platform, request, 'groups.manage', (ctx) => directory.createGroup(ctx, request.body)) }));

  app.patch('/groups/:code', {
    schema: { tags, summary: 'Change a sharing group (secretariat)', params: GroupParams, body: GroupUpdate, response: { 200: GroupOne, ...problemResponses } },
  }, async (request) => ({ data: await act(platform, request, 'groups.manage', (ctx) => directory.updateGroup(ctx, request.params.code, request.body)) }));

  app.get('/users', {
    schema: { tags, summary: 'Users of your member (member-admin) or of any member (secretariat)', querystring: UsersQuery, response: { 200: Strict({ data: Type.Array(User) }), ...problemResponses } },
  }, async (request) => ({ data: await act(platform, request, 'users.manage', (ctx) => directory.listUsers(ctx, request.query.member)) }));

  app.post('/users', {
    schema: { tags, summary: 'Create a user; a link to set the password is e-mailed to it', body: UserCreate, response: { 201: Strict({ user: User, ...ResetSent }), ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await act(platform, request, 'users.manage', (ctx) => directory.createUser(ctx, request.body))));

  app.patch('/users/:id', {
    schema: { tags, summary: 'Change a user’s name, roles or whether it is disabled', params: IdParams, body: UserUpdate, response: { 200: UserOne, ...problemResponses } },
  }, async (request) => act(platform, request, 'users.manage', (ctx) => directory.updateUser(ctx, request.params.id, request.body)));

  app.post('/users/:id/password-reset', {
    schema: { tags, summary: 'E-mail a user a one-time link to set a new password', params: IdParams, response: { 200: Strict(ResetSent), ...problemResponses } },
  }, async (request) => act(platform, request, 'users.manage', (ctx) => directory.resetUserPassword(ctx, request.params.id)));
}
