/**
 * The platform's errors: what a client can act on, with its HTTP status and field pointers. Any
 * layer raises them (files, sharing, services); the HTTP layer turns them into RFC 9457
 * `application/problem+json` (http/errors.ts).
 */

/** Where a client's input is wrong. */
export interface FieldError {
  /** JSON pointer (RFC 6901) into the request body or query, or `/row/column` for imports. */
  pointer: string;
  detail: string;
  /** Where the pointer points, for a request's fields: `body`, `query`, `path` or `header`. */
  in?: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
    /** Response headers that go with it (Retry-After on a 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }

  get detail(): string {
    return this.message;
  }
}

/** Not found and not allowed are the same answer (DESIGN.md §3, rule 2). */
export function notFound(): Problem {
  return new Problem(404, 'Not found', 'There is no such record, or you may not see it.');
}

export function invalid(errors: FieldError[], detail = 'The request has invalid fields.'): Problem {
  return new Problem(400, 'Invalid request', detail, errors);
}

export function unauthorised(detail = 'Sign in first.'): Problem {
  return new Problem(401, 'Not signed in', detail);
}

export function forbidden(detail = 'Your role does not allow this.'): Problem {
  return new Problem(403, 'Forbidden', detail);
}

export function conflict(detail: string): Problem {
  return new Problem(409, 'Conflict', detail);
}

/** Throws the collected field errors, if any. */
export function assertNoFieldErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(errors);
}
