import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

/** Expects a problem+json answer with this status, and returns it. */
export function problem(response: LightMyRequestResponse, status: number): Problem {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json<Problem>();
}

/** The JSON pointers of a problem's field errors. */
export const pointers = (body: Pick<Problem, 'errors'>): string[] => (body.errors ?? []).map((error) => error.pointer);
