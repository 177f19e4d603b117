// Typed admin API calls. `client` is openapi-fetch over the generated `paths`; `api(...)` runs a
// call, turns failures into ApiError, and handles an expired access token: it trades the
// refresh token for a new pair once (shared by concurrent calls) and retries; if that fails the
// session ends with a notice for the login page.

import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { ApiError, NETWORK_ERROR, SESSION_EXPIRED, fromResponse } from './errors';
import { session } from './session';

export type Schemas = components['schemas'];

export const client = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  // Looked up at call time so tests can replace globalThis.fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});

client.use({
  onRequest({ request }) {
    const tokens = session.get().tokens;
    if (tokens && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${tokens.access}`);
    return request;
  },
});

export interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function attempt<T>(run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, NETWORK_ERROR, e instanceof Error ? e.message : 'network error');
  }
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for a new token pair; false when the session cannot continue. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const tokens = session.get().tokens;
    if (!tokens) return false;
    try {
      const { data, response } = await client.POST('/api/v1/auth/refresh', {
        body: { refresh_token: tokens.refresh },
        headers: { authorization: '' },
      });
      if (response.ok && data) {
        session.start(data);
        return true;
      }
      return false;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Runs one API call and returns its data, or throws an ApiError. A 401 with a session refreshes
 * the session once and repeats the call.
 */
export async function api<T>(run: () => Promise<Outcome<T>>): Promise<T> {
  let outcome = await attempt(run);
  if (outcome.response.status === 401 && session.get().tokens) {
    if (await refreshSession()) {
      outcome = await attempt(run);
    } else {
      session.end('Your session expired. Log in again to continue.');
      throw new ApiError(401, SESSION_EXPIRED, 'session expired');
    }
  }
  if (!outcome.response.ok) throw fromResponse(outcome.response.status, outcome.error);
  return outcome.data as T;
}

export async function login(email: string, password: string): Promise<void> {
  const pair = await api(() => client.POST('/api/v1/auth/login', { body: { email, password } }));
  session.start(pair);
}

export async function logout(): Promise<void> {
  try {
    if (session.get().tokens) await client.POST('/api/v1/auth/logout');
  } finally {
    session.end('You are logged out.');
  }
}

/** A fresh Idempotency-Key, so a double click or a retried POST creates one thing. */
export function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
