import { beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/render';
import { api, client } from './client';
import { ApiError } from './errors';
import { session } from './session';

describe('api()', () => {
  beforeEach(() => session.start({ access_token: 'old', refresh_token: 'r1', expires_in: 900 }));

  it('refreshes an expired access token once and repeats the call', async () => {
    const seen = mockFetch(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === '/api/v1/auth/refresh') return json(200, { access_token: 'new', refresh_token: 'r2', expires_in: 900, token_type: 'Bearer' });
      return req.headers.get('authorization') === 'Bearer new' ? json(200, { items: [] }) : json(401, { error: { code: 'unauthorized', message: 'x' } });
    });
    const data = await api(() => client.GET('/api/v1/orgs'));
    expect(data).toEqual({ items: [] });
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/api/v1/orgs', '/api/v1/auth/refresh', '/api/v1/orgs']);
    expect(await seen[1].json()).toEqual({ refresh_token: 'r1' });
    expect(session.get().tokens?.refresh).toBe('r2');
  });

  it('ends the session with a notice when the refresh token is refused', async () => {
    mockFetch(() => json(401, { error: { code: 'unauthorized', message: 'x' } }));
    await expect(api(() => client.GET('/api/v1/orgs'))).rejects.toMatchObject({ code: 'session_expired' });
    expect(session.get().tokens).toBeNull();
    expect(session.get().notice).toMatch(/session expired/i);
  });

  it('reports network failures as such', async () => {
    globalThis.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const err = await api(() => client.GET('/api/v1/orgs')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('network_error');
  });
});
