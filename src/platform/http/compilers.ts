import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), shared by
 * every app built in this process instead of made again for each one.
 *
 * Fastify makes a new Ajv and compiles every route's schemas when an app starts: about 0.3 s of CPU
 * for the validators and 0.4 s for the serializers with Lintas's routes. A server process builds one
 * app, so this changes nothing for it; a process that builds many (the test suite builds one or more
 * per test file, all in two worker processes) compiled the same schemas again each time.
 *
 * - Validators: one compiler per set of shared schemas and Ajv options, as Fastify's own pool keys it
 *   within an app; Ajv keeps each compiled schema by the schema object, and the routes' schemas are
 *   module constants, so a second app reuses them.
 * - Serializers: kept by the response schema object, per set of shared schemas and options.
 * Both are pure functions of their schema and options, so sharing them shares no state between apps.
 */
const validators = AjvCompiler();
const serializers = new Map<string, WeakMap<object, (doc: unknown) => string>>();
const newSerializerFactory = SerializerSelector();

type SerializerFactory = ReturnType<typeof SerializerSelector>;

const sharedSerializers: SerializerFactory = (externalSchemas, options) => {
  const key = JSON.stringify(externalSchemas ?? {}) + JSON.stringify(options ?? {});
  let byschema = serializers.get(key);
  if (!byschema) {
    byschema = new WeakMap();
    serializers.set(key, byschema);
  }
  const kept = byschema;
  const compile = newSerializerFactory(externalSchemas, options);
  return (route) => {
    const schema = route.schema;
    if (typeof schema !== 'object' || schema === null) return compile(route);
    let serializer = kept.get(schema);
    if (!serializer) {
      serializer = compile(route);
      kept.set(schema, serializer);
    }
    return serializer;
  };
};

/** Fastify's `schemaController.compilersFactory`. */
export const sharedCompilers = { buildValidator: validators, buildSerializer: sharedSerializers };
