import { Type, type TObject, type TProperties, type TSchema } from 'typebox';

/** An object schema that rejects unknown fields (the platform never ignores them silently). */
export function Strict<P extends TProperties>(properties: P, options: { description?: string; title?: string } = {}): TObject<P> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

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
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Id = Type.String({ format: 'uuid' });
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

/** A string that is one of `values`, typed as their union (an `enum` in the JSON Schema). */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
