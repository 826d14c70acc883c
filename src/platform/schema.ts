import { Type, type TObject, type TProperties } from 'typebox';

/** Schema builders every layer uses (TypeBox, JSON Schema underneath). */

/** An object schema that rejects unknown fields (the platform never ignores them silently). */
export function Strict<P extends TProperties>(properties: P, options: { description?: string; title?: string } = {}): TObject<P> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/**
 * A string of a pattern, with the shape it asks for in words (`x-shape`), which a value that does not
 * fit is told: "must be a route: two ISO 3166-1 alpha-3 country codes …" rather than only that its
 * shape is wrong.
 */
export function Shaped(pattern: string, shape: string, options: { description?: string; minLength?: number; maxLength?: number } = {}) {
  return Type.String({ ...options, pattern, 'x-shape': shape });
}

/** A string that is one of `values`, typed as their union (an `enum` in the JSON Schema). */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
