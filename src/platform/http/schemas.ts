import { Type, type TSchema } from 'typebox';
import { ROLES } from '../auth/roles.js';
import { OneOf, Strict } from '../schema.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String(), in: Type.Optional(Type.String()) }))),
  },
  // Extension members (RFC 9457 §3.2), such as the `reason` of a refused image, pass through.
  { $id: 'Problem', description: 'RFC 9457 problem details', additionalProperties: true },
);

export const Id = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const RoleSchema = OneOf(ROLES);
export const IdParams = Strict({ id: Id });
export const Cursor = Type.String({ maxLength: 500, description: 'the `next` value of the previous page' });
export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 50 });

/** A page of items with the cursor of the next page (null on the last). */
export function Page<T extends TSchema>(item: T) {
  return Strict({ data: Type.Array(item), next: Type.Union([Type.String(), Type.Null()]) });
}

/** Problem responses every endpoint may give, for the API document. */
export const problemResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
};
