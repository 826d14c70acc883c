import type { FastifyRequest } from 'fastify';
import type { Action } from '../../platform/auth/roles.js';
import type { Ctx, Platform } from '../../platform/context.js';
import { act } from '../../platform/http/authenticate.js';
import { IndexChanges, registerOf } from './register.js';

/**
 * A write that changes which documents are active: additions go into the process's index as they
 * are made, removals once the transaction committed (a check in between is confirmed in the
 * database, where the change is already visible or not yet made).
 */
export async function writeRegister<T>(platform: Platform, request: FastifyRequest, action: Action, work: (ctx: Ctx, changes: IndexChanges) => Promise<T>): Promise<T> {
  const documents = registerOf(platform);
  await documents.start();
  const changes = new IndexChanges((key) => documents.added(key));
  const result = await act(platform, request, action, (ctx) => work(ctx, changes));
  documents.committed(changes);
  return result;
}

