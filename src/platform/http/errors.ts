import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, Problem } from '../errors.js';
import { recordRefusal } from './refusals.js';
import { requestTextErrors } from './text.js';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** The schema the value failed (Ajv's verbose option). */
  parentSchema?: unknown;
}

const WHERE: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

const FORMATS: Record<string, string> = {
  email: 'an e-mail address',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time (ISO 8601)',
  uuid: 'an identifier (UUID)',
};

/** A sentence a person can read, for the checks a form meets most. */
function readable(issue: ValidationIssue): string | undefined {
  const limit = issue.params.limit;
  switch (issue.keyword) {
    case 'const':
    case 'enum':
      return Array.isArray(issue.params.allowedValues) ? `must be one of: ${issue.params.allowedValues.map(String).join(', ')}` : 'is not one of the allowed values';
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${String(limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(limit)} characters`;
    case 'minItems':
      return `must list at least ${String(limit)}`;
    case 'maxItems':
      return `must list at most ${String(limit)}`;
    case 'uniqueItems':
      return 'must not list the same value twice';
    case 'minimum':
      return `must be ${String(limit)} or more`;
    case 'maximum':
      return `must be ${String(limit)} or less`;
    case 'format':
      return `must be ${FORMATS[String(issue.params.format)] ?? `in the format ${String(issue.params.format)}`}`;
    case 'pattern': {
      const shape = (issue.parentSchema as { 'x-shape'?: unknown } | undefined)?.['x-shape'];
      return typeof shape === 'string' ? `must be ${shape}` : 'has characters or a shape that is not allowed here';
    }
    case 'type':
      return `must be ${String(issue.params.type).replace('integer', 'a whole number').replace(/^(string|number|boolean|object|array)$/, 'a $1')}`;
    default:
      return undefined;
  }
}

/** Turns Ajv's findings into JSON pointers at the field at fault, with a sentence a person can read. */
export function fieldErrors(issues: readonly ValidationIssue[], context: string | undefined): (FieldError & { in: string })[] {
  const where = WHERE[context ?? 'body'] ?? 'body';
  const seen = new Set<string>();
  const errors: (FieldError & { in: string })[] = [];
  for (const issue of issues) {
    let pointer = issue.instancePath;
    let detail = issue.message ?? 'is not valid';
    if (issue.keyword === 'additionalProperties') {
      pointer += `/${String(issue.params.additionalProperty)}`;
      detail = 'is not a known field';
    } else if (issue.keyword === 'required') {
      pointer += `/${String(issue.params.missingProperty)}`;
      detail = 'is required';
    } else {
      detail = readable(issue) ?? detail;
    }
    // anyOf over literals reports each branch; one line per field is enough.
    if (issue.keyword === 'anyOf' && seen.has(pointer)) continue;
    const key = `${pointer} ${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    seen.add(pointer);
    errors.push({ pointer: pointer || '/', detail, in: where });
  }
  // Keep the most specific messages: drop "must match a schema in anyOf" when a field-level one exists.
  return errors.filter((error) => !(error.detail.startsWith('must match a schema in anyOf') && errors.some((other) => other !== error && other.pointer === error.pointer)));
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  const body: Record<string, unknown> = {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...problem.extra,
  };
  if (problem.errors) body.errors = problem.errors;
  if (problem.headers) void reply.headers(problem.headers);
  return reply.status(problem.status).type('application/problem+json').send(body);
}

/** Every error leaves as problem+json. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const problem = problemOf(error, request);
    // Bad input goes on the record, counted (refusals.ts), as refused credentials do.
    if (problem.status === 400) await recordRefusal(request, 'request.invalid');
    return sendProblem(reply, request, problem);
  });
  // A path or method no route serves; a record that is missing or hidden is the route's own 404, left off the record.
  app.setNotFoundHandler(async (request, reply) => {
    await recordRefusal(request, 'route.unknown');
    return sendProblem(reply, request, new Problem(404, 'Not found', 'There is no such resource.'));
  });
}

/** The problem an error answers with; only a fault of ours is a 500, and it is logged. */
function problemOf(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof Problem) return error;
  if (error.validation) {
    const errors = fieldErrors(error.validation, error.validationContext);
    // Text the database cannot hold is named with the schema's errors (text.ts refuses it when the schema passes).
    const named = new Set(errors.map((one) => `${one.in} ${one.pointer}`));
    errors.push(...requestTextErrors(request).filter((one) => !named.has(`${one.in} ${one.pointer}`)));
    return new Problem(400, 'Invalid request', 'The request has invalid fields.', errors);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'Malformed JSON', 'The body is not valid JSON.', [{ pointer: '/', detail: error.message }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new Problem(413, 'Body too large', 'The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'Unsupported media type', `Send application/json or, for uploads, multipart/form-data.`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(400, 'Bad request', 'Content-Length does not match the body.');
    default:
      break;
  }
  if (error.statusCode === 429) {
    return new Problem(429, 'Too many requests', error.message);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new Problem(error.statusCode, 'Bad request', error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return new Problem(500, 'Internal error', `Something failed on our side; quote request id ${request.id}.`);
}
