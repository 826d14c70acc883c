import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Static, TSchema } from 'typebox';
import { fieldErrors } from './errors.js';
import { invalid } from '../errors.js';
import { textErrors } from './text.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

// The same options as the routes' validator: unknown fields are errors, every error is reported.
const ajv = addFormats(new Ajv({ removeAdditional: false, allErrors: true, useDefaults: true, coerceTypes: false, strict: false, verbose: true, keywords: ['x-shape'] }));
const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * Validates a value that did not arrive as a JSON body (a multipart field, a row of an import)
 * against a route schema, throwing the same 400 with pointers under `prefix`.
 */
export function validateValue<S extends TSchema>(schema: S, value: unknown, prefix = ''): Static<S> {
  let check = compiled.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  const valid = check(value);
  // Text the database cannot hold (NUL, a lone surrogate), as for a request's own fields (text.ts).
  const text = textErrors(value);
  if (valid && text.length === 0) return value as Static<S>;
  const errors = fieldErrors(valid ? [] : check.errors ?? [], 'body');
  const named = new Set(errors.map((error) => error.pointer));
  errors.push(...text.filter((error) => !named.has(error.pointer)).map((error) => ({ ...error, in: 'body' })));
  throw invalid(errors.map((error) => ({ ...error, pointer: `${prefix}${error.pointer === '/' ? '' : error.pointer}` || '/' })));
}
