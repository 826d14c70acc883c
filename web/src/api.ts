/**
 * The one way the web app talks to the server: JSON over fetch with the session cookie, the CSRF
 * header on every write, and problem+json turned into an ApiError.
 */

export const ROLES = ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat'] as const;
export type Role = (typeof ROLES)[number];

export type Stage = 'totp' | 'enrol' | 'full';

export interface Abilities {
  manageMembers: boolean;
  manageGroups: boolean;
  manageUsers: boolean;
  writeLibrary: boolean;
  readAudit: boolean;
}

export interface Session {
  stage: Stage;
  user: { id: string; name: string; email: string; member: string; memberName: string; roles: Role[]; totpEnabled: boolean };
  csrfToken: string | null;
  abilities: Abilities;
}

export type MemberKind = 'state' | 'organisation';
export type MemberStatus = 'member' | 'observer';

export interface MemberSummary {
  code: string;
  name: string;
  kind: MemberKind;
  status: MemberStatus;
}

export const FOCAL_POINT_TOPICS = ['general', 'reports', 'documents', 'linkage', 'biometrics', 'bulletins', 'statistics', 'events', 'roadmap', 'library'] as const;
export type FocalPointTopic = (typeof FOCAL_POINT_TOPICS)[number];

export interface FocalPoint {
  topic: FocalPointTopic;
  userId: string;
  name: string;
  email: string;
}

export interface Member extends MemberSummary {
  requiresTotp: boolean;
  agencies: string[];
  groups: { code: string; name: string }[];
  focalPoints: FocalPoint[];
}

export interface MemberAbilities {
  update: boolean;
  manageUsers: boolean;
  manageFocalPoints: boolean;
}

export interface Group {
  code: string;
  name: string;
  chair: string | null;
  endsOn: string | null;
  members: string[];
}

export interface User {
  id: string;
  name: string;
  email: string;
  member: string;
  roles: Role[];
  disabled: boolean;
  totpEnabled: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  roles: Role[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];
export const AUDIENCE_KINDS = ['owner', 'members', 'groups', 'all'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];
export const SOURCE_GRADES = ['A', 'B', 'C', 'X'] as const;
export type SourceGrade = (typeof SOURCE_GRADES)[number];
export const INFORMATION_GRADES = ['1', '2', '3', '4'] as const;
export type InformationGrade = (typeof INFORMATION_GRADES)[number];

export interface Sharing {
  audience: { kind: AudienceKind; members?: string[]; groups?: string[] };
  tlp: Tlp;
  handling?: HandlingCode[];
  handlingNote?: string;
  evaluation?: { source: SourceGrade; information: InformationGrade } | null;
}

export const LIBRARY_CATEGORIES = ['policy-guide', 'model-legislation', 'training-module', 'workshop-report', 'co-chairs-statement', 'other'] as const;
export type LibraryCategory = (typeof LIBRARY_CATEGORIES)[number];

export interface RecordAbilities {
  update: boolean;
  delete: boolean;
  passOn: boolean;
}

export interface LibraryDocument {
  id: string;
  title: string;
  summary: string;
  category: LibraryCategory;
  tags: string[];
  languages: string[];
  date: string | null;
  owner: string;
  sharing: Sharing;
  hasFile: boolean;
  fileName: string | null;
  createdAt: string;
  updatedAt: string;
  snippet: { text: string; match: boolean }[] | null;
  abilities: RecordAbilities;
}

export interface LibraryDocumentFull extends LibraryDocument {
  body: string;
}

/** What POST /library/documents takes; PATCH takes any part of it. */
export interface LibraryDocumentInput {
  title: string;
  summary?: string;
  body?: string;
  category: LibraryCategory;
  tags?: string[];
  languages?: string[];
  date?: string | null;
  sharing: Sharing;
}

export interface AuditRead {
  id: string;
  at: string;
  action: string;
  readerMember: string;
  readerName: string | null;
  objectType: string | null;
  ids: string[];
  purpose: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  objectType: string | null;
  objectId: string | null;
  createdAt: string;
  read: boolean;
}

export interface Page<T> {
  data: T[];
  next: string | null;
}

export interface FieldError {
  pointer: string;
  detail: string;
  in?: string;
}

/** An answer other than 2xx, from problem+json when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly requestId: string | null = null,
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

const BASE = '/api/v1';
let csrfToken: string | null = null;
const unauthorisedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request that needed a session got 401: the session ended elsewhere. */
export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
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
    throw new ApiError(0, 'Network error', 'The server could not be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !path.startsWith('/auth/')) unauthorisedListeners.forEach((listener) => listener());
    throw problem;
  }
  if (response.status === 204 || response.status === 202) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function readProblem(response: Response): Promise<ApiError> {
  const fallback = response.status === 429 ? 'Too many attempts. Wait a minute and try again.' : `The server answered ${response.status} ${response.statusText}.`;
  try {
    const value: unknown = await response.json();
    if (typeof value === 'object' && value !== null) {
      const problem = value as { title?: unknown; detail?: unknown; errors?: unknown; requestId?: unknown };
      const errors = Array.isArray(problem.errors)
        ? problem.errors.filter((item): item is FieldError => typeof item === 'object' && item !== null && typeof (item as FieldError).pointer === 'string' && typeof (item as FieldError).detail === 'string')
        : [];
      return new ApiError(
        response.status,
        typeof problem.title === 'string' ? problem.title : 'Error',
        typeof problem.detail === 'string' ? problem.detail : fallback,
        errors,
        typeof problem.requestId === 'string' ? problem.requestId : null,
      );
    }
  } catch {
    // not JSON: use the fallback below
  }
  return new ApiError(response.status, 'Error', fallback);
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T = void>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T = void>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = void>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
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

export function fileUrl(documentId: string): string {
  return `${BASE}/library/documents/${encodeURIComponent(documentId)}/file`;
}
