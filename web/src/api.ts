/**
 * The one way the web app talks to the server: JSON over fetch with the session cookie, the CSRF
 * header on every write, and problem+json turned into an ApiError. The shapes of the answers are the
 * server's schemas, imported as types only in each module's api.ts (web/src/modules/<name>/api.ts).
 */
import type { Static } from 'typebox';
import type { Page as PageSchema, ProblemSchema } from '../../src/platform/http/schemas.js';
import type { REAUTHENTICATION_REQUIRED as ReauthenticationRequired } from '../../src/platform/auth/reauthentication.js';
import { ENGLISH, msg, type MessageId, type MessageValues } from './i18n/index.js';

/** A page of a list: the items and the cursor of the next page (null on the last), as the server's `Page(item)` schema gives it. */
export type Page<T> = Omit<Static<ReturnType<typeof PageSchema>>, 'data'> & { data: T[] };

/** A field's message in a problem+json answer (the server's Problem schema). */
export type FieldError = NonNullable<Static<typeof ProblemSchema>['errors']>[number];

/** An answer other than 2xx, from problem+json when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly requestId: string | null = null,
    /** The problem's extension members (RFC 9457 §3.2), such as an image refusal's `reason`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** The problem's type (RFC 9457 §3.1.1): `about:blank` unless the server names one. */
    readonly type = 'about:blank',
  ) {
    super(detail || title);
  }

  /** The message for the field at this JSON pointer (e.g. "/email"), or for an item within it ("/tags/2"). */
  fieldError(pointer: string): string | undefined {
    return (this.errors.find((error) => error.pointer === pointer) ?? this.errors.find((error) => within(error.pointer, pointer)))?.detail;
  }
}

/** Whether a JSON pointer is the given one or points inside it. */
export function within(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

type Words = (id: MessageId, values?: MessageValues) => string;

/** English with its plain `{name}` arguments filled in, until the app gives the page's translator. */
const english: Words = (id, values) => ENGLISH[id].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? ''));
let words: Words = english;

/**
 * The translator of the page, for the errors this module makes itself (no answer, no problem+json);
 * the app sets it once its catalogue is loaded (app.tsx). The server's own problem texts are its words.
 */
export function setErrorWords(translate: Words | null): void {
  words = translate ?? english;
}

/** An error the web app makes itself, in the page's language: the title "Error" and the given detail. */
export function clientError(detail: MessageId | { text: string }, values?: MessageValues): ApiError {
  return new ApiError(0, words(msg('app.error.title')), typeof detail === 'string' ? words(detail, values) : detail.text);
}

const BASE = '/api/v1';
/** The server's problem type for a change that needs the password entered again (a different value there is a type error here). */
const REAUTHENTICATION_REQUIRED: typeof ReauthenticationRequired = '/problems/reauthentication-required';
let csrfToken: string | null = null;
const unauthorisedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Adds the CSRF header to a request made other than by `api` (an upload by XMLHttpRequest, for its progress). */
export function setCsrfHeader(set: (name: string, value: string) => void): void {
  if (csrfToken) set('x-csrf-token', csrfToken);
}

/**
 * Asks the user to enter their password again when a sensitive change is refused for want of a
 * recent one (ASVS 3.7.1); resolves true once the session is re-authenticated, false if the user
 * gave up. The app's dialog (components/reauthenticate.tsx) registers itself here.
 */
let reauthenticator: (() => Promise<boolean>) | null = null;

export function setReauthenticator(ask: (() => Promise<boolean>) | null): void {
  reauthenticator = ask;
}

/** Called when a request that needed a session got 401: the session ended elsewhere. */
export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Sends a request and answers the response, or throws the problem of an answer other than 2xx. A
 * sensitive change refused for want of a recent password is retried once, after the user entered it.
 */
async function send(method: Method, path: string, body?: unknown, signal?: AbortSignal, retried = false): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (payload !== undefined) init.body = payload;
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await fetch(BASE + path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, words(msg('app.error.networkTitle')), words(msg('app.error.network')));
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !path.startsWith('/auth/')) unauthorisedListeners.forEach((listener) => listener());
    if (response.status === 403 && problem.type === REAUTHENTICATION_REQUIRED && reauthenticator && !retried && (await reauthenticator())) {
      return send(method, path, body, signal, true);
    }
    throw problem;
  }
  return response;
}

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await send(method, path, body, signal);
  // A 202 may carry a body (a bulk enrolment's run) or none (a password reset's): read whatever came.
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The members every problem+json has; the others are the problem's own (`extra`). */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors', 'requestId']);

async function readProblem(response: Response): Promise<ApiError> {
  const fallback = response.status === 429 ? words(msg('app.error.tooMany')) : words(msg('app.error.status'), { status: response.status, statusText: response.statusText });
  try {
    const value: unknown = await response.json();
    if (typeof value === 'object' && value !== null) {
      const extra = Object.fromEntries(Object.entries(value).filter(([key]) => !PROBLEM_MEMBERS.has(key)));
      const problem = value as { type?: unknown; title?: unknown; detail?: unknown; errors?: unknown; requestId?: unknown };
      const errors = Array.isArray(problem.errors)
        ? problem.errors.filter((item): item is FieldError => typeof item === 'object' && item !== null && typeof (item as FieldError).pointer === 'string' && typeof (item as FieldError).detail === 'string')
        : [];
      return new ApiError(
        response.status,
        typeof problem.title === 'string' ? problem.title : words(msg('app.error.title')),
        typeof problem.detail === 'string' ? problem.detail : fallback,
        errors,
        typeof problem.requestId === 'string' ? problem.requestId : null,
        extra,
        typeof problem.type === 'string' ? problem.type : undefined,
      );
    }
  } catch {
    // not JSON: use the fallback below
  }
  return new ApiError(response.status, words(msg('app.error.title')), fallback);
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T = void>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T = void>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = void>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
  /** A GET whose answer is a file to download (an export): its content and headers. */
  getFile: async (path: string): Promise<{ blob: Blob; headers: Headers }> => {
    const response = await send('GET', path);
    return { blob: await response.blob(), headers: response.headers };
  },
  /** A POST whose answer is a file to download (an export): its content and headers. */
  postFile: async (path: string, body?: unknown): Promise<{ blob: Blob; headers: Headers }> => {
    const response = await send('POST', path, body);
    return { blob: await response.blob(), headers: response.headers };
  },
};

/** Builds a query string from the set values only. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
