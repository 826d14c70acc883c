import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.js';
import { perform } from '../../platform/http/pipeline.js';
import { IndexChanges, registerOf } from './register.js';

/**
 * A write that changes which documents are active or who may see them, through the request
 * pipeline: additions go into the process's index as they are made, removals and new audiences once
 * the transaction committed (a check in between is confirmed in the database, where the change is
 * already visible or not yet made).
 */
export function writeRegister<T>(request: FastifyRequest, work: (ctx: Ctx, changes: IndexChanges) => Promise<T>): Promise<T> {
  const documents = registerOf(request.server.platform);
  return perform(
    request,
    (ctx) => {
      const changes = new IndexChanges(documents);
      ctx.afterCommit(() => documents.committed(changes));
      return work(ctx, changes);
    },
    { before: () => documents.start() },
  );
}
